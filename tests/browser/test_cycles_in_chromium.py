"""An improvement cycle in the real server and Chromium: a school opens one with a leading and
a lagging indicator, the review shows their values from the data, a commitment is added, a
decision is made on each indicator and the cycle is closed into the next with the commitment
carried; and the district records its reflection for two terms and the grid shows both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from monitor.db import Database

from .conftest import next_frame, running_server, settled


@pytest.fixture
def cycle_server(demo_db, tmp_path):
    """A server whose store is this test's own (the shared server's store stays empty)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with running_server(demo_db, tmp_path / "streamlit.log",
                        env={"MONITOR_STORE_URL": url}) as base:
        yield base


def _fill(page: Page, label: str, text: str) -> None:
    """Type into a text field and leave it (Streamlit takes the value when the field loses
    focus, in a run of its own), then wait for that run."""
    page.get_by_label(label).fill(text)
    page.keyboard.press("Tab")
    settled(page)


def _choose(page: Page, key: str, option: str) -> None:
    """Pick one option of the selectbox with this key (outside a form: the pick starts a
    run), and wait until the page's run holds it: a choice made while another run is
    replacing the widget can be dropped, so it is made again until the box shows it (a
    ceiling of three tries, never a fixed wait)."""
    box = page.locator(f".st-key-{key} input")
    for _ in range(3):
        settled(page)
        box.scroll_into_view_if_needed()
        next_frame(page)
        box.click()
        page.get_by_role("option", name=option, exact=True).click()
        settled(page)
        if box.input_value() == option:
            return
    expect(box).to_have_value(option)


