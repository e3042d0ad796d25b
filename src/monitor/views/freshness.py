"""How fresh each source is (SPEC: never fail silently): its last result and last load, and a
warning where a source with a cadence (`[sources.<kind>] expect_every_days`) has had no results
for longer than that while one of its windows is open: "i-Ready: last results Nov 2, 21 days
ago; the Winter window closes Dec 21". Read by the overview, the Data page and the briefing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.school_years import school_year_of

COLUMNS = ["Source", "Last result", "Last load", "Expected every", "Window open now", "Status"]


@dataclass(frozen=True)
class Freshness:
    """Every source's row (COLUMNS) and the warnings, in the words the pages show."""

    table: pd.DataFrame
    warnings: list[str]


def _open_window(settings: Settings, source: str, day: dt.date) -> tuple[str, dt.date] | None:
    """The window of the source's calendar open on `day` (its label and last day), if any."""
    measure = next((m for m, spec in registry.MEASURES.items() if spec.source == source), None)
    if measure is None or measure not in settings.measures:
        return None
    year = school_year_of(day)
    for window in settings.calendar_for(measure).windows:
        start, end = window.dates(year)
        if start <= day <= end:
            return window.label, end
    return None


def _day(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def freshness(found: pd.DataFrame, settings: Settings, as_of: dt.date) -> Freshness:
    """`found`: queries/freshness.sql (source, last_result, last_load). Every source that feeds
    a measure is a row, loaded or not; a source with a cadence that is overdue while its window
    is open is a warning (one with no results at all, too)."""
    by_source = {row.source: row for row in found.itertuples()}
    rows, warnings = [], []
    for source in registry.Source:
        label = registry.SOURCE_LABELS[source]
        row = by_source.get(str(source))
        last_result = _day(row.last_result) if row is not None else None
        last_load = _day(row.last_load) if row is not None else None
        cadence = settings.sources.get(str(source))
        window = _open_window(settings, source, as_of)
        # Surveys carry no dates: their last load stands for their last results.
        latest = last_result or (last_load if source == registry.Source.SURVEY else None)
        status = "no cadence set"
        if cadence is not None:
            every = cadence.expect_every_days
            if window is None:
                status = "between windows"
            elif latest is None:
                status = "no results yet"
                warnings.append(f"{label}: no results loaded yet; the {window[0]} window "
                                f"closes {window[1]:%b %-d}")
            elif (as_of - latest).days > every:
                days = (as_of - latest).days
                status = f"{days} days since the last results (expected every {every})"
                warnings.append(f"{label}: last results {latest:%b %-d}, {days} days ago; the "
                                f"{window[0]} window closes {window[1]:%b %-d}")
            else:
                status = "on time"
        rows.append({
            "Source": label,
            "Last result": f"{last_result:%b %-d, %Y}" if last_result else
            ("results are not dated" if last_load else "none loaded"),
            "Last load": f"{last_load:%b %-d, %Y}" if last_load else "never",
            "Expected every": f"{cadence.expect_every_days} days" if cadence else "-",
            "Window open now": f"{window[0]} (closes {window[1]:%b %-d})" if window else "none",
            "Status": status})
    return Freshness(pd.DataFrame(rows, columns=COLUMNS), warnings)
