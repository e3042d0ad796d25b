"""The views' Source (monitor.views.source) over the scoped, cached functions: what a page
reads, per database version and user."""

from __future__ import annotations

import pandas as pd

from monitor.access import Scope, require
from monitor.measures import selection
from monitor.ui.data.cache import settings
from monitor.ui.data.results import cells, rating_cells, schools, walk_dates
from monitor.ui.data.writing import cycle_points, cycles, notes_for_walk
from monitor.writing.records import Cycle, Indicator, Note


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
