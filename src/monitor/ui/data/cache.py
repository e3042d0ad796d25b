"""The caches under every page: the settings and the database (one per file and version),
the stamp every cache key holds, the whole-district results held once and shared (`_raw_*`,
never handed to a page), and `view`, which caches a page computation per scope."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import enum
import functools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydantic
import sqlalchemy
import streamlit as st

from monitor.access import Scope, require
from monitor.config import Settings, config_path, load_settings
from monitor.db import Database
from monitor.db import database_path as database_file
from monitor.measures import selection
from monitor.registry import MeasureId
from monitor.views import measures_table, reads
from monitor.writing import goalbook
from monitor.writing.engines import legacy_notes_path, store_url
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


@st.cache_resource(show_spinner=False)
def _settings_with_goals(path: str, mtime_ns: int, goals: tuple[str, int]) -> Settings:
    if goals[1] == UNREADABLE:      # the store is down: config.toml's goals, said on every page
        return _settings_of(path, mtime_ns)
    return goalbook.with_goals(_settings_of(path, mtime_ns), writing_store())


def settings() -> Settings:
    """config.toml as validated (read again when the file or MONITOR_CONFIG changes), with the
    goals set in the product that are in force (monitor.writing.goalbook), as of this run's
    stamp: a goal approved mid-run shows from the next run."""
    pinned = _pinned()
    goals = pinned[-1] if pinned else _goal_version()
    return _settings_with_goals(*_config_key(), goals)


UNREADABLE = -1


def _goal_version() -> tuple[str, int]:
    """Which store, and its last change to goals; (the reason, UNREADABLE) when the store
    cannot be read (a PostgreSQL server down): the pages then measure against config.toml's
    goals and say so (`goals_unreadable`), rather than not open at all."""
    try:
        store = writing_store()
        return store.url, goalbook.version(store)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}", UNREADABLE


def _pinned() -> tuple | None:
    """This run's stamp as `ready()` pinned it (None outside a script run, or before)."""
    try:
        return st.session_state.get(RUN_STAMP)
    except Exception:           # outside a script run
        return None


def goals_unreadable() -> str | None:
    """Why the goals set in the product could not be read this run (None: they were)."""
    pinned = _pinned()
    where, version = pinned[-1] if pinned else _goal_version()
    return where if version == UNREADABLE else None


@st.cache_resource(show_spinner=False)
def _database_at(path: str) -> Database:
    return Database(path, engine=_settings_of(*_config_key()).engine)


def _database() -> Database:
    return _database_at(str(database_file()))


@st.cache_resource(show_spinner=False)
def _store(url: str, legacy_notes: str) -> Store:
    return Store(url, legacy_notes=Path(legacy_notes))


def writing_store() -> Store:
    """The store of what people write (notes, cycles, reflections, goals) beside the
    database, opened once per process."""
    path = database_file()
    return _store(store_url(path), str(legacy_notes_path(path)))


RUN_STAMP = "_monitor_db_stamp"


def _key(db_version: tuple[int, int]) -> tuple:
    """Every cache key's first part: the database version, the settings file's version, the
    as-of date and the last change to goals set in the product. A load, a changed config.toml,
    a new day (windows open and close with the as-of date) and a goal approved each make new
    keys, so no cached result outlives what it was computed from."""
    return (*db_version, *_config_key(), _settings_of(*_config_key()).as_of_date().isoformat(),
            _goal_version())


def stamp() -> tuple:
    """The cache key of what this script run reads (see `_key`): pinned by `ready()` at the
    start of the run, so a load that commits mid-run never mixes old and new data on one page."""
    pinned = _pinned()
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

# What a cache key may hold: values whose repr is exact (equal reprs, equal values), so the
# key can be that text. A tuple of them, or a frozen model (Filters, Scope) whose repr lists
# every field.
_KEY_VALUES = (str, int, float, bool, type(None), dt.date, enum.Enum, selection.Filters, Scope)


