"""Parsing helpers shared by the adapters: dates, grades, subjects, flags, windows, rejects.

Each helper works on a whole column (pandas Series of strings) and returns parsed values with
NaN/None where a cell could not be read, so an adapter can say which row and column failed.
Unique values are parsed once, which keeps large exports fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from monitor.config import Calendar
from monitor.school_years import school_year_of

_DATE_FORMATS = (
    "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%m-%d-%Y", "%d-%b-%Y", "%b %d, %Y",
)


def per_value(series: pd.Series, read: Callable[[object], object],
              missing: object = None) -> pd.Series:
    """`read` of each distinct value of a column, called once per value (an export of a million
    rows has a few thousand distinct schools, dates or answers), as objects exactly as `read`
    returns them; `missing` where the cell is NA."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    meanings = np.empty(len(uniques) + 1, dtype=object)     # the last: an NA cell (code -1)
    meanings[:-1] = [read(value) for value in uniques]
    meanings[-1] = missing
    return pd.Series(meanings[codes], index=series.index, dtype=object)


def _each_unique(series: pd.Series, parse: Callable[[str], object]) -> pd.Series:
    out = per_value(series, parse)
    return out.where(out.notna(), None)


def _date(value: str) -> dt.date | None:
    text = value.strip()
    # Timestamps: drop a time part and any zone ("2025/09/03 8:15:00 AM GMT-7").
    text = re.split(r"[ T](?=\d{1,2}:\d{2})", text, maxsplit=1)[0].strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_dates(series: pd.Series) -> pd.Series:
    """Dates in the usual ISO and US forms, with or without a time; None where unreadable."""
    return _each_unique(series, _date)


def _subject(value: str) -> str | None:
    text = value.strip().lower()
    if text in {"ela", "reading", "english language arts", "english", "literacy", "ela/literacy",
                "english language arts/literacy", "read"}:
        return "ELA"
    if text in {"math", "mathematics", "maths"}:
        return "Math"
    if "math" in text:
        return "Math"
    if "read" in text or "ela" in text.split() or "literacy" in text or "english" in text:
        return "ELA"
    return None


def parse_subjects(series: pd.Series) -> pd.Series:
    return _each_unique(series, _subject)


def parse_numbers(series: pd.Series) -> pd.Series:
    cleaned = series.str.strip().str.rstrip("%").str.replace(",", "", regex=False)
    return pd.to_numeric(cleaned, errors="coerce")


def normalise_school_year(value: str) -> str | None:
    """'2025-26', '2025-2026', '2025 - 2026' -> '2025-26'; a bare '2026' is the year ending then."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text)
    if match:
        start, end = int(match.group(1)), int(match.group(2)[-2:])
        if (start + 1) % 100 == end:
            return f"{start}-{end:02d}"
        return None
    if re.fullmatch(r"\d{4}", text):
        start = int(text) - 1
        return f"{start}-{(start + 1) % 100:02d}"
    return None


@dataclass
class WindowAssignment:
    school_year: str | None
    window_id: str | None
    nearest: bool = False


def window_assigner(calendar: Calendar, max_days: int) -> Callable[[dt.date], WindowAssignment]:
    """A function placing a date in its school year's window, or the nearest within max_days."""

    def assign(day: dt.date) -> WindowAssignment:
        year = school_year_of(day)
        best: tuple[int, str] | None = None
        for window in calendar.windows:
            start, end = window.dates(year)
            if start <= day <= end:
                return WindowAssignment(year, window.id)
            distance = (start - day).days if day < start else (day - end).days
            if best is None or distance < best[0]:
                best = (distance, window.id)
        if best is not None and best[0] <= max_days:
            return WindowAssignment(year, best[1], nearest=True)
        return WindowAssignment(year, None)

    return assign


@dataclass
class Rejects:
    """Row-level problems found while adapting one file: (row index, column, reason), and
    the coded values not recognised, counted by (column, value) for the load report."""

    problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    unrecognised: Counter = field(default_factory=Counter)

    def add(self, mask: pd.Series, column: str, reason: str) -> None:
        for index in mask[mask].index:
            self.problems.setdefault(int(index), []).append((column, reason))

    def add_unrecognised(self, raw: pd.Series, mask: pd.Series, column: str, what: str,
                         accepted: str, reject: bool = True) -> None:
        """Count each unrecognised value of a coded column; reject its rows unless the field
        may safely stay unknown (`reject=False`)."""
        if not mask.any():
            return
        for value, count in raw[mask].str.strip().value_counts().items():
            self.unrecognised[(column, str(value))] += int(count)
        if reject:
            self.add(mask, column, f"not a recognised {what} (accepted: {accepted})")

    def unrecognised_lines(self, per_column: int = 5) -> list[str]:
        """'Rush Flag: 1,333 rows with 'maybe' not recognised', most frequent first."""
        lines, shown = [], Counter()
        for (column, value), count in self.unrecognised.most_common():
            shown[column] += 1
            if shown[column] <= per_column:
                text = value if len(value) <= 40 else value[:39] + "…"
                lines.append(f"{column}: {count:,} row{'s' if count != 1 else ''} with "
                             f"{text!r} not recognised")
        for column, n in shown.items():
            if n > per_column:
                lines.append(f"{column}: {n - per_column} more unrecognised values")
        return lines

    @property
    def rows(self) -> set[int]:
        return set(self.problems)

    def __len__(self) -> int:
        return len(self.problems)


def blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype("string").str.strip() == "")
