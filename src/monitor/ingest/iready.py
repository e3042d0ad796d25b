"""i-Ready Diagnostic Results exports, in the current and the older vendor layouts.

Current layout: `Norming Window`, `Baseline Diagnostic (Y/N)`, percent-progress columns.
Older layout: `Diagnostic used to establish Growth Measures (Y/N)` as the baseline flag and no
percent-progress columns, so progress is computed from the baseline's scale score.
Neither layout names the subject; it comes from a `Subject` column when there is one, else from
the domain columns (Phonics... vs Number and Operations...), else from the file name.
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
    window_ids,
)
from monitor.ingest.common import (
    Rejects,
    blank,
    normalise_school_year,
    parse_numbers,
    parse_subjects,
    per_value,
)
from monitor.ingest.readers import RawTable, UnreadableFile
from monitor.registry import MeasureId

BASELINE = ("Baseline Diagnostic (Y/N)", "Diagnostic used to establish Growth Measures (Y/N)")
RUSH = ("Rush Flag", "Rushed", "Rush Flag (Y/N)", "Rushed (Y/N)")
GRADE = ("Student Grade", "Grade")
KEY = ("school_year", "student_id", "subject", "completion_date", "scale_score")


def looks_like(cols: Columns) -> bool:
    return cols.has("Overall Scale Score", "Annual Typical Growth Measure")


def _file_subject(cols: Columns, table: RawTable) -> str | None:
    headers = " ".join(cols.frame.columns).lower()
    if "phonics" in headers or "vocabulary" in headers or "lexile" in headers:
        return "ELA"
    if "number and operations" in headers or "geometry" in headers or "quantile" in headers:
        return "Math"
    name = table.path.stem.lower()
    if "math" in name:
        return "Math"
    if "ela" in name or "reading" in name:
        return "ELA"
    return None


def adapt(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("i-Ready Diagnostic Results", "Student ID", "Completion Date",
                 "Overall Scale Score", "Annual Typical Growth Measure", BASELINE)
    rejects = Rejects()
    student = cols.get("Student ID")
    rejects.add(blank(student), "Student ID", "required value is blank")
    if cols.name("Subject"):
        subject = parse_subjects(cols.get("Subject"))
        rejects.add(subject.isna(), "Subject", "not a known subject (Reading/ELA or Math)")
    else:
        inferred = _file_subject(cols, table)
        if inferred is None:
            raise UnreadableFile(
                f"{table.path.name}: i-Ready export with no Subject column, and the subject "
                "cannot be told from its columns or file name; load it with --subject"
            )
        subject = pd.Series(inferred, index=cols.frame.index)
    dates = parse_required_dates(cols, rejects, "Completion Date")
    vendor_window = None
    if cols.name("Norming Window"):
        # A window the calendar does not know is reported; the date then places the row.
        vendor_window = window_ids(rejects, cols.get("Norming Window"), cols.name("Norming Window"),
                                   ctx.settings.calendar_for(MeasureId.IREADY_GROWTH), reject=False)
    years, windows, nearest = dated_windows(
        rejects, ctx, MeasureId.IREADY_GROWTH, "Completion Date", dates, override=vendor_window)
    academic = per_value(cols.get("Academic Year"), normalise_school_year)
    years = academic.fillna(years) if cols.name("Academic Year") else years
    scale = parse_numbers(cols.get("Overall Scale Score"))
    rejects.add(scale.isna() | (scale < 0) | (scale > 1000), "Overall Scale Score",
                "not a scale score from 0 to 1000")
    raw_baseline = cols.get(*BASELINE)
    baseline = read_code(rejects, raw_baseline, cols.name(*BASELINE), codes.YES_NO)
    # Exports leave the flag blank on diagnostics that set no growth measure: not a baseline.
    blank_flags = int(blank(raw_baseline).sum())
    notes = [f"{blank_flags} rows with a blank baseline flag read as N"] if blank_flags else []
    # The rush flag by value: blank or N is not rushed; Y or a flag colour is.
    rushed = read_code(rejects, cols.get(*RUSH), cols.name(*RUSH), codes.RUSH_FLAG)
    typical = parse_numbers(cols.get("Annual Typical Growth Measure"))
    stretch = parse_numbers(cols.get("Annual Stretch Growth Measure"))
    # The roster places a student whose grade the file does not give in a way we know.
    grade = read_code(rejects, cols.get(*GRADE), cols.name(*GRADE), codes.GRADE, reject=False)
    frame = pd.DataFrame({
        "school_year": years, "window_id": windows, "student_id": student,
        "school_code": per_value(cols.get("School"), lambda v: ctx.school_code(v) if v else None),
        "grade": grade, "subject": subject, "completion_date": dates,
        "is_baseline": baseline.eq(True), "scale_score": scale,
        "placement": cols.get("Overall Relative Placement", "Overall Placement"),
        "typical_growth": typical, "stretch_growth": stretch,
        "pct_typical": parse_numbers(cols.get("Percent Progress to Annual Typical Growth (%)")),
        "pct_stretch": parse_numbers(cols.get("Percent Progress to Annual Stretch Growth (%)")),
        "rushed": rushed.eq(True),
    })
    if not cols.name("Percent Progress to Annual Typical Growth (%)"):
        frame = _progress_from_baseline(frame)
    return Adapted("iready", "iready_results", frame, KEY, rejects, nearest, notes)


def _progress_from_baseline(frame: pd.DataFrame) -> pd.DataFrame:
    """Older layout: progress = (score - baseline score) / growth measure x 100."""
    base = (
        frame[frame["is_baseline"]]
        .sort_values("completion_date")
        .drop_duplicates(["school_year", "student_id", "subject"])
        .set_index(["school_year", "student_id", "subject"])["scale_score"]
    )
    keys = pd.MultiIndex.from_frame(frame[["school_year", "student_id", "subject"]])
    baseline_score = pd.Series(base.reindex(keys).to_numpy(), index=frame.index)
    gain = frame["scale_score"] - baseline_score
    frame["pct_typical"] = (100 * gain / frame["typical_growth"]).round(1)
    frame["pct_stretch"] = (100 * gain / frame["stretch_growth"]).round(1)
    return frame
