"""Where a view reads: one user's protected data (their scope applied where it is read).

`Source` is what a view needs; `Direct` answers it from a Database and a Store (the command
line, tests); monitor.ui.debrief's source answers it through the pages' caches.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from monitor.access import AccessDenied, Scope
from monitor.config import Settings
from monitor.db import Database
from monitor.measures.selection import Filters
from monitor.views import reads
from monitor.writing import cycles as cycle_rules
from monitor.writing.records import DISTRICT, Cycle, Indicator, Note
from monitor.writing.store import Store


class Source(Protocol):
    settings: Settings
    scope: Scope

    def cells(self, measure: str, filters: Filters) -> pd.DataFrame: ...
    def schools(self) -> pd.DataFrame: ...
    def rating_cells(self, filters: Filters) -> pd.DataFrame: ...
    def walk_dates(self, filters: Filters) -> pd.DataFrame: ...
    def notes_for_walk(self, school_year: str, window_id: str,
                       where: str) -> dict[str, Note]: ...
    def cycles(self, school: str | None) -> list[Cycle]: ...
    def cycle_points(self, where: str, indicator: Indicator,
                     school_year: str) -> pd.DataFrame: ...


def plain(filters: Filters) -> Filters:
    """The filters a whole-district read depends on (school, group and window are applied by
    the views to what it returns)."""
    return filters.model_copy(update={"school": None, "group": "all", "window": None})


class Direct:
    """A Source over a database and a store, for one scope: every read protected as the
    pages' are (a principal's view of the lattice for a principal)."""

    def __init__(self, db: Database, settings: Settings, scope: Scope,
                 store: Store | None = None):
        self.db, self.settings, self.scope, self.store = db, settings, scope, store

    def cells(self, measure: str, filters: Filters) -> pd.DataFrame:
        self.scope.check_school(filters.school)
        cells = reads.measure_cells(self.db, self.settings, measure, plain(filters),
                                    schools=self.scope.schools)
        return self.scope.restrict(cells, "scope")

    def schools(self) -> pd.DataFrame:
        return self.scope.restrict(self.db.query("schools"), "school_code")

    def rating_cells(self, filters: Filters) -> pd.DataFrame:
        self.scope.check_school(filters.school)
        return self.scope.restrict(reads.rating_cells(self.db, self.settings, plain(filters),
                                                      schools=self.scope.schools), "scope")

    def walk_dates(self, filters: Filters) -> pd.DataFrame:
        self.scope.check_school(filters.school)
        return self.db.query("walkthrough_dates", {"year": filters.school_year,
                                                   "school": filters.school})

    def notes_for_walk(self, school_year: str, window_id: str, where: str) -> dict[str, Note]:
        if where != DISTRICT:
            self.scope.check_school(where)
        elif self.scope.schools is not None:
            raise AccessDenied("Your access does not include the district's debrief notes.")
        return {} if self.store is None else self.store.notes_for_walk(school_year, window_id,
                                                                       where)

    def cycles(self, school: str | None) -> list[Cycle]:
        self.scope.check_school(school)
        return [] if self.store is None else self.store.cycles([school or DISTRICT])

    def cycle_points(self, where: str, indicator: Indicator,
                     school_year: str) -> pd.DataFrame:
        return cycle_rules.points(lambda measure, f: self.cells(measure, f), self.settings,
                                  where, indicator, school_year)
