"""Monday morning: 30 browser sessions click through the pages while a large file loads. No
errors, no page showing a mix of old and new data, and every page shows the new data once the
load has committed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page

from monitor.config import PROJECT_ROOT

from ..loader.test_killed_load import big_benchmark
from .conftest import READY_MS, running_server

SESSIONS = 30
# While the load runs the sessions read the Data page first, then move on; each "data" step
# reads it again.
ROUTE = ["data", "", "groups", "data"]


def wait_done(page: Page, step: str) -> None:
    """Wait until the page's own content is drawn and its script run has finished."""
    if step == "data":
        page.get_by_role("heading", name=re.compile(r"^Load history: ")).wait_for(
            timeout=READY_MS)
    else:
        page.get_by_role("heading", level=1).first.wait_for(timeout=READY_MS)
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
    # Large enough that the first round of reads finishes while it is still loading.
    big = big_benchmark(tmp_path / "monday_benchmark.csv", 800_000)
    contexts = [browser.new_context(viewport={"width": 1366, "height": 900})
                for _ in range(SESSIONS)]
    for context in contexts:
        context.set_default_timeout(READY_MS)
    pages = [context.new_page() for context in contexts]
    errors: list[str] = []
    for number, page in enumerate(pages):
        page.on("pageerror", lambda exc, n=number: errors.append(f"session {n}: {exc}"))
    seen: list[tuple[int, int]] = []
    during: list[tuple[int, int]] = []      # reads finished while the load was still running
    try:
        with running_server(db, tmp_path / "streamlit.log") as base:
            for page in pages:
                page.goto(f"{base}/data", wait_until="commit")
            for page in pages:
                wait_done(page, "data")
                seen.append(read_data_page(page))
            before = seen[0][0]
            load = subprocess.Popen([sys.executable, "-m", "monitor", "load", str(big)],
                                    env=os.environ | {"MONITOR_DB": str(db)}, cwd=PROJECT_ROOT,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            rounds = 0
            while True:
                finished = load.poll() is not None
                step = ROUTE[rounds % len(ROUTE)]
                for page in pages:                     # every session asks at once
                    page.goto(f"{base}/{step}", wait_until="commit")
                for number, page in enumerate(pages):
                    wait_done(page, step)
                    if page.get_by_test_id("stException").count():
                        errors.append(f"session {number} /{step}: "
                                      f"{page.get_by_test_id('stException').first.inner_text()}")
                    if step == "data":
                        read = read_data_page(page)
                        seen.append(read)
                        if load.poll() is None:
                            during.append(read)
                rounds += 1
                if finished and step == "data":
                    break
            output = load.communicate()[0]
            assert load.returncode in (0, 1), output
            final = seen[-SESSIONS:]
    finally:
        for context in contexts:
            context.close()
    assert errors == []
    # No page ever showed two versions at once, and each showed the old or the new one.
    assert all(counts == history for counts, history in seen), seen
    assert {counts for counts, _ in seen} <= {before, before + 1}
    # Once the load committed, every session shows the new data.
    assert final == [(before + 1, before + 1)] * SESSIONS
    assert rounds >= 2
    # The reads overlapped the load: pages were served, from the old version, while it ran.
    assert len(during) >= 5, f"only {len(during)} reads finished while the load ran"
    assert set(during) == {(before, before)}
    print(f"{SESSIONS} sessions, {rounds} rounds, {len(seen)} Data page reads, "
          f"{len(during)} of them while the load ran")
