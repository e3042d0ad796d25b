"""Storing: the lattice a load built, stored in its database version with the rules it was
built under (or, where the stored one is for other rules, one built in memory); the history
behind "what changed"."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection

import pandas as pd

from monitor.config import Settings
from monitor.db import sql
from monitor.measures.lattice.dimensions import RATINGS, STORED, rules_fingerprint, rules_match
from monitor.measures.lattice.protecting import build_cells, protect_each
from monitor.registry import MEASURES, ROSTER, MeasureId


def build(con, settings: Settings, sources: Collection[str] | None = None,
          years: Collection[str] | None = None) -> int:
    """Count and protect the lattice of the database `con` (a load's writable copy) and store
    it there, with the rules it was built under. Returns the number of cells counted.

    `sources`: the loader's sources whose rows a load run changed. Where the stored lattice is
    for these rules and the roster is not among them, only the measures counting those
    sources' rows are counted and protected again, and the others' cells kept: no sum crosses
    a measure (each is protected on its own, `protect`) and a measure's cells depend on its
    own rows and the roster's alone, so this is the whole build's lattice, cell for cell
    (tests/measures/test_incremental_lattice.py). None: every measure.

    `years`: the school years those rows are in (None: every year). No sum crosses a school
    year either, and a measure's cells of one year depend on that year's rows alone (a
    student's i-Ready baseline, a teacher's first rating, a coaching cycle are of the year),
    so only those years' cells of those measures are counted again."""
    measures = recounted(con, settings, sources)
    if measures == []:
        return 0
    if measures is None:
        years = None
        con.execute("DELETE FROM measure_lattice")
    else:
        con.execute("DELETE FROM measure_lattice WHERE list_contains($measures, measure) AND "
                    "(list_contains($years, '*') OR list_contains($years, school_year))",
                    {"measures": [*measures, *([RATINGS] if MeasureId.WALKTHROUGH in measures
                                               else [])],
                     "years": sorted(years) if years is not None else ["*"]})
    stored = 0
    writer = con.cursor()

    def keep(part: pd.DataFrame) -> None:
        # Each measure's cells stored as soon as they are protected, on the protecting thread
        # (its own cursor) while the database counts the next: the whole lattice is never held
        # in memory at once (at 400,000 students, several million cells).
        nonlocal stored
        writer.register("lattice_cells", part[STORED])
        try:
            writer.execute("INSERT INTO measure_lattice BY NAME SELECT * FROM lattice_cells")
        finally:
            writer.unregister("lattice_cells")
        stored += len(part)

    try:
        protect_each(con, settings, keep, measures, years)
    finally:
        writer.close()
    con.execute("INSERT OR REPLACE INTO meta VALUES ('lattice_rules', $rules)",
                {"rules": rules_fingerprint(settings)})
    return stored


def recounted(con, settings: Settings, sources: Collection[str] | None) -> list[str] | None:
    """The measures a build after changes to `sources` counts again (see `build`); None for
    every one."""
    if sources is None or ROSTER in sources or not is_current(con, settings):
        return None
    return [measure for measure, spec in MEASURES.items() if spec.source in sources]


def record_history(con, as_of: dt.date) -> None:
    """After a load run's build: what its headline cells now show, where that changed (the
    history behind "what changed"), stamped with the run's as-of date (the dashboard's today:
    the day itself in production, a pinned date for a frozen debrief or a test) at the time
    of day it ran, so that two runs of one day keep their order."""
    taken_at = dt.datetime.combine(as_of, dt.datetime.now().time())
    con.execute(sql("measure_history_record"), {"taken_at": taken_at})


def is_current(con, settings: Settings) -> bool:
    """Whether the stored lattice was built under these settings' rules."""
    found = con.execute("SELECT value FROM meta WHERE key = 'lattice_rules'").fetchall()
    return bool(found) and found[0][0] == rules_fingerprint(settings)


_MEMORY: dict[tuple, pd.DataFrame] = {}
_MEMORY_LOCK = threading.Lock()


def _in_memory(db, settings: Settings) -> pd.DataFrame:
    """A lattice built from a database whose stored one is not for these rules (config.toml
    changed since the last load, or a database no load has built one in): counted here, once
    per version and rules, and kept for the newest two."""
    key = (str(db.path), db.version(), rules_fingerprint(settings))
    with _MEMORY_LOCK:
        if key in _MEMORY:
            return _MEMORY[key]
    cells = build_cells(db.connection(), settings)
    with _MEMORY_LOCK:
        _MEMORY[key] = cells
        for old in list(_MEMORY)[:-2]:
            del _MEMORY[old]
    return cells


def _stored_is_current(db, settings: Settings) -> bool:
    return rules_match(db.query("lattice_rules"), settings)
