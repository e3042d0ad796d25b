"""Student-level assessment exports: ESGI, district benchmarks, performance tasks, state test."""

from __future__ import annotations

import re

import pandas as pd

from monitor.ingest import codes
from monitor.ingest.base import (
    Adapted,
    Columns,
    Context,
    dated_windows,
    parse_required_dates,
    read_code,
    require_values,
    window_ids,
)
from monitor.ingest.common import (
    Rejects,
    blank,
    normalise_school_year,
    parse_dates,
    parse_numbers,
    parse_subjects,
    per_value,
)
from monitor.ingest.readers import RawTable
from monitor.registry import MeasureId, Source
from monitor.school_years import school_year_of

KEY = ("source", "school_year", "window_id", "student_id", "subject", "assessment", "test_date")
PERFORMANCE_TASK = re.compile(r"performance\s*task|\bpt\b", re.IGNORECASE)


def _levels(cols: Columns, rejects: Rejects, *names: str) -> pd.Series:
    """Performance or achievement levels as ranks 1-4 (monitor.ingest.codes.PERFORMANCE_LEVEL);
    NA where blank; an unrecognised level rejects its row."""
    level = read_code(rejects, cols.get(*names), cols.name(*names), codes.PERFORMANCE_LEVEL)
    return pd.to_numeric(level, errors="coerce").astype("Float64")


def _subjects(cols: Columns, rejects: Rejects, *names: str) -> pd.Series:
    raw = cols.get(*names)
    subject = parse_subjects(raw)
    rejects.add(blank(raw), cols.name(*names) or names[0], "required value is blank")
    rejects.add(~blank(raw) & subject.isna(), cols.name(*names) or names[0],
                "not a known subject (ELA or Math)")
    return subject


def _optional_grade(cols: Columns, rejects: Rejects, *names: str) -> pd.Series:
    return read_code(rejects, cols.get(*names), cols.name(*names), codes.GRADE)


def _school(cols: Columns, ctx: Context) -> pd.Series:
    raw = cols.get("School Code", "School")
    return per_value(raw, lambda v: ctx.school_code(v) if v else None)


