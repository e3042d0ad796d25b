"""Text from data files is never run: a school named like an HTML attack shows as text on every
page and in exports, and one named like a spreadsheet formula is neutralised in downloads."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from .conftest import READY_MS, running_server, settled

ATTACK = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.test","Open")'
PAGES = ["", "school", "groups", "learning_walks", "surveys", "data"]


@pytest.fixture(scope="module")
def hostile_server(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "monitor.duckdb"
    shutil.copy2(demo_db, db)
    con = duckdb.connect(str(db))
    codes = [row[0] for row in con.execute(
        "SELECT school_code FROM schools ORDER BY school_code").fetchall()]
    con.execute("UPDATE schools SET school_name = $name WHERE school_code = $code",
                {"name": ATTACK, "code": codes[0]})
    con.execute("UPDATE schools SET school_name = $name WHERE school_code = $code",
                {"name": FORMULA, "code": codes[1]})
    con.close()
    with running_server(db, folder / "streamlit.log") as base:
        yield base, codes


@pytest.mark.browser
def test_a_hostile_school_name_is_text_everywhere(page: Page, hostile_server, artifacts):
    base, codes = hostile_server
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in PAGES:
        page.goto(f"{base}/{path}?school={codes[0]}" if path == "school" else f"{base}/{path}")
        settled(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        # No element was made from the name: no <img src="x"> anywhere in the page.
        assert page.locator("img[src='x']").count() == 0, path
    page.goto(f"{base}/school?school={codes[0]}")
    settled(page)
    expect(page.get_by_role("heading", name=ATTACK, exact=True)).to_be_visible()
    page.screenshot(path=artifacts / "hostile-school-name.png")
    assert dialogs == []


@pytest.mark.browser
def test_exports_keep_hostile_names_as_inert_text(page: Page, hostile_server, tmp_path):
    base, _ = hostile_server
    page.goto(base)
    settled(page)
    # The schools-by-status chart's table: every school, with its name. Wait for the whole
    # page (its last section) so the buttons are in their final order.
    expect(page.get_by_text("window(s) open now").or_(page.get_by_text(
        "No assessment window is open")).first).to_be_visible(timeout=READY_MS)
    # The first chart download with a School column: the schools chart's table.
    buttons = page.get_by_role("button", name="Download CSV")
    names: list[str] = []
    for number in range(buttons.count()):
        with page.expect_download() as download:
            buttons.nth(number).click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "School" in rows[0]:
            names = [row["School"] for row in rows]
            break
    assert ATTACK in names
    assert "'" + FORMULA in names and FORMULA not in names