def _key_text(args: tuple) -> str:
    for value in args:
        if isinstance(value, tuple):
            _key_text(value)
        elif not isinstance(value, _KEY_VALUES):
            raise TypeError(f"a cache key cannot hold a {type(value).__name__}: {value!r:.80}")
    return repr(args)


# Every keyed cache, so `forget_results` can empty them all.
_KEYED: list[Callable] = []


def keyed(name: str | None = None, **options) -> Callable:
    """A cache (st.cache_resource, with `options` such as max_entries) keyed on the text of
    the arguments (`_key_text`) rather than on Streamlit's hashing of each: the stamp, a Scope
    and a Filters hashed that way cost about 0.8 ms a call, dozens of calls a page run (a
    sixth of a principal's warm School page at 400,000 students). Each caller receives its own
    copy of the result sharing the cached one's data (`handed_out`). The function keeps its
    signature and its `clear`."""
    def decorate(func: Callable[..., Result]) -> Callable[..., Result]:
        def compute(key: str, _args: tuple):     # "_": Streamlit does not hash _args
            return func(*_args)
        # Streamlit keys a cache on the function's module, qualified name and source.
        compute.__module__ = func.__module__
        compute.__qualname__ = name or f"{func.__qualname__}.cached"
        cached = st.cache_resource(show_spinner=False, **options)(compute)
        _KEYED.append(cached)

        @functools.wraps(func)
        def call(*args):
            return handed_out(cached(_key_text(args), args))
        call.clear = cached.clear
        return call
    return decorate


# Values a cached result may hold as they are: nothing can change them in place.
_UNCHANGEABLE = (str, bytes, int, float, bool, type(None), dt.date, dt.datetime, enum.Enum,
                 np.generic, frozenset, pd.Index)


def handed_out(value):
    """A caller's own copy of a cached result, sharing the result's data.

    With pandas' copy-on-write (always on since pandas 3), a shallow copy of a frame shares
    its arrays until one side writes to them, and then the writer copies; the numpy arrays a
    frame hands out are read-only. So whatever a page does with what it received changes its
    copy, never the cached result another session reads, as st.cache_data's unpickled copy
    guaranteed; but one result is held once (cache_data held its pickle, and each hit
    unpickled the whole of it: at 400,000 students hundreds of MB a worker and a third of a
    warm run). Containers are copied around their items; a value of any other kind is
    refused (TypeError), so nothing mutable is shared by mistake (a pydantic model only if
    frozen)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, _UNCHANGEABLE):
        return value
    if isinstance(value, pydantic.BaseModel) and value.model_config.get("frozen"):
        return value
    if isinstance(value, go.Figure):
        # Shared as monitor.ui.figures shares the pages' figures: nothing changes a figure
        # after it is built (Streamlit serialises a copy; slides are drawn from a copy).
        return value
    if isinstance(value, tuple):
        items = [handed_out(item) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, list):
        return [handed_out(item) for item in value]
    if isinstance(value, dict):
        return {key: handed_out(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            field.name: handed_out(getattr(value, field.name))
            for field in dataclasses.fields(value) if field.init})
    raise TypeError(f"a cached result cannot hand out a {type(value).__name__}")


def view(func: Callable[..., Result]) -> Callable[..., Result]:
    """Cache a page computation over scoped data, so a warm rerun reads its result instead of
    recomputing it (pandas work over every school is most of a page run at district scale).

    `func(scope, *args)` must read data only through this module. The cache is keyed on the
    database stamp, the checked scope and the arguments (positional, hashable: Filters and
    Scope are frozen); a Filters argument's school is checked against the scope first.
    """
    def compute(db_stamp, scope, *args):
        return func(scope, *args)
    compute.__module__ = func.__module__
    cached = keyed(f"{func.__qualname__}.view", max_entries=512)(compute)

    @functools.wraps(func)
    def checked(scope: Scope, *args):
        scope = require(scope)
        for arg in args:
            if isinstance(arg, selection.Filters):
                _allowed(scope, arg)
        return cached(stamp(), scope, *(_name(arg) for arg in args))
    return checked


LOG = logging.getLogger(__name__)
# Threads that compute results a page run will ask for next (`prefetch`): a query waits in
# DuckDB (which lets go of Python's lock) while the page's thread works in pandas.
_AHEAD = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="monitor-ahead")


class _OwnThreads(logging.Filter):
    """Streamlit warns "missing ScriptRunContext" whenever its caches are used off a script
    run's thread: our own threads (read-ahead, the cache warmer, named "monitor-...") do so on
    purpose, once per result, and would fill a server's log with it. Others still warn."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("Thread 'monitor-")
                    and "missing ScriptRunContext" in message)


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _OwnThreads())


