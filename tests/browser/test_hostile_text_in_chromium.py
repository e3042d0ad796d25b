"""Text from data files, people and links is never run: a school named like an HTML attack shows
as text on every page and in exports, and one named like a spreadsheet formula is neutralised
in downloads; a cycle's focus, a commitment, the room's notes and the reflection written as
Markdown (an image from another server, a phishing link, KaTeX, colours) are shown as the
characters typed, and no request leaves for another host."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from monitor.access import Scope
from monitor.writing.records import DISTRICT, Author, Commitment, Indicator, Note
from monitor.writing.store import Store

from .conftest import READY_MS, running_server, settled

ATTACK = "<img src=x onerror=alert(1)>"
# People's words as Markdown: a picture fetched from another server, a link, KaTeX, colour.
MARKDOWN = ("![b](http://beacon.test/b.png) [Sign in again here](http://phish.test/login) "
            "$\\frac{1}{2}$ :red[alarm]")
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
    con.execute("UPDATE schools SET school_name = $name WHERE school_code = $code",
                {"name": MARKDOWN, "code": codes[2]})
    con.close()
    url = f"sqlite:///{folder / 'store.sqlite'}"
    write_markdown_everywhere(Store(url), codes[0])
    with running_server(db, folder / "streamlit.log", env={"MONITOR_STORE_URL": url}) as base:
        yield base, codes


def write_markdown_everywhere(store: Store, school: str) -> None:
    """MARKDOWN as a school's cycle (focus, practice, commitment, decisions), the district's
    cycle, the reflection, and the room's notes and next steps."""
    me = Author("coach@district.test", Scope(role="district"))
    day = dt.date
    indicators = [Indicator("leading", "walkthrough", 60.0, detail="ca2", start_value=40.0),
                  Indicator("lagging", "benchmark", 60.0, subject="ELA", start_value=50.0)]
    promise = Commitment(MARKDOWN, "Coach", day(2026, 12, 1), link=MARKDOWN)
    first = store.open_cycle(me, school, MARKDOWN, MARKDOWN, day(2026, 8, 15),
                             day(2026, 10, 31), indicators, [promise])
    store.review(me, {i.id: ("adjust", MARKDOWN) for i in first.indicators},
                 {i.id: i.target + 5 for i in first.indicators})
    store.close_cycle(me, first.id, day(2026, 11, 1), day(2027, 1, 31), {})
    store.open_cycle(me, DISTRICT, MARKDOWN, MARKDOWN, day(2026, 11, 1), day(2027, 3, 15),
                     indicators, [promise])
    store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Plan",
                  MARKDOWN, MARKDOWN)
    for scope in ("district", school):
        for walk in ("Q2", "Q3"):
            store.save_note(me, "2026-27", walk, scope, "trend",
                            Note(MARKDOWN, MARKDOWN, MARKDOWN))


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
def test_peoples_markdown_is_text_and_fetches_nothing(page: Page, hostile_server, artifacts):
    """Every page and slide that shows the people's words: no picture, link or formula is
    made of them, and the browser asks no host but the dashboard for anything."""
    base, codes = hostile_server
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url)
            if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    visits = [f"?school={codes[0]}", f"cycles?school={codes[0]}", "cycles", "reflection",
              f"school?school={codes[2]}", "learning_walks?present=1&slide=1",
              f"learning_walks?present=1&slide=1&school={codes[0]}",
              "learning_walks?present=1&slide=2", "learning_walks"]
    for path in visits:
        page.goto(f"{base}/{path}")
        settled(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert page.locator("img[src*='beacon']").count() == 0, path
        assert page.locator("a[href*='phish'], a[href*='beacon']").count() == 0, path
        assert page.locator(".katex").count() == 0, path
        assert page.get_by_text("Sign in again here", exact=False).count() >= 1 or \
            "reflection" in path or "slide=2" in path or path == "learning_walks", path
    page.goto(f"{base}/cycles?school={codes[0]}")
    settled(page)
    expect(page.get_by_role("heading", name=f"Focus: {MARKDOWN}")).to_be_visible()
    page.screenshot(path=artifacts / "hostile-cycle-focus.png")
    assert elsewhere == [], sorted(set(elsewhere))


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
