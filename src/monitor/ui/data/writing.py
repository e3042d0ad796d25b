"""What people write, as the signed-in user reads and changes it: the debrief's notes,
improvement cycles and the desk to change them, reflections, a cycle's indicator points; the
store is opened once per process."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor.access import AccessDenied, Scope, require
from monitor.measures import selection
from monitor.ui.data.cache import _allowed, settings
from monitor.ui.data.cache import writing_store as _writing_store
from monitor.ui.data.results import cells
from monitor.writing import cycles as cycle_rules
from monitor.writing.desks import Desk, Notebook
from monitor.writing.records import DISTRICT as DISTRICT_NOTES
from monitor.writing.records import Author, Cycle, Indicator, Note


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


def store_version() -> tuple[str, int]:
    """Which store and how far its record of changes goes: a view that shows what people wrote
    takes it as an argument, so that a change anyone saves is shown on the next run."""
    return _writing_store().url, _writing_store().version()


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
