"""Open every page of the real server in headless Chromium: charts and goal lines render."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import READY_MS, settled

PAGES = {
    "": "District overview",
    "school": None,
    "groups": "Student groups",
    "learning_walks": "Learning walks",
    "surveys": "Surveys",
    "data": "Data",
}


@pytest.mark.browser
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_chart_with_goal_line(page: Page, server, artifacts, path):
    page.goto(f"{server}/{path}")
    settled(page, charts=True)
    # The goal is drawn: a "Goal" legend entry, or a dashed goal line annotation.
    goal = page.locator(".js-plotly-plot .legendtext", has_text="Goal").or_(
        page.locator(".js-plotly-plot .annotation-text", has_text="Goal"))
    expect(goal.first).to_be_attached(timeout=READY_MS)
    if PAGES[path]:
        expect(page.get_by_role("heading", name=PAGES[path], exact=True)).to_be_visible()
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.get_by_text("This app has encountered an error")).to_have_count(0)
    expect(page.get_by_text("as of February 15, 2027").first).to_be_visible()
    page.screenshot(path=artifacts / f"page-{path or 'overview'}.png", full_page=True)


@pytest.mark.browser
def test_link_with_filters_opens_the_same_view(page: Page, server, artifacts):
    page.goto(f"{server}/groups?group=el&subject=Math")
    settled(page, charts=True)
    expect(page.get_by_text("English learners: Math", exact=False).first).to_be_visible()
    # Moving to another page keeps the filters in the URL, and the page shows the group's
    # view (its caption names the group; the sidebar always lists every group).
    page.get_by_role("link", name="District overview").click()
    page.wait_for_url("**group=el**")
    settled(page, charts=True)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("District · 2026-27 · English learners", exact=False)).to_be_visible()
    expect(main.get_by_role("heading", name="District overview")).to_be_visible()
    page.screenshot(path=artifacts / "filters-in-url.png", full_page=True)


@pytest.mark.browser
def test_a_charts_table_opens_in_its_tab_and_closes_again(page: Page, server, artifacts):
    """Each chart's table is drawn when its "Table" tab is chosen (the page reruns), in place of
    the chart, and the chart comes back with "Chart"; nothing else on the page changes."""
    page.goto(f"{server}/")
    settled(page, charts=True)
    main = page.get_by_test_id("stMain")
    charts = main.locator(".js-plotly-plot").count()
    tables = main.get_by_test_id("stDataFrame").count()
    heading = main.get_by_role("heading", name="schools not met", exact=False).first
    expect(heading).to_be_visible()
    table_tab = main.get_by_role("tab", name="Table").nth(1)
    table_tab.scroll_into_view_if_needed()
    table_tab.click()
    expect(table_tab).to_have_attribute("aria-selected", "true")
    settled(page)
    expect(main.get_by_test_id("stDataFrame")).to_have_count(tables + 1)
    expect(main.locator(".js-plotly-plot")).to_have_count(charts - 1)
    expect(main.get_by_role("tabpanel").get_by_test_id("stDataFrame").first).to_be_visible()
    page.screenshot(path=artifacts / "chart-table-tab.png")
    chart_tab = main.get_by_role("tab", name="Chart").nth(1)
    chart_tab.click()
    expect(chart_tab).to_have_attribute("aria-selected", "true")
    settled(page, charts=True)
    expect(main.locator(".js-plotly-plot")).to_have_count(charts)
    expect(main.get_by_test_id("stDataFrame")).to_have_count(tables)
