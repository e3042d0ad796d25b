"""Column parsers and window assignment."""

import datetime as dt

import pandas as pd
import pytest

from monitor.config import load_settings
from monitor.ingest import codes
from monitor.ingest.common import (
    normalise_school_year,
    parse_dates,
    parse_subjects,
    window_assigner,
)


def s(*values):
    return pd.Series(list(values), dtype="string")


def test_grades_from_many_spellings():
    got = codes.GRADE.read(s("TK", "k", "Kindergarten", "0", "01", "Grade 3", "12th", "13", "PS"))
    assert got.values.tolist() == ["TK", "K", "K", "K", "1", "3", "12", None, None]


def test_dates_iso_us_and_timestamps():
    got = parse_dates(s("2025-09-03", "9/3/2025", "09/03/25", "2025/09/03 8:15:00 AM GMT-7",
                        "2025-09-03T08:15:00", "31/12/2025", "soon"))
    d = dt.date(2025, 9, 3)
    assert got.tolist() == [d, d, d, d, d, None, None]


def test_subjects_and_flags():
    assert parse_subjects(s("Reading", "Mathematics", "ELA", "Science")).tolist() == [
        "ELA", "Math", "ELA", None]
    flags = codes.YES_NO.read(s("Y", "yes", "FALSE", "0", "maybe"))
    assert flags.values.tolist() == [True, True, False, False, None]
    assert flags.unrecognised.tolist() == [False, False, False, False, True]


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-26", "2025-26"), ("2025-2026", "2025-26"), ("2026", "2025-26"), ("2025-27", None),
    ("1999-2000", "1999-00"),
])
def test_school_years(text, expected):
    assert normalise_school_year(text) == expected


def test_window_assignment_inside_nearest_and_beyond():
    settings = load_settings()
    assign = window_assigner(settings.calendars["benchmark"], max_days=45)
    inside = assign(dt.date(2025, 10, 5))
    assert (inside.school_year, inside.window_id, inside.nearest) == ("2025-26", "1", False)
    near = assign(dt.date(2025, 11, 20))        # 31 days after BM1 ends
    assert (near.window_id, near.nearest) == ("1", True)
    between = assign(dt.date(2026, 1, 5))       # closer to BM2 (6 days) than BM1
    assert between.window_id == "2"
    far = assign(dt.date(2025, 7, 15))          # 78 days before BM1
    assert far.window_id is None
