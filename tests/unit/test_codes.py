"""Coded fields are read by value: every accepted spelling, and nothing guessed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import Calendar, Window
from monitor.ingest import codes
from monitor.ingest.common import Rejects


def s(*values):
    return pd.Series(list(values), dtype="string")


def cases(spellings):
    """Each spelling as written, upper-cased, title-cased and padded with spaces."""
    for text in spellings:
        yield from (text, text.upper(), text.title(), f"  {text} ")


@pytest.mark.parametrize("text", list(cases(codes.YES_WORDS)))
def test_every_yes_spelling(text):
    assert codes.YES_NO.read(s(text)).values.tolist() == [True]


@pytest.mark.parametrize("text", list(cases(codes.NO_WORDS)))
def test_every_no_spelling(text):
    assert codes.YES_NO.read(s(text)).values.tolist() == [False]


def test_excel_numbers_and_blank_flags():
    reading = codes.YES_NO.read(s("1.0", "0.0", "", None))
    assert reading.values.tolist() == [True, False, None, None]
    assert not reading.unrecognised.any()


@pytest.mark.parametrize("text", ["maybe", "2", "YN", "unknown", "?"])
def test_an_unknown_flag_is_never_guessed(text):
    reading = codes.YES_NO.read(s(text))
    assert reading.values.tolist() == [None] and reading.unrecognised.tolist() == [True]


RUSHED = ["Y", "yes", "TRUE", "1", "Yellow Rush Flag", "Red Rush Flag", "Yellow", "red",
          "Rushed", "rush flag"]
NOT_RUSHED = ["", "N", "no", "FALSE", "0", "None", "Not Rushed", "no rush flag", "-"]


def test_rush_flags_by_value_not_presence():
    reading = codes.RUSH_FLAG.read(s(*RUSHED, *NOT_RUSHED, None))
    assert reading.values.tolist() == [True] * len(RUSHED) + [False] * (len(NOT_RUSHED) + 1)
    assert not reading.unrecognised.any()
    # The bug this replaces: an export writing "N" had every test read as rushed.
    assert codes.RUSH_FLAG.read(s("N", "N")).values.tolist() == [False, False]


@pytest.mark.parametrize("text,rank", [
    ("Standard Exceeded", 4), ("EXCEEDED", 4), ("Level 4", 4), ("4", 4), ("4.0", 4),
    ("Level 4: Standard Exceeded", 4), ("Standard Exceeded (Level 4)", 4), ("Exceeds", 4),
    ("Standard Met", 3), ("met", 3), ("Meets Standard", 3), ("L3", 3), ("Proficient", 3),
    ("Standard Nearly Met", 2), ("nearly met", 2), ("Approaching", 2), ("2", 2),
    ("Standard Not Met", 1), ("Not Met", 1), ("Below Standard", 1), ("level 1", 1),
])
def test_performance_levels(text, rank):
    assert codes.PERFORMANCE_LEVEL.read(s(text)).values.tolist() == [rank]


@pytest.mark.parametrize("text", ["Level 5", "Distinguished", "5", "0", "Met?"])
def test_unknown_levels_are_reported(text):
    assert codes.PERFORMANCE_LEVEL.read(s(text)).unrecognised.tolist() == [True]


@pytest.mark.parametrize("text,rating", [
    ("1", 1), ("Not Yet", 1), ("not yet", 1), ("1 - Not Yet", 1), ("2", 2), ("Somewhat", 2),
    ("Somewhat (2)", 2), ("3: Mostly", 3), ("Mostly", 3), ("4", 4), ("Yes", 4), ("4.0", 4),
    ("N/A", None), ("Not observed", None), ("", None),
])
def test_ratings(text, rating):
    reading = codes.RATING.read(s(text))
    assert reading.values.tolist() == [rating] and not reading.unrecognised.any()


@pytest.mark.parametrize("text,grade", [
    ("TK", "TK"), ("Transitional Kindergarten", "TK"), ("-1", "TK"), ("K", "K"), ("KG", "K"),
    ("Kindergarten", "K"), ("0", "K"), ("00", "K"), ("1", "1"), ("01", "1"), ("1st", "1"),
    ("Grade 3", "3"), ("3rd Grade", "3"), ("Gr. 3", "3"), ("G3", "3"), ("third", "3"),
    ("12th", "12"), ("12", "12"), ("3.0", "3"),
])
def test_grades(text, grade):
    assert codes.GRADE.read(s(text)).values.tolist() == [grade]


@pytest.mark.parametrize("text", ["13", "Grade 14", "PS", "Adult", "UG"])
def test_unknown_grades(text):
    assert codes.GRADE.read(s(text)).unrecognised.tolist() == [True]


CALENDAR = Calendar(label="i-Ready window", windows=[
    Window(id="1", label="Fall", start="08-11", end="09-18"),
    Window(id="2", label="Winter", start="12-01", end="12-21"),
    Window(id="3", label="Spring", start="03-23", end="04-21")])


@pytest.mark.parametrize("text,window", [
    ("1", "1"), ("Fall", "1"), ("fall 2025", "1"), ("BOY", "1"), ("Beginning of Year", "1"),
    ("Fall (Beginning of Year - November 15)", "1"), ("Winter (November 16 - March 1)", "2"),
    ("MOY", "2"), ("Winter 2025-26", "2"), ("Spring Diagnostic", "3"), ("EOY", "3"),
    ("3.0", "3"), ("Spring (March 2 - End of Year)", "3"),
])
def test_windows(text, window):
    assert codes.window_code(CALENDAR).read(s(text)).values.tolist() == [window]


def test_an_unknown_window_is_reported():
    assert codes.window_code(CALENDAR).read(s("Summer")).unrecognised.tolist() == [True]


@given(st.lists(st.sampled_from(["Y", "N", "maybe", "", "perhaps", "TRUE"]), min_size=1,
                max_size=40))
def test_the_report_counts_each_unrecognised_value_by_column(values):
    raw = s(*values)
    reading = codes.RUSH_FLAG.read(raw)
    rejects = Rejects()
    rejects.add_unrecognised(raw, reading.unrecognised, "Rush Flag", "rush flag", "Y/N")
    expected = {v: values.count(v) for v in ("maybe", "perhaps") if v in values}
    assert dict(rejects.unrecognised) == {("Rush Flag", v): n for v, n in expected.items()}
    assert rejects.rows == {i for i, v in enumerate(values) if v in expected}
    for value, n in expected.items():
        assert f"Rush Flag: {n:,} row{'s' if n != 1 else ''} with '{value}' not recognised" \
            in rejects.unrecognised_lines()