@pytest.mark.browser
def test_a_school_opens_a_cycle_and_sees_its_review(page: Page, cycle_server, demo_db,
                                                     artifacts):
    schools = Database(demo_db).query("schools")
    school, name = schools.loc[schools["level"] == "Elementary",
                               ["school_code", "school_name"]].iloc[0]
    page.goto(f"{cycle_server}/cycles?school={school}")
    settled(page)
    expect(page.get_by_text(f"No open cycle for {name}.")).to_be_visible()
    _fill(page, "Focus: the problem of practice", "Students rarely explain their thinking")
    _fill(page, "The high-yield practice to change", "Turn and talk with frames")
    # One at a time: the second leading indicator is offered once the first is chosen.
    expect(page.locator(".st-key-cycle_leading_1")).to_have_count(0)
    _choose(page, "cycle_leading_0",
            "Learning walks: % of indicator ratings meeting: Core Action 2")
    expect(page.locator(".st-key-cycle_leading_1")).to_have_count(1)
    _choose(page, "cycle_lagging_0", "District benchmark: % proficient (ELA)")
    expect(page.locator(".st-key-cycle_target_lagging_0")).to_be_visible()
    page.get_by_role("button", name="Open the cycle").click()
    settled(page, charts=True)
    expect(page.get_by_role("heading", name="Focus: Students rarely explain their thinking")
           ).to_be_visible()
    # The review's finding in plain words, with its commitments ("... (0 of 0 commitments due
    # done on time)"), and a sentence per indicator.
    expect(page.get_by_role("heading", name=re.compile(r"commitments due done on time\)$"))
           ).to_be_visible()
    expect(page.get_by_text("since the cycle began", exact=False).first).to_be_visible()
    # The chart marks the cycle and each target.
    chart = page.locator(".js-plotly-plot").first
    expect(chart.get_by_text("This cycle")).to_be_attached()
    expect(chart.locator(".textpoint", has_text="Target")).to_have_count(2)
    page.get_by_label("What", exact=True).fill("Model turn and talk in grade 3 PLC")
    page.get_by_label("Owner (role)").fill("Instructional coach")
    page.get_by_role("button", name="Add commitment").click()
    settled(page, charts=True)
    # In the commitments table (a canvas grid: its cells are in the page for screen readers)
    # and as a commitment whose progress can be set.
    expect(page.locator("[role='gridcell']", has_text="Model turn and talk in grade 3 PLC")
           ).to_be_attached()
    expect(page.get_by_label("Model turn and talk in grade 3 PLC")).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.screenshot(path=artifacts / "cycle-review.png", full_page=True)

    # The review: carry on with both indicators, then close into the next cycle.
    decisions = _form(page, "Save decisions")
    for choice in range(2):
        _pick(page, decisions.locator("[data-testid='stSelectbox']").nth(choice), "carry on")
    decisions.get_by_role("button", name="Save decisions").click()
    settled(page, charts=True)
    expect(page.get_by_text("Decisions saved.")).to_be_visible()
    # Closing before the end date asks to confirm first: refused until the box is ticked.
    page.get_by_role("button", name="Close and open the next").click()
    settled(page, charts=True)
    expect(page.get_by_text("Tick the box to confirm closing this cycle", exact=False)
           ).to_be_visible()
    confirm = page.locator(".st-key-close_confirm")
    expect(confirm).to_contain_text("day(s) before its end date")
    confirm.locator("label").click()
    page.get_by_role("button", name="Close and open the next").click()
    settled(page, charts=True)
    expect(page.get_by_text("follows cycle", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Focus: Students rarely explain their thinking")
           ).to_be_visible()
    carried = page.locator("[data-testid='stDataFrame']").filter(
        has=page.locator("[role='gridcell']", has_text="Model turn and talk in grade 3 PLC"))
    expect(carried.locator("[role='gridcell']", has_text="yes")).to_be_attached()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.screenshot(path=artifacts / "cycle-next.png", full_page=True)


def _form(page: Page, button: str):
    """The form with this button, found by its text (an open list marks the rest of the page
    hidden from the accessibility tree, so roles would not find it then)."""
    return page.locator("[data-testid='stForm']").filter(has_text=button)


def _pick(page: Page, selectbox, option: str) -> None:
    """Choose an option of a selectbox inside a form (no run until the form is submitted)."""
    box = selectbox.locator("input")
    # Scrolled into place first: a list opened by a click that also scrolls the page closes.
    box.scroll_into_view_if_needed()
    next_frame(page)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


@pytest.mark.browser
def test_the_district_records_its_reflection_for_two_terms(page: Page, cycle_server, artifacts):
    page.goto(f"{cycle_server}/reflection")
    settled(page)
    expect(page.get_by_text("No reflection has been recorded yet")).to_be_visible()
    # The form opens on the current term (the as-of date's: this year's winter), and offers
    # only the terms begun by then.
    term = page.locator(".st-key-reflection_term input")
    current = term.input_value()
    expect(term).to_have_value(re.compile(r"^\d{4}-\d{2} Winter$"))
    _record(page, "Plan")
    term.click()
    offered = [option.inner_text() for option in page.get_by_role("option").all()]
    assert offered[-1] == current and not any("Spring" in t for t in offered)
    earlier = offered[offered.index(current) - 1]
    page.get_by_role("option", name=earlier, exact=True).click()
    settled(page, charts=True)
    expect(term).to_have_value(earlier)
    _record(page, "Test")
    grid = page.locator(".js-plotly-plot").first
    expect(page.get_by_role("heading", name=f"{current}: 1 at Plan of 6 levers")).to_be_visible()
    # What each stage means, where it is read.
    expect(page.get_by_text("tried in a few schools or classrooms", exact=False).first
           ).to_be_visible()
    for label in (earlier, current, "Test", "Plan ↓"):
        expect(grid.get_by_text(label, exact=True)).to_be_attached()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.screenshot(path=artifacts / "reflection.png", full_page=True)


def _record(page: Page, stage: str) -> None:
    """Set the first lever's stage for a term not recorded yet and save the reflection."""
    form = _form(page, "Save the reflection")
    first = form.locator("[data-testid='stSelectbox']").first
    # The form's widgets are the term's own: until the run for a newly picked term has drawn
    # them, the last term's form (its stage already saved) is still on the page.
    expect(first.locator("input")).to_have_value("(not recorded)")
    settled(page)
    _pick(page, first, stage)
    form.get_by_role("button", name="Save the reflection").click()
    settled(page, charts=True)
