"""Walkthrough form exports (Google Forms / Microsoft Forms CSV): one row per observation.

Indicator columns are found by the start of their header ("Core Action 2 - ..." works), so a
form's longer question wording does not matter.
"""

from __future__ import annotations

import pandas as pd

from monitor.ingest import codes
from monitor.ingest.base import (
    Adapted,
    Columns,
    Context,
    dated_windows,
    parse_required_dates,
    read_code,
    response_identity,
)
from monitor.ingest.common import Rejects, blank, parse_subjects, per_value
from monitor.ingest.readers import RawTable, UnreadableFile
from monitor.registry import MeasureId, Source

YES_NO = {
    "ca1a": "Core Action 1A", "ca1b": "Core Action 1B", "ca1c": "Core Action 1C",
    "hqim": "HQIM in use", "grade_appropriate": "Grade-appropriate assignment",
    "strong_instruction": "Strong instruction", "deep_engagement": "Deep engagement",
    "high_expectations": "High expectations",
}
RATED = {"ca2": "Core Action 2", "ca3": "Core Action 3"}
INDICATOR_LABELS = {
    "ca1": "Core Action 1 (1A, 1B and 1C)", "ca1a": "CA1A: standards-aligned content",
    "ca1b": "CA1B: grade-level texts/problems",
    "ca1c": "CA1C: language and culture", "ca2": "Core Action 2", "ca3": "Core Action 3",
    "hqim": "HQIM in use", "grade_appropriate": "Grade-appropriate assignment",
    "strong_instruction": "Strong instruction", "deep_engagement": "Deep engagement",
    "high_expectations": "High expectations",
}


def observed_subjects(raw: pd.Series) -> pd.Series:
    """ELA and Math in their usual spellings; any other subject observed (Science, History...)
    as the form writes it, in single spaces; None where blank."""
    known = parse_subjects(raw)
    written = raw.str.split().str.join(" ")
    return known.where(known.notna(), written.where(written.notna() & (written != ""), None))


def looks_like(cols: Columns) -> bool:
    return cols.has("Observation Date") and any(
        _indicator_column(cols, name) for name in (YES_NO | RATED).values())


def _indicator_column(cols: Columns, name: str) -> str | None:
    # "Core Action 1" must not match "Core Action 1A": require a non-alphanumeric boundary.
    for column in cols.frame.columns:
        lower, prefix = column.lower(), name.lower()
        if lower.startswith(prefix) and (len(lower) == len(prefix) or not lower[len(prefix)].isalnum()):
            return column
    return None


def adapt(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("walkthrough form", "School", "Observation Date")
    found = {key: _indicator_column(cols, name) for key, name in (YES_NO | RATED).items()}
    if not any(found.values()):
        raise UnreadableFile(f"{table.path.name}: walkthrough form with no indicator columns "
                             "(Core Action 1A ... High expectations)")
    rejects = Rejects()
    school = cols.get("School")
    rejects.add(blank(school), "School", "required value is blank")
    dates = parse_required_dates(cols, rejects, "Observation Date")
    years, windows, nearest = dated_windows(rejects, ctx, MeasureId.WALKTHROUGH, "Observation Date",
                                            dates)
    frame = pd.DataFrame(index=cols.frame.index)
    for key in YES_NO | RATED:
        column = found[key]
        raw = cols.frame[column] if column else pd.Series(pd.NA, index=frame.index, dtype="string")
        # Yes/No indicators, and Core Actions 2-3 rated 1-4; N/A or blank = not observed.
        code = codes.RATING if key in RATED else codes.YES_NO_OBSERVED
        frame[key] = read_code(rejects, raw, column, code)
    observer = cols.get("Email Address", "Observer", "Email")
    teacher = cols.get("Teacher")
    key = None
    if cols.name("Timestamp"):
        # Google Forms: the submission time, in the form earlier releases stored (so a file
        # loaded again after an upgrade still finds its rows).
        key = (cols.get("Timestamp").fillna("") + "|" + observer.fillna("") + "|"
               + school.fillna("") + "|" + teacher.fillna("") + "|"
               + cols.get("Observation Date").fillna(""))
    frame.insert(0, "observation_id", response_identity(cols, key))
    frame.insert(1, "school_year", years)
    frame.insert(2, "window_id", windows)
    frame.insert(3, "observed_on", dates)
    frame.insert(4, "school_code", per_value(school, ctx.school_code))
    frame.insert(5, "grade", read_code(rejects, cols.get("Grade"), cols.name("Grade"),
                                       codes.GRADE, reject=False))
    frame.insert(6, "subject", observed_subjects(cols.get("Subject")))
    frame.insert(7, "observer", observer)
    frame.insert(8, "teacher", teacher)

    return Adapted(Source.WALKTHROUGH, "walkthroughs", frame, ("observation_id",), rejects, nearest)
