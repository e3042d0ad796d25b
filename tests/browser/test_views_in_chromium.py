"""The superintendent's and the principal's ways through the views, in headless Chromium:
status grid into a school, a filter change that survives a reload, the downloads, and
screenshots of every page at laptop and projector sizes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from monitor.db import Database

from .conftest import READY_MS, next_frame, settled

SIZES = [(1366, 768), (1920, 1080)]
PAGES = ["", "school", "groups", "learning_walks", "surveys", "data"]


def settle(page: Page) -> None:
    settled(page, charts=True)


@pytest.mark.browser
def test_status_grid_opens_the_school_page(page: Page, server, demo_db, artifacts):
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(server)
    settle(page)
    heading = page.get_by_role("heading", name="Schools at goal")
    heading.scroll_into_view_if_needed()
    grid = page.get_by_test_id("stDataFrame").filter(visible=True).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The grid draws on a canvas: hover the first row's link, then click it (a new tab).
    x, y = box["x"] + 22, box["y"] + 35 + 18
    page.mouse.move(x - 2, y - 1)
    next_frame(page)
    page.mouse.move(x, y)
    next_frame(page)
    with page.context.expect_page(timeout=READY_MS) as opened:
        page.mouse.down()
        page.mouse.up()
    school_page = opened.value
    school_page.wait_for_load_state()
    assert "/school?school=" in school_page.url
    code = school_page.url.split("school=")[1].split("&")[0]
    listed = Database(demo_db).query("schools")
    schools = listed.set_index("school_code")["school_name"]
    settle(school_page)
    # The grid lists schools in the order of the schools query: the first row is its first.
    assert code == listed["school_code"].iloc[0]
    expect(school_page.get_by_role("heading", name=schools[code], exact=True)).to_be_visible()
    expect(school_page.get_by_test_id("stException")).to_have_count(0)
    school_page.screenshot(path=artifacts / "grid-click-into-school.png")


@pytest.mark.browser
def test_the_schools_grid_fits_a_laptop_screen(page: Page, server, artifacts):
    """At 1366 px every measure's column of the schools grid is in view, none behind a
    horizontal scroll."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(server)
    settle(page)
    page.get_by_role("heading", name="Schools at goal").scroll_into_view_if_needed()
    # The first table in view (the charts' tables sit in tabs not yet opened).
    grid = page.get_by_test_id("stDataFrame").filter(visible=True).first
    grid.scroll_into_view_if_needed()
    widths = grid.locator(".dvn-scroller").first.evaluate(
        "e => [e.scrollWidth, e.clientWidth]")
    grid.screenshot(path=artifacts / "schools-grid-1366.png")
    assert widths[0] <= widths[1] + 1, f"grid is {widths[0]} px wide in {widths[1]} px"


@pytest.mark.browser
def test_a_filter_change_survives_a_reload(page: Page, server, artifacts):
    page.goto(f"{server}/school")
    settle(page)
    page.locator(".st-key-f_subject").click()
    page.get_by_role("option", name="Math", exact=True).click()
    page.wait_for_url("**subject=Math**", timeout=READY_MS)
    settle(page)
    finding = page.get_by_role("heading", name="Math district benchmark").first
    expect(finding).to_be_visible(timeout=READY_MS)
    before = finding.inner_text()
    url = page.url
    page.reload()
    settle(page)
    assert page.url == url
    expect(page.get_by_role("heading", name="Math district benchmark").first).to_have_text(before)
    expect(page.get_by_role("combobox", name="Subject")).to_have_value("Math")
    page.screenshot(path=artifacts / "filter-after-reload.png")


@pytest.mark.browser
def test_chart_downloads_csv_and_png(page: Page, server, tmp_path):
    page.goto(server)
    settle(page)
    with page.expect_download(timeout=READY_MS) as csv_download:
        page.get_by_role("button", name="Download CSV").first.click()
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert csv_path.suffix == ".csv" and text.startswith("Window,Value,n,")
    assert "BM1" in text and "BM2" in text
    with page.expect_download(timeout=READY_MS) as png_download:
        page.get_by_role("button", name="Download PNG").first.click()
    png_path = tmp_path / png_download.value.suggested_filename
    png_download.value.save_as(png_path)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_path.stat().st_size > 20_000


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screenshots_of_every_page(browser: Browser, server, artifacts, width, height):
    """The first screen at the size users have, and the whole page at that width."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(READY_MS)
    page = context.new_page()
    try:
        for path in PAGES:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{server}/{path}")
            settle(page)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            name = path or "overview"
            page.screenshot(path=artifacts / f"{width}x{height}-{name}.png")
            tall = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            page.set_viewport_size({"width": width, "height": max(height, tall)})
            settled(page, charts=True)
            next_frame(page)
            page.screenshot(path=artifacts / f"{width}x{height}-{name}-full.png")
    finally:
        context.close()
