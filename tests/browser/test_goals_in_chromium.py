"""A goal set in the real server and Chromium: district staff open a school's Goals page, start
from a suggestion, say why and set it; the School page's tile then says where the goal came
from and measures against it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from monitor.db import Database

from .conftest import running_server, settled
from .test_cycles_in_chromium import _choose, _fill


@pytest.fixture
def goal_server(demo_db, tmp_path):
    """A server whose store is this test's own."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with running_server(demo_db, tmp_path / "streamlit.log",
                        env={"MONITOR_STORE_URL": url}) as base:
        yield base


@pytest.mark.browser
def test_district_staff_set_a_goal_and_the_school_tile_says_where_it_came_from(
        page: Page, goal_server, demo_db, artifacts):
    page.set_viewport_size({"width": 1366, "height": 768})
    schools = Database(demo_db).query("schools")
    school, name = schools.loc[schools["level"] == "Middle",
                               ["school_code", "school_name"]].iloc[0]
    page.goto(f"{goal_server}/goals?school={school}")
    settled(page)
    expect(page.get_by_role("heading", name=f"Goals in force for {name}")).to_be_visible()
    _choose(page, "goal_subject", "ELA")
    expect(page.get_by_text("Last year:", exact=False)).to_be_visible()
    page.get_by_text(re.compile(r"^The absolute goal: 80%$")).click()
    settled(page)
    _fill(page, "Why this goal", "The board's goal for every school this year")
    page.screenshot(path=str(artifacts / "goals_1366.png"))
    page.get_by_role("button", name="Set goal").click()
    settled(page)
    # The form's "Now" line (the table above is drawn on a canvas) says the goal in force.
    expect(page.get_by_text(re.compile(r"BM3 80%, set \w{3} \d+, \d{4} by the district "
                                       r"office: the absolute goal"))).to_be_visible()

    page.goto(f"{goal_server}/school?school={school}")
    settled(page, charts=True)
    expect(page.get_by_text(re.compile(
        r"ELA goal: set \w{3} \d+, \d{4} by the district office: the absolute goal; "
        r"Math goal: the district's default \(config\.toml\)"))).to_be_visible()
