"""Cached access to the core for pages: the only place pages get data from.

Every public function here takes the user's `Scope` (monitor.access) first and refuses to run
without one; it applies the scope to what it returns, so a principal never receives another
school's rows, and only analysts receive student-level rows.

Streamlit's data cache is shared by every session. The whole-district results are cached by
private functions (names starting with `_raw`) that pages never call; what pages receive is
cached again keyed on the scope, so one user's result is never served to another. Every cache
key also holds the database stamp (it changes when a load replaces the file) and the frozen
Filters.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st

from monitor.access import AccessDenied, Scope, require
from monitor.config import Settings, config_path, load_settings
from monitor.db import Database
from monitor.db import database_path as database_file
from monitor.ingest import health
from monitor.measures import privacy, selection
from monitor.registry import MeasureId
from monitor.views import breakdowns, measures_table, reads
from monitor.writing import cycles as cycle_rules
from monitor.writing.desks import Desk, Notebook
from monitor.writing.engines import legacy_notes_path, store_url
from monitor.writing.records import DISTRICT as DISTRICT_NOTES
from monitor.writing.records import Author, Cycle, Indicator, Note
from monitor.writing.store import Store


def _config_key() -> tuple[str, int]:
    path = config_path()
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), 0


@st.cache_resource(show_spinner=False)
def _settings_of(path: str, mtime_ns: int) -> Settings:   # noqa: ARG001 - the cache key
    return load_settings(path)


def settings() -> Settings:
    """config.toml as validated, read again when the file (or MONITOR_CONFIG) changes."""
    return _settings_of(*_config_key())


@st.cache_resource(show_spinner=False)
def _database_at(path: str) -> Database:
    return Database(path, engine=settings().engine)


def _database() -> Database:
    return _database_at(str(database_file()))


RUN_STAMP = "_monitor_db_stamp"


def _key(db_version: tuple[int, int]) -> tuple:
    """Every cache key's first part: the database version, the settings file's version and the
    as-of date. A load, a changed config.toml and a new day (windows open and close with the
    as-of date) each make new keys, so no cached result outlives what it was computed from."""
    return (*db_version, *_config_key(), settings().as_of_date().isoformat())


def stamp() -> tuple:
    """The cache key of what this script run reads (see `_key`): pinned by `ready()` at the
    start of the run, so a load that commits mid-run never mixes old and new data on one page."""
    try:
        pinned = st.session_state.get(RUN_STAMP)
    except Exception:           # outside a script run
        pinned = None
    return tuple(pinned) if pinned else _key(_database().current())


def ready() -> None:
    """Open the database's current version and pin this run to it; a missing, locked,
    unreadable or outdated file is a message before any page runs (DatabaseProblem)."""
    st.session_state[RUN_STAMP] = _key(_database().current())


def database_version() -> tuple:
    """The key of the database file's current version, opening it if it is new (for the
    cache warmer, monitor.ui.warm; a page reads `stamp()`)."""
    return _key(_database().current())


def database_stamp() -> tuple:
    """The key of the file as it is now, without opening it."""
    return _key(_database().stamp())


def _db(key):
    """The database at the version a cache key names."""
    return _database().at(tuple(key[:2]))


def _name(value):
    """A measure's or source's id as the plain string a cache key holds: the registry's
    enums (MeasureId, Source) equal their strings, but the cache hashes them apart."""
    return str(value) if isinstance(value, enum.Enum) else value


def _plain(filters: selection.Filters, **keep) -> selection.Filters:
    """The filters a whole-district result depends on: school, group and window are applied
    by the pages to the cached result, so switching them is a cache hit."""
    return filters.model_copy(update={"school": None, "group": "all", "window": None} | keep)


def _allowed(scope: object, filters: selection.Filters) -> Scope:
    """The user's scope, after checking it exists and includes the filters' school."""
    scope = require(scope)
    scope.check_school(filters.school)
    return scope


Result = TypeVar("Result")


def view(func: Callable[..., Result]) -> Callable[..., Result]:
    """Cache a page computation over scoped data, so a warm rerun reads its result instead of
    recomputing it (pandas work over every school is most of a page run at district scale).

    `func(scope, *args)` must read data only through this module. The cache is keyed on the
    database stamp, the checked scope and the arguments (positional, hashable: Filters and
    Scope are frozen); a Filters argument's school is checked against the scope first.
    """
    def compute(db_stamp, scope, *args):
        return func(scope, *args)
    # Streamlit keys a cache on the function's module, qualified name and source.
    compute.__module__ = func.__module__
    compute.__qualname__ = f"{func.__qualname__}.view"
    cached = st.cache_data(show_spinner=False, max_entries=512)(compute)

    @functools.wraps(func)
    def checked(scope: Scope, *args):
        scope = require(scope)
        for arg in args:
            if isinstance(arg, selection.Filters):
                _allowed(scope, arg)
        return cached(stamp(), scope, *(_name(arg) for arg in args))
    return checked


# -- whole-district results: cached, never returned to a page unscoped ----------------------
# A measure's cells and its measures table are held as shared objects (cache_resource), not
# copied in and out of the cache on every use (cache_data pickles a result when it stores it
# and unpickles it at each hit: a sixth of a first overview at 400,000 students). They reach
# a page only through a scoped, cache_data layer below (_scoped_cells, _scoped_measure_table,
# the views), which hands each run its own copy; what reads them here never changes them
# (tests/app/test_scoped_data.py checks that after every page has run).

@st.cache_resource(show_spinner=False, max_entries=256)
def _raw_cells(db_stamp, measure: str, filters: selection.Filters) -> pd.DataFrame:
    return reads.measure_cells(_db(db_stamp), settings(), measure, filters)


@st.cache_data(show_spinner=False, max_entries=32)
def _raw_item_cells(db_stamp, filters: selection.Filters) -> pd.DataFrame:
    return reads.measure_cells(_db(db_stamp), settings(), MeasureId.SURVEY, filters,
                               survey_items=True)


@st.cache_resource(show_spinner=False, max_entries=64)
def _raw_measure_table(db_stamp, measure: str, filters: selection.Filters) -> pd.DataFrame:
    return _table_of(_raw_cells(db_stamp, measure, filters), measure, filters)


def forget_results() -> None:
    """Forget every computed result, copied or shared, but not the open database: what a
    server that has just started holds (benchmarks and tests of a first view)."""
    st.cache_data.clear()
    _raw_cells.clear()
    _raw_measure_table.clear()


def _table_of(cells: pd.DataFrame, measure: str, filters: selection.Filters) -> pd.DataFrame:
    """The measures table of `cells` under the filters' subject and grade."""
    return measures_table.measure_table(cells, settings(), measure,
                                        selection.subject_of(measure, filters), filters.grade)