def adapt_esgi(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("ESGI", "Student ID", "Test Name", "Subject", "Test Date", "Score",
                 "Total Questions")
    rejects = Rejects()
    student = cols.get("Student ID")
    test = cols.get("Test Name")
    require_values(cols, rejects, {"Student ID": student, "Test Name": test})
    subject = _subjects(cols, rejects, "Subject")
    dates = parse_required_dates(cols, rejects, "Test Date")
    years, windows, nearest = dated_windows(rejects, ctx, MeasureId.ESGI, "Test Date", dates)
    score = parse_numbers(cols.get("Score"))
    total = parse_numbers(cols.get("Total Questions"))
    rejects.add(score.isna() | (score < 0), "Score", "not a number of 0 or more")
    rejects.add(total.isna() | (total <= 0), "Total Questions", "not a number above 0")
    rejects.add(score > total, "Score", "greater than Total Questions")
    frame = pd.DataFrame({
        "source": Source.ESGI, "school_year": years, "window_id": windows, "student_id": student,
        "school_code": _school(cols, ctx), "grade": _optional_grade(cols, rejects, "Grade"),
        "subject": subject, "assessment": test, "test_date": dates, "score": score,
        "points_possible": total, "percent_correct": 100 * score / total, "level_rank": None,
    })
    return Adapted(Source.ESGI, "assessment_results", frame, KEY, rejects, nearest)


def is_performance_task(cols: Columns) -> bool:
    names = cols.get("Assessment").dropna()
    return bool(len(names)) and names.str.contains(PERFORMANCE_TASK).any()


WIDE_SUBJECTS = {"ela": "ELA", "reading": "ELA", "math": "Math", "mathematics": "Math"}
SEASONS = ("fall", "winter", "spring")


def wide_subject_columns(cols: Columns) -> dict[str, str]:
    """Columns named after a subject (a wide screening export): column -> subject."""
    if cols.name("Subject"):
        return {}
    return {c: WIDE_SUBJECTS[c.lower()] for c in cols.frame.columns if c.lower() in WIDE_SUBJECTS}


def looks_like_wide_benchmark(cols: Columns) -> bool:
    return (cols.has("Student ID") and cols.name("Window", "Test Date") is not None
            and bool(wide_subject_columns(cols)))


def _long_from_wide(table: RawTable, wide: dict[str, str]) -> RawTable:
    """One row per student per subject from a file with a score column per subject.

    Rows keep their file row's index, so problems are reported against the file's row. A
    blank score is no result for that subject; a row with none at all stays, to be rejected.
    """
    frame = table.frame
    parts = []
    for column, subject in wide.items():
        part = frame.drop(columns=list(wide)).assign(Subject=subject, Score=frame[column])
        parts.append(part)
    long = pd.concat(parts)
    has_score = ~blank(long["Score"])
    answered = has_score.groupby(level=0).transform("any")
    keep = has_score | (~answered & ~long.index.duplicated())
    return RawTable(table.path, long[keep].sort_index(kind="stable"), table.header_rows,
                    table.question_text, table.encoding)


def adapt_benchmark(table: RawTable, ctx: Context, source: str = Source.BENCHMARK) -> Adapted:
    label = "performance task" if source == Source.PERFORMANCE_TASK else "district benchmark"
    wide = wide_subject_columns(Columns(table))
    if wide:
        table = _long_from_wide(table, wide)
    cols = Columns(table)
    cols.require(label, "Student ID", "Subject", ("Test Date", "Window"),
                 ("Percent Correct", "Performance Level", "Score"))
    if not wide:
        cols.require(label, "Assessment")
    rejects = Rejects()
    student = cols.get("Student ID")
    assessment = cols.get("Assessment").fillna(table.path.stem)
    require_values(cols, rejects, {"Student ID": student, "Assessment": assessment})
    subject = _subjects(cols, rejects, "Subject")
    raw_dates = cols.get("Test Date")
    window_column = cols.name("Window")
    if window_column:
        # A window column wins over dates; the year then comes from the date or School Year.
        dates = parse_dates(raw_dates)
        windows = window_ids(rejects, cols.get("Window"), window_column,
                             ctx.settings.calendars[source])
        rejects.add(blank(cols.get("Window")), window_column, "required value is blank")
        years = per_value(dates, lambda d: None if d is None else school_year_of(d))
        year_col = cols.get("School Year")
        years = years.fillna(per_value(year_col, normalise_school_year))
        if ctx.school_year:
            years = years.fillna(ctx.school_year)
        rejects.add(years.isna(), "Test Date",
                    "no school year: give a Test Date or School Year column, or load with "
                    "--school-year")
        nearest = 0
    else:
        dates = parse_required_dates(cols, rejects, "Test Date")
        years, windows, nearest = dated_windows(rejects, ctx, source, "Test Date", dates)
    percent = parse_numbers(cols.get("Percent Correct"))
    raw_percent = cols.get("Percent Correct")
    rejects.add(~blank(raw_percent) & (percent.isna() | (percent < 0) | (percent > 100)),
                "Percent Correct", "not a percent from 0 to 100")
    raw_level = cols.get("Performance Level")
    level = _levels(cols, rejects, "Performance Level")
    raw_score = cols.get("Score")
    score = parse_numbers(raw_score)
    rejects.add(~blank(raw_score) & score.isna(), "Score", "not a number")
    rejects.add(blank(raw_level) & blank(raw_percent) & blank(raw_score), "Performance Level",
                "no result: Percent Correct, Performance Level and Score are all blank")
    notes = []
    scores_only = blank(raw_level) & blank(raw_percent) & ~blank(raw_score)
    if scores_only.any():
        notes.append(f"{int(scores_only.sum())} results have a scale score but no percent "
                     "correct or performance level: kept, not counted as proficient or not")
    frame = pd.DataFrame({
        "source": source, "school_year": years, "window_id": windows, "student_id": student,
        "school_code": _school(cols, ctx), "grade": _optional_grade(cols, rejects, "Grade"),
        "subject": subject, "assessment": assessment, "test_date": dates,
        "score": score,
        "points_possible": parse_numbers(cols.get("Points Possible")),
        "percent_correct": percent, "level_rank": level,
    })
    return Adapted(source, "assessment_results", frame, KEY, rejects, nearest, notes)


def adapt_performance_task(table: RawTable, ctx: Context) -> Adapted:
    return adapt_benchmark(table, ctx, Source.PERFORMANCE_TASK)


def looks_like_state(cols: Columns) -> bool:
    return cols.has("Student ID") and cols.name("Achievement Level") is not None


def adapt_state_test(table: RawTable, ctx: Context) -> Adapted:
    """Student score files: one row per student per test, achievement level 1-4."""
    cols = Columns(table)
    cols.require("state test score", "Student ID", "Subject", "Test Year", "Achievement Level")
    rejects = Rejects()
    student = cols.get("Student ID")
    require_values(cols, rejects, {"Student ID": student})
    subject = _subjects(cols, rejects, "Subject")
    raw_year = cols.get("Test Year")
    years = per_value(raw_year, normalise_school_year)
    rejects.add(years.isna(), "Test Year", "not a test year like 2026 or 2025-26")
    level = _levels(cols, rejects, "Achievement Level")
    rejects.add(blank(cols.get("Achievement Level")), "Achievement Level",
                "required value is blank")
    frame = pd.DataFrame({
        "source": Source.STATE_TEST, "school_year": years, "window_id": "spring",
        "student_id": student, "school_code": _school(cols, ctx),
        "grade": _optional_grade(cols, rejects, "Grade Assessed", "Grade"),
        "subject": subject, "assessment": "State test", "test_date": None,
        "score": parse_numbers(cols.get("Scale Score")), "points_possible": None,
        "percent_correct": None, "level_rank": level,
    })
    return Adapted(Source.STATE_TEST, "assessment_results", frame, KEY, rejects)
