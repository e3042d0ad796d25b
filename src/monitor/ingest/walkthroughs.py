"""Walkthrough form exports (Google Forms / Microsoft Forms CSV): one row per observation.

Indicator columns are found by the start of their header ("Core Action 2 - ..." works), so a
form's longer question wording does not matter.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from monitor.ingest.base import Adapted, Columns, Context, dated_windows, parse_required_dates
from monitor.ingest.common import Rejects, blank, parse_flags, parse_grades
from monitor.ingest.readers import RawTable, UnreadableFile

YES_NO = {
    "ca1a": "Core Action 1A", "ca1b": "Core Action 1B", "ca1c": "Core Action 1C",
    "hqim": "HQIM in use", "grade_appropriate": "Grade-appropriate assignment",
    "strong_instruction": "Strong instruction", "deep_engagement": "Deep engagement",
    "high_expectations": "High expectations",
}
RATED = {"ca2": "Core Action 2", "ca3": "Core Action 3"}
RATINGS = {"not yet": 1, "somewhat": 2, "mostly": 3, "yes": 4, "1": 1, "2": 2, "3": 3, "4": 4}
INDICATOR_LABELS = {
    "ca1": "Core Action 1 (1A, 1B and 1C)", "ca1a": "CA1A: standards-aligned content",
    "ca1b": "CA1B: grade-level texts/problems",
    "ca1c": "CA1C: language and culture", "ca2": "Core Action 2", "ca3": "Core Action 3",
    "hqim": "HQIM in use", "grade_appropriate": "Grade-appropriate assignment",
    "strong_instruction": "Strong instruction", "deep_engagement": "Deep engagement",
    "high_expectations": "High expectations",
}


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
    years, windows, nearest = dated_windows(rejects, ctx, "learning_walk", "Observation Date", dates)
    frame = pd.DataFrame(index=cols.frame.index)
    for key in YES_NO:
        column = found[key]
        raw = cols.frame[column].str.strip() if column else pd.Series(pd.NA, index=frame.index)
        flags = parse_flags(raw)
        if column:
            rejects.add(~blank(raw) & flags.isna(), column, "not Yes or No")
        frame[key] = flags.map({"Y": True, "N": False})
    for key in RATED:
        column = found[key]
        raw = cols.frame[column].str.strip() if column else pd.Series(pd.NA, index=frame.index)
        rating = raw.str.lower().str.split(r"\s*[-:(]", regex=True).str[0].str.strip().map(RATINGS)
        if column:
            rejects.add(~blank(raw) & rating.isna(), column,
                        "not a rating 1-4 (Not Yet / Somewhat / Mostly / Yes)")
        frame[key] = rating
    stamp = cols.get("Timestamp")
    observer = cols.get("Email Address", "Observer", "Email")
    teacher = cols.get("Teacher")
    identity = (stamp.fillna("") + "|" + observer.fillna("") + "|" + school.fillna("") + "|"
                + teacher.fillna("") + "|" + cols.get("Observation Date").fillna(""))
    frame.insert(0, "observation_id", identity.map(
        lambda v: hashlib.sha1(v.encode(), usedforsecurity=False).hexdigest()[:16]))
    frame.insert(1, "school_year", years)
    frame.insert(2, "window_id", windows)
    frame.insert(3, "observed_on", dates)
    frame.insert(4, "school_code", school.map(
        lambda v: ctx.school_code(v) if not pd.isna(v) else None))
    frame.insert(5, "grade", parse_grades(cols.get("Grade")))
    frame.insert(6, "subject", cols.get("Subject"))
    frame.insert(7, "observer", observer)
    frame.insert(8, "teacher", teacher)

    return Adapted("walkthrough", "walkthroughs", frame, ("observation_id",), rejects, nearest)
