"""The teacher and leader outcomes in headless Chromium on the real server: a school's adults
(teacher practice growth, coaching goals, the leader rubric) each a chart against its goal with
its n; the debrief's teacher growth slide; student voice among the survey constructs. No
teacher, leader or coach named on any of them."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from monitor import registry
from monitor.config import load_settings
from monitor.db import Database

from .conftest import READY_MS, settled

LABELS = load_settings().measures


def named_people(demo_files) -> set[str]:
    names = set()
    for path in demo_files:
        if path.name.startswith("walkthroughs_"):
            names |= set(pd.read_csv(path, dtype=str)["Teacher"].dropna())
        elif path.name.startswith("coaching_log_teachers"):
            names |= set(pd.read_csv(path, dtype=str)["Coachee"])
        elif path.name.startswith("coaching_log_leaders"):
            names |= set(pd.read_excel(path, dtype=str)["Person coached"])
    return names


def assert_no_name(page: Page, names: set[str]) -> None:
    text = page.locator("body").inner_text()
    charts = " ".join(page.locator(".js-plotly-plot").all_inner_texts())
    found = sorted(n for n in names if n in text or n in charts)
    assert not found, found[:5]


@pytest.mark.browser
def test_a_schools_adults_each_against_their_goal(page: Page, server, demo_db, demo_files,
                                                   artifacts):
    code = Database(demo_db).query("schools")["school_code"].iloc[0]
    page.goto(f"{server}/school?school={code}")
    settled(page, charts=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    heading = page.get_by_role("heading", name="Adults: practice and coaching")
    expect(heading).to_be_visible()
    heading.scroll_into_view_if_needed()
    for measure, unit in (("teacher_growth", "teachers"), ("coaching_goals", "people coached"),
                          ("leader_coaching", "leaders")):
        # One tab each, the chart full width: the school's, or the district's saying why.
        tab = page.get_by_role("tab", name=registry.spec(measure).short, exact=False)
        tab.click()
        panel = page.get_by_role("tabpanel").filter(visible=True).filter(
            has=page.get_by_role("heading", name=LABELS[measure].label, exact=False)).last
        title = panel.get_by_role("heading", name=LABELS[measure].label, exact=False)
        expect(title.first).to_be_visible()
        # The finding fits its column: at most three lines.
        box = title.first.bounding_box()
        assert box["height"] < 4 * 34, (measure, box)
        expect(panel.get_by_text(f" {unit} at ", exact=False).first).to_be_attached()
        # The chart's own title (its measure, wrapped) lies inside the chart, not cut at its top.
        chart = panel.locator(".js-plotly-plot").filter(visible=True).first
        expect(chart).to_be_visible()
        chart_box, title_box = chart.bounding_box(), chart.locator(".gtitle").bounding_box()
        assert title_box["y"] >= chart_box["y"], (measure, title_box, chart_box)
        if measure == "leader_coaching":
            expect(panel.get_by_text("a school has a handful of leaders", exact=False)
                   ).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    assert_no_name(page, named_people(demo_files))
    page.screenshot(path=artifacts / "school-adults.png", full_page=True)


@pytest.mark.browser
def test_the_debrief_steps_to_teacher_growth(page: Page, server, demo_files, artifacts):
    page.goto(f"{server}/learning_walks?present=1&slide=1")
    settled(page)
    counter = page.get_by_text("Slide 1 of ", exact=False)
    expect(counter).to_be_visible(timeout=READY_MS)
    count = int(counter.inner_text().rsplit(" ", 1)[1])
    titles = []
    for number in range(1, count + 1):
        # The counter names the slide this run drew: a title read before it is the last one's.
        expect(page.get_by_text(f"Slide {number} of {count}")).to_be_visible(timeout=READY_MS)
        settled(page)
        titles.append(page.get_by_role("heading", level=1).first.inner_text())
        if "teacher" in titles[-1].lower():
            break
        page.get_by_role("button", name="Next").click()
    assert "teacher" in titles[-1].lower(), titles
    expect(page.get_by_text("no teacher is named", exact=False)).to_be_visible()
    assert_no_name(page, named_people(demo_files))
    page.screenshot(path=artifacts / "slide-teacher-growth.png")


@pytest.mark.browser
def test_student_voice_is_a_survey_construct(page: Page, server):
    page.goto(f"{server}/surveys")
    settled(page, charts=True)
    expect(page.locator(".js-plotly-plot").get_by_text("Student voice").first).to_be_attached()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
