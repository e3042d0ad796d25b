"""School years (July 1 to June 30, written 2025-26) and the dates inside them: which school
year a day is in, the one before, and a month-day of config.toml's calendars as a date."""

from __future__ import annotations

import datetime as dt
import re

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def school_year_of(day: dt.date) -> str:
    """The school year (July 1 - June 30) containing `day`, written `2025-26`."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_start(school_year: str) -> int:
    match = _SCHOOL_YEAR.match(school_year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"school year {school_year!r} is not written like 2025-26")
    return int(match.group(1))


def previous_school_year(school_year: str) -> str:
    start = school_year_start(school_year) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def date_in_school_year(school_year: str, month_day: str) -> dt.date:
    """The calendar date of `MM-DD` inside a school year (July-December: its first year)."""
    month, day = (int(part) for part in month_day.split("-"))
    start = school_year_start(school_year)
    year = start if month >= 7 else start + 1
    if month == 2 and day == 29 and not _is_leap(year):
        day = 28
    return dt.date(year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
