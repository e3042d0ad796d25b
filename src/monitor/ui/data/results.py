"""What pages receive of the measures: scoped to the user and cached per scope (a measure's
cells and table, schools, the state test, catching up, transitions, response rates, coverage,
a school among its peers, the walks' ratings and observers, the week's changes)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from monitor.access import Scope, require
from monitor.ingest import health
from monitor.measures import privacy, selection
from monitor.registry import MeasureId
from monitor.ui.data.cache import (
    _allowed,
    _db,
    _name,
    _plain,
    _query,
    _raw_cells,
    _raw_item_cells,
    _raw_measure_table,
    _table_of,
    keyed,
    prefetch,
    settings,
    stamp,
    view,
)
from monitor.views import breakdowns, movement, reads, sections, state_test
from monitor.views import freshness as freshness_view
from monitor.views.sections import PEER_MINIMUM

# -- what pages receive: scoped, and cached per scope ------------------------------------------

@keyed(max_entries=512)
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


def prefetch_cells(scope: Scope, wanted: list[tuple[str, selection.Filters]]) -> None:
    """Start reading the cells of several (measure, filters) on other threads while the run
    goes on (`cache.prefetch`); `cells` then returns them. At 400,000 students a measure's
    cells are a DuckDB query of a few hundred ms, its measures table pandas work as long:
    read ahead, the queries overlap the tables."""
    scope = require(scope)
    for _, filters in wanted:
        _allowed(scope, filters)
    at = stamp()
    prefetch([(_scoped_cells, (at, scope, _name(measure), _plain(filters)))
              for measure, filters in wanted])


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


@keyed(max_entries=256)
def _scoped_measure_table(db_stamp, scope: Scope, measure: str,
                          filters: selection.Filters) -> pd.DataFrame:
    if scope.schools is not None:
        return _table_of(_scoped_cells(db_stamp, scope, measure, filters), measure, filters)
    return scope.restrict(_raw_measure_table(db_stamp, measure, filters), "school")


@keyed(max_entries=256)
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


@keyed(max_entries=64)
def _caaspp(db_stamp, filters: selection.Filters, school_year: str,
            schools: tuple[str, ...] | None) -> pd.DataFrame:
    return state_test.caaspp_comparison(_db(db_stamp), settings(), filters, school_year, schools)


def caaspp_comparison(scope: Scope, filters: selection.Filters, school_year: str) -> pd.DataFrame:
    """State, county, district and the schools in scope from the CAASPP research files,
    protected (for a principal, as their view protects them)."""
    scope = _allowed(scope, filters)
    frame = _caaspp(stamp(), _plain(filters, group=filters.group, grade=filters.grade),
                    school_year, scope.schools)
    return scope.restrict(frame, "school_code")


@keyed(max_entries=64)
def _catching_up(db_stamp, measure: str, filters: selection.Filters, start: str, end: str,
                 schools: tuple[str, ...] | None):
    return movement.catching_up(_db(db_stamp), settings(), measure, filters, start, end, schools)


def catching_up(scope: Scope, measure: str, filters: selection.Filters, start: str,
                end: str) -> pd.DataFrame:
    """Catching up per school and group; for a principal, their schools' and the district's
    rows, protected for their view (the district less their schools is the other schools)."""
    scope = _allowed(scope, filters)
    return scope.restrict(_catching_up(stamp(), _name(measure), _plain(filters), start, end,
                                       scope.schools), "scope")


@keyed(max_entries=64)
def _transitions(db_stamp, source: str, filters: selection.Filters, start: str, end: str,
                 viewer: tuple[str, ...] | None = None):
    return movement.level_transitions(_db(db_stamp), settings(), source, filters, start, end,
                                   viewer)


def level_transitions(scope: Scope, source: str, filters: selection.Filters, start: str,
                      end: str) -> pd.DataFrame:
    """Level-to-level counts for the filters' school (or the district), cells under min_n
    hidden; for a principal of several schools, the district's as their view allows."""
    scope = _allowed(scope, filters)
    viewer = scope.schools if scope.schools is not None and len(scope.schools) > 1 else None
    return _transitions(stamp(), _name(source), filters.model_copy(update={"window": None}), start, end,
                        viewer)


@keyed(max_entries=64)
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


@keyed(max_entries=16)
def _coverage(db_stamp, years: tuple[str, ...]) -> pd.DataFrame:
    return health.coverage(_db(db_stamp).connection(), settings(), list(years))


def coverage(scope: Scope, years: list[str]) -> pd.DataFrame:
    """Which schools in scope have results in which window, per source and school year."""
    return require(scope).restrict(_coverage(stamp(), tuple(years)), "school_code")


def freshness(scope: Scope) -> freshness_view.Freshness:
    """Each source's last result and last load, and the warnings where one is overdue
    (monitor.views.freshness): district-wide dates, no school's values, for anyone signed in."""
    require(scope)
    return freshness_view.freshness(_query("freshness"), settings(), settings().as_of_date())


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
    return sections.standing(peers, filters.school, PEER_MINIMUM)


def _walk_params(filters: selection.Filters) -> dict:
    return {"year": filters.school_year, "school": filters.school,
            "subject": selection.subject_of(MeasureId.WALKTHROUGH, filters), "grades": filters.grades()}


@keyed(max_entries=128)
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


@keyed(max_entries=32)
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