@st.cache_data(show_spinner=False)
def _raw_query(db_stamp, name: str, params: tuple = ()) -> pd.DataFrame:
    return _db(db_stamp).query(
        name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def _query(name: str, **params) -> pd.DataFrame:
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _raw_query(stamp(), name, frozen)


# -- what pages receive: scoped, and cached per scope ------------------------------------------

@st.cache_data(show_spinner=False, max_entries=512)
def _scoped_cells(db_stamp, scope: Scope, measure: str, filters: selection.Filters) -> pd.DataFrame:
    if scope.schools is not None:
        # A principal: their schools and the district, protected for their view (the district
        # less their schools is the other schools, which they may not see).
        return reads.measure_cells(_db(db_stamp), settings(), measure, filters,
                                   schools=scope.schools)
    return scope.restrict(_raw_cells(db_stamp, measure, filters), "scope")


def cells(scope: Scope, measure: str, filters: selection.Filters) -> pd.DataFrame:
    """Counts behind a measure for the filters' year and the year before: the district's and
    each school's in scope (pages slice it, so switching school is a cache hit)."""
    scope = _allowed(scope, filters)
    return _scoped_cells(stamp(), scope, _name(measure), _plain(filters))


def survey_item_cells(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """The survey's cells per item (detail = item id) instead of per construct."""
    scope = _allowed(scope, filters)
    if scope.schools is not None:
        return reads.measure_cells(_db(stamp()), settings(), MeasureId.SURVEY, _plain(filters),
                                   survey_items=True, schools=scope.schools)
    return scope.restrict(_raw_item_cells(stamp(), _plain(filters)), "scope")


def warm(db_stamp, what: str, measure: str, filters: selection.Filters) -> None:
    """Compute (or find) a whole-district result for one version, keyed as a page's request
    for it is (monitor.ui.warm): a measure's "table" (with its counts), its "cells" alone, or
    the survey's "items". Returns nothing to anyone."""
    db_stamp, plain, measure = tuple(db_stamp), _plain(filters), _name(measure)
    if what == "table":
        _raw_measure_table(db_stamp, measure, plain)
    elif what == "cells":
        _raw_cells(db_stamp, measure, plain)
    elif what == "items":
        _raw_item_cells(db_stamp, plain)
    else:
        raise ValueError(f"nothing to warm called {what!r}")


@st.cache_data(show_spinner=False, max_entries=256)
def _scoped_measure_table(db_stamp, scope: Scope, measure: str,
                          filters: selection.Filters) -> pd.DataFrame:
    if scope.schools is not None:
        return _table_of(_scoped_cells(db_stamp, scope, measure, filters), measure, filters)
    return scope.restrict(_raw_measure_table(db_stamp, measure, filters), "school")


@st.cache_data(show_spinner=False, max_entries=256)
def _one_scope_measure_table(db_stamp, scope: Scope, measure: str, filters: selection.Filters,
                             where: str) -> pd.DataFrame:
    # Its rows are the whole table's rows of `where`: what they compare with (last year, the
    # same school's all students, the district) is in the cells kept.
    cells = _scoped_cells(db_stamp, scope, measure, filters)
    cells = cells[cells["scope"].isin([where, privacy.DISTRICT])]
    table = _table_of(cells, measure, filters)
    return table[table["school"] == ("district" if where == privacy.DISTRICT else where)]


def measure_table(scope: Scope, measure: str, filters: selection.Filters,
                  one_scope: bool = False) -> pd.DataFrame:
    """The measures table (values, targets, status, changes, projection, flags) of a measure:
    every school in scope and the district, or with `one_scope` only the filters' school
    (or the district), computed from that scope's cells alone (a grid of one school's groups
    need not wait for every school's table)."""
    scope, measure = _allowed(scope, filters), _name(measure)
    if one_scope:
        return _one_scope_measure_table(stamp(), scope, measure, _plain(filters),
                                        filters.school or privacy.DISTRICT)
    return _scoped_measure_table(stamp(), scope, measure, _plain(filters))


def schools(scope: Scope) -> pd.DataFrame:
    """The schools in scope: code, name, level."""
    return require(scope).restrict(_query("schools"), "school_code")


@st.cache_data(show_spinner=False, max_entries=64)
def _caaspp(db_stamp, filters: selection.Filters, school_year: str,
            schools: tuple[str, ...] | None) -> pd.DataFrame:
    return reads.caaspp_comparison(_db(db_stamp), settings(), filters, school_year, schools)


def caaspp_comparison(scope: Scope, filters: selection.Filters, school_year: str) -> pd.DataFrame:
    """State, county, district and the schools in scope from the CAASPP research files,
    protected (for a principal, as their view protects them)."""
    scope = _allowed(scope, filters)
    frame = _caaspp(stamp(), _plain(filters, group=filters.group, grade=filters.grade),
                    school_year, scope.schools)
    return scope.restrict(frame, "school_code")


@st.cache_data(show_spinner=False, max_entries=64)
def _catching_up(db_stamp, measure: str, filters: selection.Filters, start: str, end: str,
                 schools: tuple[str, ...] | None):
    return reads.catching_up(_db(db_stamp), settings(), measure, filters, start, end, schools)


def catching_up(scope: Scope, measure: str, filters: selection.Filters, start: str,
                end: str) -> pd.DataFrame:
    """Catching up per school and group; for a principal, their schools' and the district's
    rows, protected for their view (the district less their schools is the other schools)."""
    scope = _allowed(scope, filters)
    return scope.restrict(_catching_up(stamp(), _name(measure), _plain(filters), start, end,
                                       scope.schools), "scope")


@st.cache_data(show_spinner=False, max_entries=64)
def _transitions(db_stamp, source: str, filters: selection.Filters, start: str, end: str,
                 viewer: tuple[str, ...] | None = None):
    return reads.level_transitions(_db(db_stamp), settings(), source, filters, start, end,
                                   viewer)


def level_transitions(scope: Scope, source: str, filters: selection.Filters, start: str,
                      end: str) -> pd.DataFrame:
    """Level-to-level counts for the filters' school (or the district), cells under min_n
    hidden; for a principal of several schools, the district's as their view allows."""
    scope = _allowed(scope, filters)
    viewer = scope.schools if scope.schools is not None and len(scope.schools) > 1 else None
    return _transitions(stamp(), _name(source), filters.model_copy(update={"window": None}), start, end,
                        viewer)


@st.cache_data(show_spinner=False, max_entries=64)
def _response_rates(db_stamp, school_year: str, survey: str,
                    schools: tuple[str, ...] | None) -> pd.DataFrame:
    return reads.response_rates(_db(db_stamp), settings(), school_year, survey, schools)


def response_rates(scope: Scope, filters: selection.Filters, survey: str) -> pd.DataFrame:
    """Respondents per school and window of the filters' year and group, with enrolment and
    the response rate (student survey), protected (for a principal, as their view protects
    them)."""
    scope = _allowed(scope, filters)
    frame = _response_rates(stamp(), filters.school_year, _name(survey), scope.schools)
    frame = frame[frame["group_id"] == filters.group].drop(columns="group_id")
    return scope.restrict(frame, "scope").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage(db_stamp, years: tuple[str, ...]) -> pd.DataFrame:
    return health.coverage(_db(db_stamp).connection(), settings(), list(years))


def coverage(scope: Scope, years: list[str]) -> pd.DataFrame:
    """Which schools in scope have results in which window, per source and school year."""
    return require(scope).restrict(_coverage(stamp(), tuple(years)), "school_code")


@view
def peer_summary(scope: Scope, measure: str, filters: selection.Filters, window_id: str,
                 level: str) -> dict[str, float | int] | None:
    """Where the filters' school stands among the schools of its level at a window, without
    any other school's value: its rank, how many schools have a value, and their median
    (cached: ranking every school of a district is most of a principal's page run).

    Only among PEER_MINIMUM schools or more: with fewer, a median and a rank beside the
    school's own value tell another school's value (of two, "1st, median 51%" is the other
    school's 51%). Then the answer is {"count": n} alone."""
    scope = _allowed(scope, filters)
    cells = _raw_cells(stamp(), measure, _plain(filters))
    everyone = _query("schools")
    peers = breakdowns.by_school(cells, settings(), measure, filters, window_id,
                                 everyone[everyone["level"] == level])
    ranked = peers[peers["value"].notna()].sort_values("value", ascending=False)
    codes = list(ranked["school_code"])
    if filters.school not in codes:
        return None
    if len(codes) < PEER_MINIMUM:
        return {"count": len(codes)}
    return {"rank": codes.index(filters.school) + 1, "count": len(codes),
            "median": float(ranked["value"].median())}


# Schools of a level a school is ranked among, at least (see peer_summary).
PEER_MINIMUM = 5


def _walk_params(filters: selection.Filters) -> dict:
    return {"year": filters.school_year, "school": filters.school,
            "subject": selection.subject_of(MeasureId.WALKTHROUGH, filters), "grades": filters.grades()}


@st.cache_data(show_spinner=False, max_entries=128)
def _scoped_ratings(db_stamp, scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    # A principal's: the district's and theirs, protected for their view.
    return scope.restrict(reads.rating_cells(_db(db_stamp), settings(), filters,
                                             schools=scope.schools), "scope")


def rating_cells(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """The lattice's Core Action 2 and 3 rating cells for the filters (every scope in the
    user's, protected for a principal's view)."""
    scope = _allowed(scope, filters)
    return _scoped_ratings(stamp(), scope, _plain(filters))


def walkthrough_ratings(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """Core Actions 2 and 3 by rating per walk, for the filters' school (or the district),
    from the lattice: a core action's ratings are hidden where its own cell is."""
    scope = _allowed(scope, filters)
    return breakdowns.rating_distribution(_scoped_ratings(stamp(), scope, _plain(filters)),
                                          filters.school or privacy.DISTRICT)


def observer_calibration(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """Each observer against the rest of the walk; names for district analysts only.

    Counted per observer (a dimension the lattice does not have), for the walks whose own
    cell, at the filters' school, subject and grade, the lattice shows: of a walk whose count
    is hidden, no observer's share is shown either."""
    scope = _allowed(scope, filters)
    walks = selection.scope(cells(scope, MeasureId.WALKTHROUGH, filters),
                            filters.model_copy(update={"group": "all"}))
    shown = walks.loc[(walks["school_year"] == filters.school_year) & ~walks["suppressed"],
                      "window_id"]
    counts = _query("walkthrough_observers", **_walk_params(filters))
    return breakdowns.observer_calibration(counts[counts["window_id"].isin(set(shown))],
                                           settings(), show_names=scope.analyst)


def walkthrough_subjects(scope: Scope) -> list[str]:
    """The subjects learning walks observed, most observed first (any school's: subject names
    only)."""
    require(scope)
    return list(_query("walkthrough_subjects")["subject"])


def walk_dates(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """Per walk of the filters' year: observations and the last day observed (the cut-off)."""
    _allowed(scope, filters)
    return _query("walkthrough_dates", year=filters.school_year, school=filters.school)


def debrief_notes(scope: Scope, filters: selection.Filters) -> Notebook:
    """The debrief notes of the filters' school (or the district's), to read, and to save
    where the user's role may (the store checks every save)."""
    scope = _allowed(scope, filters)
    if filters.school is None and scope.schools is not None:
        raise AccessDenied("Your access does not include the district's debrief notes.")
    return Notebook(_writing_store(), Author(_author_name(scope), scope))


def notes_for_walk(scope: Scope, school_year: str, window_id: str,
                   where: str) -> dict[str, Note]:
    """The room's notes of one walk for `where` (a school code, or the district's)."""
    scope = require(scope)
    if where == DISTRICT_NOTES:
        if scope.schools is not None:
            raise AccessDenied("Your access does not include the district's debrief notes.")
    else:
        scope.check_school(where)
    return _writing_store().notes_for_walk(school_year, window_id, where)


class PageSource:
    """The views' Source (monitor.views.source) over this module: what a page reads, cached
    per database version and scoped to the user."""

    def __init__(self, scope: Scope):
        self.scope = require(scope)
        self.settings = settings()

    def cells(self, measure: str, filters: selection.Filters) -> pd.DataFrame:
        return cells(self.scope, measure, filters)

    def schools(self) -> pd.DataFrame:
        return schools(self.scope)

    def rating_cells(self, filters: selection.Filters) -> pd.DataFrame:
        return rating_cells(self.scope, filters)

    def walk_dates(self, filters: selection.Filters) -> pd.DataFrame:
        return walk_dates(self.scope, filters)

    def notes_for_walk(self, school_year: str, window_id: str, where: str) -> dict[str, Note]:
        return notes_for_walk(self.scope, school_year, window_id, where)

    def cycles(self, school: str | None) -> list[Cycle]:
        return cycles(self.scope, school)

    def cycle_points(self, where: str, indicator: Indicator,
                     school_year: str) -> pd.DataFrame:
        return cycle_points(self.scope, where, indicator, school_year)


def _writing_store() -> Store:
    path = _database().path
    return _store(store_url(path), str(legacy_notes_path(path)))


def store_version() -> tuple[str, int]:
    """Which store and how far its record of changes goes: a view that shows what people wrote
    takes it as an argument, so that a change anyone saves is shown on the next run."""
    path = _database().path
    return store_url(path), _writing_store().version()


def cycles(scope: Scope, school: str | None) -> list[Cycle]:
    """The improvement cycles of a school (None: the district's own), newest first."""
    scope = require(scope)
    scope.check_school(school)
    return _writing_store().cycles([school or DISTRICT_NOTES])


def every_cycle(scope: Scope) -> list[Cycle]:
    """Every cycle the user may read: the district's and those of the schools in scope."""
    scope = require(scope)
    return [c for c in _writing_store().cycles()
            if c.scope == DISTRICT_NOTES or scope.sees_school(c.scope)]


def cycle_desk(scope: Scope) -> Desk:
    """Improvement cycles and the reflection to change as this user (the store checks each
    change)."""
    scope = require(scope)
    return Desk(_writing_store(), Author(_author_name(scope), scope))


def reflections(scope: Scope, framework: str) -> list[dict]:
    """The system's reflection as recorded, every term (anyone signed in may read it)."""
    require(scope)
    return _writing_store().reflections(framework)


def cycle_points(scope: Scope, where: str, indicator: Indicator,
                 school_year: str) -> pd.DataFrame:
    """One indicator's protected values at `where` (a school, or the district's notes scope)
    for `school_year` and the year before, all students, dated (monitor.writing.cycles.dated)."""
    require(scope)
    return cycle_rules.points(lambda measure, f: cells(scope, measure, f), settings(), where,
                              indicator, school_year)


@st.cache_resource(show_spinner=False)
def _store(url: str, legacy_notes: str) -> Store:
    return Store(url, legacy_notes=Path(legacy_notes))


def _author_name(scope: Scope) -> str:
    """Who is writing, as the record of changes names them: the signed-in email, else the
    role they have without sign-in."""
    try:
        user = dict(st.user)
    except Exception:      # noqa: BLE001 - no session (a script), or sign-in not configured
        user = {}
    if user.get("is_logged_in"):
        return str(user.get("email") or user.get("name") or user.get("sub"))
    return f"(no sign-in: {scope.label})"


# -- analysts only: loads, row counts and student-level rejected rows -------------------------

def loads_recent(scope: Scope) -> pd.DataFrame:
    """The load history (file names, counts): district users."""
    scope = require(scope)
    if scope.role != "district":
        raise AccessDenied("Your access does not include the load history.")
    return _query("loads_recent")


@st.cache_data(show_spinner=False, max_entries=32)
def _week(db_stamp, as_of: dt.date, schools: tuple[str, ...] | None):
    return reads.week_changes(_db(db_stamp), settings(), as_of, schools)


def week_changes(scope: Scope, school: str | None = None):
    """What changed in the week to the as-of date (monitor.views.changes.Week): the district's and
    every school's headline results, or one school's (`school`, checked against the scope); a
    principal gets only their schools'."""
    scope = require(scope)
    scope.check_school(school)
    schools = (school,) if school is not None else scope.schools
    return _week(stamp(), settings().as_of_date(), schools)


def table_row_counts(scope: Scope) -> pd.DataFrame:
    require(scope).check_analyst()
    return _query("table_row_counts")


def rejected_rows(scope: Scope) -> pd.DataFrame | None:
    """The rejected rows of the last load that had any (student-level): analysts only."""
    require(scope).check_analyst()
    path = _database().path.with_name("rejected_rows.csv")
    return pd.read_csv(path, dtype=str) if path.exists() else None


@st.cache_data(show_spinner=False, max_entries=4)
def _raw_health(db_stamp) -> tuple[pd.DataFrame, list[str]]:
    return health.check(_db(db_stamp).connection(), settings())


def data_health(scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    """The data health table (per source and school year: rows loaded, rows that count in a
    measure and why the rest do not) and its warnings: district analysts only."""
    require(scope).check_analyst()
    return _raw_health(stamp())


def load_rejections(scope: Scope, loads: int = 10) -> pd.DataFrame:
    """Rows the latest loads rejected, by file, column and reason: district analysts only."""
    require(scope).check_analyst()
    return _query("load_rejections_recent", limit=loads)


def database_path(scope: Scope):
    """The database file, for the upload form: analysts only."""
    require(scope).check_analyst()
    return _database().path


__all__ = ["settings", "stamp", "cells", "survey_item_cells", "measure_table", "schools",
           "caaspp_comparison", "catching_up", "level_transitions", "response_rates",
           "coverage", "peer_summary", "loads_recent", "week_changes", "table_row_counts",
           "rejected_rows",
           "database_path", "walkthrough_ratings", "observer_calibration", "walk_dates",
           "walkthrough_subjects", "debrief_notes", "data_health", "load_rejections",
           "cycles", "every_cycle", "cycle_desk", "cycle_points", "reflections"]
