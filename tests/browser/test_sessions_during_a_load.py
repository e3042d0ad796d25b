"""Monday morning: 30 browser sessions click through the pages while a large file loads. No
errors, no page showing a mix of old and new data, and every page shows the new data once the
load has committed.

The overlap does not depend on how fast the machine is: the load is held (SIGSTOP) once it says
it is writing, every session goes round the pages while it is held, then it is let go and the
sessions keep reading while it finishes and after it has committed.

Each session opens the dashboard once and then moves through it by its page links, as a person
does (the same browser tab and server session throughout; a full reload of every tab each round
cost minutes of Chromium's time and tested nothing more)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page

from monitor.config import PROJECT_ROOT

from ..loader.test_killed_load import big_benchmark, stage_of
from .conftest import READY_MS, running_server

SESSIONS = 30
# Every session starts on the Data page. While the load is held they go to the overview, the Data
# page, Student groups and the Data page again; once it is let go they go to the overview and
# back to the Data page until it has committed. Each step is another page than the one before, so
# a step is done only when that page's own title is drawn.
TITLES = {"data": "Data", "": "District overview", "groups": "Student groups"}
ROUTE = ["", "data", "groups", "data"]


def open_page(page: Page, step: str) -> None:
    """Follow the page's link in the sidebar (no reload: the session carries on)."""
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=re.compile(rf"{re.escape(TITLES[step])}$")).click()


def wait_done(page: Page, step: str) -> None:
    """Wait until the page's own content is drawn and its script run has finished."""
    page.get_by_role("heading", level=1, name=TITLES[step], exact=True).wait_for(
        timeout=READY_MS)
    if step == "data":
        page.get_by_role("heading", name=re.compile(r"^Load history: ")).wait_for(
            timeout=READY_MS)
    page.wait_for_selector("[data-test-script-state='notRunning']")


def read_data_page(page: Page) -> tuple[int, int]:
    """Two independent reads of the load history on one page: the row-count tile (one query)
    and the history's heading (another)."""
    tile = page.get_by_test_id("stMetric").filter(has_text="Loads").first
    from_counts = int(tile.get_by_test_id("stMetricValue").inner_text().replace(",", ""))
    heading = page.get_by_role("heading", name=re.compile(r"^Load history: ")).inner_text()
    from_history = int(re.search(r"Load history: ([\d,]+) files", heading)[1].replace(",", ""))
    return from_counts, from_history


@pytest.mark.browser
def test_thirty_sessions_while_a_large_file_loads(browser: Browser, demo_db, tmp_path):
    db = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, db)
    # Large enough that the sessions also read while the load runs on after it is let go.
    big = big_benchmark(tmp_path / "monday_benchmark.csv", 100_000)
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900})
                for _ in range(SESSIONS)]
    for context in contexts:
        context.set_default_timeout(READY_MS)
    pages = [context.new_page() for context in contexts]
    errors: list[str] = []
    for number, page in enumerate(pages):
        page.on("pageerror", lambda exc, n=number: errors.append(f"session {n}: {exc}"))
    seen: list[tuple[int, int]] = []
    during: list[tuple[int, int]] = []      # reads while the load was held mid-write

    def go_round(step: str, held: bool) -> None:
        for page in pages:                     # every session asks at once
            open_page(page, step)
        for number, page in enumerate(pages):
            wait_done(page, step)
            if page.get_by_test_id("stException").count():
                errors.append(f"session {number} /{step}: "
                              f"{page.get_by_test_id('stException').first.inner_text()}")
            if step == "data":
                read = read_data_page(page)
                seen.append(read)
                if held:
                    during.append(read)

    load = None
    try:
        with running_server(db, tmp_path / "streamlit.log") as base:
            for page in pages:
                page.goto(f"{base}/data", wait_until="commit")
            for page in pages:
                wait_done(page, "data")
                seen.append(read_data_page(page))
            before = seen[0][0]
            load = subprocess.Popen(
                [sys.executable, "-m", "monitor", "load", "--progress", str(big)],
                env=os.environ | {"MONITOR_DB": str(db)}, cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            said, held = [], False
            for line in load.stderr:
                said.append(line)
                if stage_of(line) == "Writing":
                    load.send_signal(signal.SIGSTOP)
                    held = True
                    break
            assert held, "the load never said it was writing: " + "".join(said)
            for step in ROUTE:                         # the load is held while it writes
                go_round(step, held=True)
            load.send_signal(signal.SIGCONT)
            rounds = 0
            while True:                                # reads while it finishes, then after
                finished = load.poll() is not None
                go_round("", held=False)
                go_round("data", held=False)
                rounds += 1
                if finished:
                    break
            output, errs = load.communicate()
            assert load.returncode in (0, 1), output + "".join(said) + errs
            final = seen[-SESSIONS:]
    finally:
        if load is not None and load.poll() is None:
            load.send_signal(signal.SIGCONT)
            load.kill()
            load.communicate()
        for context in contexts:
            context.close()
    assert errors == []
    # No page ever showed two versions at once, and each showed the old or the new one.
    assert all(counts == history for counts, history in seen), seen
    assert {counts for counts, _ in seen} <= {before, before + 1}
    # Once the load committed, every session shows the new data.
    assert final == [(before + 1, before + 1)] * SESSIONS
    # While the load was writing, every session was served the old version, whole.
    assert len(during) == 2 * SESSIONS
    assert set(during) == {(before, before)}
    print(f"{SESSIONS} sessions, {rounds} rounds after the hold, {len(seen)} Data page reads, "
          f"{len(during)} of them while the load was held mid-write")
