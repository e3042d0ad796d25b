"""What the user has chosen: the filters every page shares, the date a view stands on, the
windows in view on it, and the cells of the chosen school (or the district) and group."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, ConfigDict

from monitor import keys, registry
from monitor.config import Settings
from monitor.keys import GRADE_BANDS
from monitor.registry import MeasureId


class Filters(BaseModel):
    """The user's choices, shared by every page. Frozen, so it is a hashable cache key."""

    model_config = ConfigDict(frozen=True)

    school_year: str
    school: str | None = None          # school code; None = district
    subject: str | None = None         # None = all subjects pooled
    observed_subject: str | None = None  # learning walks: the subject observed; None = all
    grade: str | None = None           # a grade (TK, K, 1..12) or a GRADE_BANDS key
    group: str = "all"                 # a configured group id, or "all"
    window: str | None = None          # view as of the end of this window of the reference
    #                                    calendar (REFERENCE_MEASURE's); None = the as-of date

    def grades(self) -> list[str] | None:
        if self.grade is None:
            return None
        return list(GRADE_BANDS.get(self.grade, (self.grade,)))


# The calendar the window filter is chosen from: the district's benchmark cadence.
REFERENCE_MEASURE = MeasureId.BENCHMARK


def window_choices(settings: Settings, school_year: str | None = None) -> dict[str, str]:
    """The window filter's choices: window id -> label, from the reference calendar; with a
    school year, only the windows that had opened by the as-of date in that year."""
    windows = settings.calendar_for(REFERENCE_MEASURE).windows
    if school_year is not None:
        as_of = settings.as_of_date()
        windows = [w for w in windows if w.dates(school_year)[0] <= as_of]
    return {w.id: w.label for w in windows}


def view_date(settings: Settings, filters: Filters) -> dt.date:
    """The date the view stands on: the as-of date, or with a window chosen, the end of that
    window in the filters' school year (never later than the as-of date)."""
    as_of = settings.as_of_date()
    calendar = settings.calendar_for(REFERENCE_MEASURE)
    window = next((w for w in calendar.windows if w.id == filters.window), None)
    if window is None:
        return as_of
    return min(as_of, window.dates(filters.school_year)[1])


def windows_through(settings: Settings, measure: str, school_year: str,
                    cutoff: dt.date) -> list[str]:
    """The measure's windows in view on `cutoff` in `school_year`. On the as-of date (the
    present): every window that has opened. On an earlier date (a past window chosen): only the
    windows that had closed by then, since a window still open then holds results gathered
    after it (a survey open all autumn is not shown 'as it stood' on October 20)."""
    present = cutoff >= settings.as_of_date()
    return [w.id for w in settings.calendar_for(measure).windows
            if w.dates(school_year)[0 if present else 1] <= cutoff]


def table_through(table: pd.DataFrame, settings: Settings, measure: str,
                  filters: Filters) -> pd.DataFrame:
    """A measures table without the filters' year's windows that open after the view date."""
    if filters.window is None:
        return table
    shown = windows_through(settings, measure, filters.school_year, view_date(settings, filters))
    return table[(table["year"] != filters.school_year) | table["window"].isin(shown)]


def subject_of(measure: str, filters: Filters) -> str | None:
    """The subject a measure is filtered to: learning walks by the subject observed (None =
    every subject), surveys by survey (the student survey unless one is named: surveys of
    different people never pool), the others by the subject filter (None = pooled)."""
    if measure == MeasureId.WALKTHROUGH:
        return filters.observed_subject
    if registry.spec(measure).subjects == (None,):
        # No subject of its own: teacher growth (a teacher's first and latest walks may see
        # different subjects), coaching.
        return None
    if not registry.spec(measure).pool_subjects and filters.subject is None:
        return registry.spec(measure).subjects[0]
    return filters.subject


def scope(cells: pd.DataFrame, filters: Filters, detail: str | None = None,
          by_detail: bool = False, schools: bool = False) -> pd.DataFrame:
    """The protected cells of the filters' group and school (the district when none).

    Pooled over details unless one is named; `by_detail=True` keeps each detail's own rows;
    `schools=True` gives every school's rows instead of the filters' one scope.
    """
    if by_detail or detail is not None:
        rows = cells[~cells["all_details"]]
        if detail is not None:
            rows = rows[rows["detail"] == detail]
    else:
        rows = cells[cells["all_details"]]
    rows = rows[rows["group_id"] == filters.group]
    if schools:
        return rows[~rows["scope"].isin([keys.DISTRICT, keys.UNPLACED])]
    return rows[rows["scope"] == (filters.school or keys.DISTRICT)]


def window_state(start: dt.date, end: dt.date, as_of: dt.date) -> str:
    return "upcoming" if as_of < start else "open" if as_of <= end else "closed"
