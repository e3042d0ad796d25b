"""Goals set in the product, as the signed-in user reads and changes them: the desk to set,
propose and decide goals, the goals and proposals they may read, the record of changes, and
where a school or the district ended last year with the suggestions from it (computed over the
whole district's protected results; a principal receives their school's and the district's
figures and the top quarter's growth, never another school's result)."""

from __future__ import annotations

from monitor.access import AccessDenied, Scope, require
from monitor.measures import privacy, selection
from monitor.ui.data.cache import _name, _plain, _raw_measure_table, settings, stamp
from monitor.ui.data.cache import writing_store as _writing_store
from monitor.ui.data.writing import _author_name
from monitor.views import goal_setting
from monitor.writing import goalbook
from monitor.writing.records import DISTRICT, Author


def _check_where(scope: Scope, where: str) -> None:
    """Anyone signed in reads the district's goals; a school's only within their scope."""
    if where != DISTRICT:
        scope.check_school(where)


def goal_desk(scope: Scope) -> goalbook.GoalDesk:
    """Goals to set (district staff), propose (a principal, their school) and decide, as this
    user; the store's rules check each change."""
    scope = require(scope)
    return goalbook.GoalDesk(_writing_store(), Author(_author_name(scope), scope), settings())


def goal_records(scope: Scope, where: str, school_year: str) -> list[goalbook.GoalRecord]:
    """Every goal of `where` (a school code, or DISTRICT) in a school year: in force, replaced,
    proposed and declined, oldest first."""
    scope = require(scope)
    _check_where(scope, where)
    return goalbook.goals(_writing_store(), school_year, [where])


def proposals(scope: Scope, school_year: str) -> list[goalbook.GoalRecord]:
    """Proposals waiting for a decision: every school's for district staff, a principal's own
    school's for them; none for anyone else."""
    scope = require(scope)
    waiting = [g for g in goalbook.goals(_writing_store(), school_year)
               if g.status == goalbook.PROPOSED]
    return [g for g in waiting if g.scope != DISTRICT and scope.sees_school(g.scope)] \
        if scope.role != "viewer" else []


def goal_history(scope: Scope, where: str) -> list[dict]:
    """The store's record of every change to `where`'s goals, oldest first."""
    scope = require(scope)
    _check_where(scope, where)
    return _writing_store().history(goalbook.KIND, where)


def goal_suggestions(scope: Scope, measure: str, subject: str | None, where: str,
                     school_year: str) -> tuple[goal_setting.Starting,
                                                list[goal_setting.Suggestion]]:
    """Where `where` ended last year and the suggested year-end goals (monitor.views.
    goal_setting), from the protected measures table of every school."""
    scope = require(scope)
    _check_where(scope, where)
    if scope.role == "viewer":
        raise AccessDenied("Your role reads goals but does not set them.")
    filters = selection.Filters(school_year=school_year, subject=subject)
    table = _raw_measure_table(stamp(), _name(measure), _plain(filters))
    return goal_setting.suggestions(table, settings(), measure, subject,
                                    "district" if where in (DISTRICT, privacy.DISTRICT)
                                    else where, school_year)
