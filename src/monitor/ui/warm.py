"""Fill the page caches for each new version of the database in the background, so the first
person to open a page after a load does not wait for the measure queries (at 400,000 students
the first run of the overview takes about 20 s; a warm one about 0.1 s).

`watch()` is called by every run of app.py; its first call in a process starts one watcher
thread. It notices a new version of the file (a load by the command line, checked every
`POLL_SECONDS`; the upload page's loads `poke()` it at once) and computes the current school
year's measures tables and the counts the pages read first (`plan()`). A page that asks for a
result the warmer is still computing waits for it rather than computing it again (Streamlit
holds one lock per cache entry), so warming never doubles the work; and the warmer takes its
next step only while no page run is in progress (`page_run()`), so it never slows a visitor
down. It fills only the whole-district caches in monitor.ui.data; what a user receives is
still scoped per user when a page asks for it.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Iterator

from monitor import registry
from monitor.db import DatabaseProblem
from monitor.keys import GRADE_ORDER
from monitor.measures import selection
from monitor.registry import MeasureId
from monitor.ui import data, measures

POLL_SECONDS = 30.0
LOG = logging.getLogger(__name__)

_lock = threading.Lock()
_quiet = threading.Condition(_lock)            # notified when the last page run ends
_runs = 0                                       # page runs in progress in this process
_stop = threading.Event()
_wake = threading.Event()
_watcher: threading.Thread | None = None
_warmed: dict[tuple[int, int], bool] = {}      # version -> finished


def plan(school_year: str) -> list[tuple[str, str, selection.Filters]]:
    """What to compute for a version, as (what, measure, filters), in the order the pages need
    it: every measure's table for the sidebar's default subject, then for the other subject
    and the other surveys, then the school page's by-grade counts and the survey items. The
    filters are the ones the pages ask with (`measures.scoped_filters`), so the keys match."""
    subjects = registry.spec(selection.REFERENCE_MEASURE).subjects      # the sidebar's
    work: list[tuple[str, str, selection.Filters]] = []

    def add(what: str, measure: str, subject: str, grade: str | None = None) -> None:
        filters = measures.scoped_filters(
            measure, selection.Filters(school_year=school_year, subject=subject, grade=grade))
        if (what, measure, filters) not in work:
            work.append((what, measure, filters))

    for subject in subjects:
        for measure in registry.MEASURES:
            add("table", measure, subject)
    for survey in registry.spec(MeasureId.SURVEY).subjects:
        add("table", MeasureId.SURVEY, survey)
    for grade in GRADE_ORDER:
        add("cells", selection.REFERENCE_MEASURE, subjects[0], grade)
    add("items", MeasureId.SURVEY, subjects[0])
    return work


def warm(stamp: tuple[int, int]) -> int:
    """Compute what `plan()` lists for one version (once per version and process); returns
    how many it computed. Stops early if a newer version arrives."""
    with _lock:
        if stamp in _warmed:
            return 0
        _warmed[stamp] = False
    done, started = 0, time.perf_counter()
    try:
        for what, measure, filters in plan(data.settings().current_school_year()):
            _wait_for_quiet()
            if _newer_than(stamp) or _stop.is_set():
                break
            data.warm(stamp, what, measure, filters)
            done += 1
    finally:
        with _lock:
            _warmed[stamp] = True
        LOG.info("warmed database version %s: %d results in %.1f s", stamp, done,
                 time.perf_counter() - started)
    return done


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """Mark a page run in progress (app.py): the warmer starts its next step only when no
    run is in progress, so a visitor's run never shares the machine's cores with it."""
    global _runs
    with _quiet:
        _runs += 1
    try:
        yield
    finally:
        with _quiet:
            _runs -= 1
            _quiet.notify_all()


def _wait_for_quiet() -> None:
    with _quiet:
        _quiet.wait_for(lambda: _runs == 0 or _stop.is_set())


def finished(stamp: tuple[int, int]) -> bool:
    """Whether warming of this version has run to its end (or stopped for a newer one)."""
    with _lock:
        return _warmed.get(stamp, False)


def watch() -> None:
    """Start the process's watcher thread, once (later calls do nothing)."""
    global _watcher
    if not data.settings().engine.warm_after_load:
        return
    with _lock:
        if _watcher is not None and _watcher.is_alive():
            return
        _stop.clear()
        _wake.clear()
        _watcher = threading.Thread(target=_watch, name="monitor-cache-warmer", daemon=True)
        _watcher.start()


def poke() -> None:
    """Look for a new version now rather than at the next poll (after a load by the app)."""
    _wake.set()


def stop() -> None:
    """Stop the watcher thread after what it is computing (tests; a server just exits)."""
    _stop.set()
    _wake.set()
    with _quiet:
        _quiet.notify_all()
    watcher = _watcher
    if watcher is not None:
        watcher.join()
    _stop.clear()
    _wake.clear()


def _newer_than(stamp: tuple[int, int]) -> bool:
    try:
        return data.database_stamp() != stamp
    except DatabaseProblem:
        return True


# At exit, let the watcher finish its step: a thread killed inside a DuckDB query aborts the
# process ("terminate called ...").
atexit.register(stop)


def _watch() -> None:
    while not _stop.is_set():
        try:
            warm(data.database_version())
        except Exception:       # a missing or swapped file: the pages say so; try again later
            LOG.debug("cache warming skipped", exc_info=True)
        _wake.wait(POLL_SECONDS)
        _wake.clear()
