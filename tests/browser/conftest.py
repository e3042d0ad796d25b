"""The real Streamlit server, and Debian's Chromium driven by Playwright (never a download)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from monitor.config import PROJECT_ROOT
from monitor.serving.serve import healthy, worker_command

from ..processes import free_port, serving

CHROMIUM = os.environ.get("MONITOR_CHROMIUM", "/usr/bin/chromium")
# A ceiling, never a wait: every wait below ends as soon as the page is ready. On a busy 2-core
# machine (the suite runs two workers, each with its own server) a cold page can take a minute.
READY_MS = 180_000
expect.set_options(timeout=READY_MS)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 2000}}


@pytest.fixture(autouse=True)
def patient_pages(request):
    """Navigation and actions wait up to READY_MS too (Playwright's own default is 30 s, which a
    busy 2-core machine can exceed just to answer a navigation)."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(READY_MS)


def settled(page: Page, *, charts: bool = False) -> None:
    """Wait until the page's script run has finished and what it drew is in place: no run in
    progress, no element left from the run before, the network quiet (and, with `charts`, the
    first chart drawn)."""
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=READY_MS)
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"], [data-testid=\"stSkeleton\"]')",
        timeout=READY_MS)
    if charts:
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_load_state("networkidle", timeout=READY_MS)


def next_frame(page: Page) -> None:
    """Wait for the browser to lay out and paint what changed (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@contextlib.contextmanager
def running_server(db: Path, log: Path, *, env: dict[str, str] | None = None,
                   args: tuple[str, ...] = (), port: int | None = None):
    """`streamlit run app.py` on a database; yields its base URL."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log, "w") as out, serving(
            [*worker_command(port), *args],
            lambda: healthy(f"{base}/_stcore/health"), log.read_text, name="Streamlit",
            cwd=PROJECT_ROOT,
            env=os.environ | {"MONITOR_DB": str(db)} | (env or {}),
            stdout=out, stderr=subprocess.STDOUT):
        yield base


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory):
    """The real server on the (read-only in spirit) shared demo database."""
    with running_server(demo_db, tmp_path_factory.mktemp("server") / "streamlit.log") as base:
        yield base


@pytest.fixture
def writable_server(demo_db, tmp_path):
    """A server on a private copy of the demo database, for tests that load files."""
    db = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, db)
    with running_server(db, tmp_path / "streamlit.log") as base:
        yield base, db
