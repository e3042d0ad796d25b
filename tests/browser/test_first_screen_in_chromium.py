"""Each user's first screen answers in a minute, without scrolling, at 1366 x 768 (Chromium):
the overview names the schools below each headline goal, says what changed since last week
and lists where to look next; a school's page gives its goals, what changed there and what
needs its attention. Read off the screen itself: every answer lies inside the first 768 pixels
and the page has not scrolled."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from monitor.db import Database

from .conftest import running_server, settled

WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def week_server(week_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("first_screen")
    with running_server(week_db, folder / "streamlit.log",
                        env={"MONITOR_STORE_URL": f"sqlite:///{folder / 'store.sqlite'}"}) as base:
        yield base


def on_first_screen(page: Page, text: str) -> None:
    """`text` is shown, and wholly inside the first screen (no scrolling)."""
    found = page.get_by_text(text, exact=False).first
    expect(found).to_be_visible()
    box = found.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (text, box)


@pytest.mark.browser
def test_the_overviews_first_screen_answers_three_questions(page: Page, week_server, week_db,
                                                            artifacts):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(week_server)
    settled(page)
    assert page.evaluate("window.scrollY") == 0
    for heading in ("Off track on each goal", "What changed", "Where to look next"):
        on_first_screen(page, heading)
    # Every headline goal, with the schools named, the furthest below first.
    for goal in ("Benchmark ELA", "Benchmark Math", "i-Ready growth ELA", "ESGI ELA",
                 "Learning walks"):
        on_first_screen(page, goal)
    names = Database(week_db).query("schools")["school_name"]
    named = [name for name in names if page.get_by_text(name, exact=False).count()]
    assert named, "the first screen names schools"
    on_first_screen(page, "schools not met")
    # What changed since the version a week old.
    on_first_screen(page, "Since Feb 8:")
    on_first_screen(page, "results in for")
    # The five places to look next, each with its reason, and the rest one click away.
    items = page.locator(".glance p").filter(has_text="goal ")
    assert items.count() >= 5
    on_first_screen(page, "below trajectory")
    for control in ("All", ):
        expect(page.get_by_role("button", name=control).first).to_be_visible()
    page.screenshot(path=artifacts / "first-screen-overview-1366.png")


@pytest.mark.browser
def test_a_schools_first_screen_has_its_goals_changes_and_attention(page: Page, week_server,
                                                                    week_db, artifacts):
    schools = Database(week_db).query("schools")
    school = schools.loc[schools["level"] == "Elementary", "school_code"].iloc[0]
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{week_server}/school?school={school}")
    settled(page)
    assert page.evaluate("window.scrollY") == 0
    for text in ("Its goals", "What changed", "Needs attention", "Benchmark ELA",
                 "Since Feb 8"):
        on_first_screen(page, text)
    page.screenshot(path=artifacts / "first-screen-school-1366.png")
