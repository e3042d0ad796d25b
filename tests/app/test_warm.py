"""The cache warmer (monitor.ui.warm): each new version of the database has the measures the
pages read first computed in the background, so the first visitor after a load sends no
measure query of their own."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from monitor.config import PROJECT_ROOT
from monitor.ingest.load import load_files
from monitor.ui import data, warm
from monitor.views import reads

from ..loader.test_load import ROSTER_HEADER, roster_rows, write_csv
from .test_pages import run_page

PAGES = ["overview", "school", "groups", "learning_walks", "surveys"]


@pytest.fixture
def queries(monkeypatch) -> list:
    """Every measure query the app sends from now on: (database file, measure, filters)."""
    sent = []
    real = reads.measure_cells

    def counted(db, settings, measure, filters, **kwargs):
        sent.append((db.path, measure, filters))
        return real(db, settings, measure, filters, **kwargs)
    monkeypatch.setattr(reads, "measure_cells", counted)
    return sent


@pytest.fixture
def own_db(tmp_path, demo_db, monkeypatch):
    """A copy of the demo database with a version (file) of its own."""
    path = tmp_path / "monitor.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    return path


def wait_for(condition, seconds: float = 900) -> None:
    """Until `condition()` holds; the ceiling is for a warmer that never finishes, not a
    measure of how fast it is (that is bench/after_load.py's job)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the warmer never finished"
        time.sleep(0.05)


def warmers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "monitor-cache-warmer" and t.is_alive()]


def test_a_warmed_version_leaves_the_pages_no_measure_query(own_db, queries, settings):
    stamp = data.database_version()
    plan = warm.plan(settings.current_school_year())
    assert warm.warm(stamp) == len(plan)
    assert len(queries) == len(plan)            # one query per entry: nothing computed twice
    assert warm.finished(stamp)
    assert warm.warm(stamp) == 0                # once per version
    del queries[:]
    for page in PAGES:
        run_page(page)
    assert queries == [], [(m, f.subject, f.grade) for _, m, f in queries]


def test_the_watcher_warms_the_version_a_load_made(own_db, queries, settings, tmp_path,
                                                   monkeypatch):
    monkeypatch.setattr(warm, "POLL_SECONDS", 0.2)
    run_page("overview")                        # the first run starts the watcher
    assert len(warmers()) == 1
    before = data.database_version()
    wait_for(lambda: warm.finished(before))
    # A load from the command line: no page runs, the watcher notices the new file.
    load_files([write_csv(tmp_path / "roster.csv", ROSTER_HEADER,
                          roster_rows(year=settings.current_school_year()))],
               settings, db_path=own_db)
    after = data.database_stamp()
    assert after != before
    wait_for(lambda: warm.finished(after))
    warmed = len(queries)
    assert warmed > 0
    for page in PAGES:
        run_page(page)
    assert queries[warmed:] == []
    run_page("overview")
    assert len(warmers()) == 1                  # one watcher per process, however many runs


def test_warming_can_be_switched_off(own_db, tmp_path, monkeypatch):
    text = (PROJECT_ROOT / "config.toml").read_text()
    assert "warm_after_load = true" in text
    path = tmp_path / "config.toml"
    path.write_text(text.replace("warm_after_load = true", "warm_after_load = false"))
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    run_page("overview")
    assert warmers() == []


def test_the_warmer_waits_while_a_page_runs(own_db, queries, monkeypatch):
    """The warmer reaches its wait before its first step while a page runs, and computes
    nothing until the run ends (an event, not a sleep: it holds on a slow machine too)."""
    stamp = data.database_version()
    waiting = threading.Event()
    real_wait = warm._wait_for_quiet

    def wait_for_quiet() -> None:
        waiting.set()
        real_wait()
    monkeypatch.setattr(warm, "_wait_for_quiet", wait_for_quiet)
    with warm.page_run():
        worker = threading.Thread(target=warm.warm, args=(stamp,))
        worker.start()
        assert waiting.wait(timeout=600), "the warmer never reached its first step"
        # Blocked inside the wait: nothing computed while the page run lasts.
        assert queries == [] and not warm.finished(stamp) and worker.is_alive()
    worker.join()
    assert warm.finished(stamp) and queries