# What is submitted and not yet done: asked again (a view and the view inside it read ahead
# the same cells), it is not queued twice, where a second thread would only wait on the
# first's cache lock while other reads queue behind it.
_pending: set[tuple[int, str]] = set()
_pending_lock = threading.Lock()


def prefetch(calls: list[tuple[Callable, tuple]]) -> None:
    """Start cached computations (a keyed function and its arguments) on other threads, for
    results the page will ask for shortly. A run that asks for one before it is done waits
    for it (Streamlit holds a lock per cache entry), so nothing is computed twice; one that
    failed is computed again by the run that asks, which then shows the error."""
    for func, args in calls:
        key = (id(func), _key_text(args))
        with _pending_lock:
            if key in _pending:
                continue
            _pending.add(key)
        _AHEAD.submit(_quietly, func, args, key)


def _quietly(func: Callable, args: tuple, key: tuple[int, str]) -> None:
    try:
        func(*args)
    except Exception:           # the asking run computes it again and says what went wrong
        LOG.debug("prefetch of %s failed", func.__qualname__, exc_info=True)
    finally:
        with _pending_lock:
            _pending.discard(key)


# -- whole-district results: cached, never returned to a page unscoped ----------------------
# A measure's cells and its measures table for the whole district. They reach a page only
# through a scoped layer (_scoped_cells, _scoped_measure_table, the views): for a user who
# sees every school, the same data again, handed out (`handed_out`) rather than held twice.
# Nothing a page does changes them (tests/app/test_scoped_data.py checks that after every
# page has run).

@keyed(max_entries=256)
def _raw_cells(db_stamp, measure: str, filters: selection.Filters) -> pd.DataFrame:
    return reads.measure_cells(_db(db_stamp), settings(), measure, filters)


@keyed(max_entries=32)
def _raw_item_cells(db_stamp, filters: selection.Filters) -> pd.DataFrame:
    return reads.measure_cells(_db(db_stamp), settings(), MeasureId.SURVEY, filters,
                               survey_items=True)


@keyed(max_entries=64)
def _raw_measure_table(db_stamp, measure: str, filters: selection.Filters) -> pd.DataFrame:
    return _table_of(_raw_cells(db_stamp, measure, filters), measure, filters)


def forget_results() -> None:
    """Forget every computed result, copied or shared, but not the open database: what a
    server that has just started holds (benchmarks and tests of a first view)."""
    for cached in _KEYED:
        cached.clear()


def _table_of(cells: pd.DataFrame, measure: str, filters: selection.Filters) -> pd.DataFrame:
    """The measures table of `cells` under the filters' subject and grade."""
    return measures_table.measure_table(cells, settings(), measure,
                                        selection.subject_of(measure, filters), filters.grade)


@keyed()
def _raw_query(db_stamp, name: str, params: tuple = ()) -> pd.DataFrame:
    return _db(db_stamp).query(
        name, {k: list(v) if isinstance(v, tuple) else v for k, v in params})


def _query(name: str, **params) -> pd.DataFrame:
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _raw_query(stamp(), name, frozen)
