"""California's public CAASPP Smarter Balanced research files and their lookups.

- Research files: one row per entity (state, county, district, school) x student group x grade
  x test, caret- or comma-delimited, with `Percentage Standard Met and Above`. A `*` is the
  state's own suppression: kept as a row with no value, never rejected.
- Entity lookup (`sb_caYYYYentities_csv.txt`): names for county / district / school codes.
- Student-group lookup (`StudentGroups_YYYY.txt`, Windows-1252): names for group ids.
Older files say `Subgroup ID` and `Test Id`; both spellings are read.
"""

from __future__ import annotations

import pandas as pd

from monitor.ingest.base import Adapted, Columns, Context, require_values
from monitor.ingest.common import Rejects, blank, normalise_school_year, parse_numbers, per_value
from monitor.ingest.readers import RawTable

GROUP_ID = ("Student Group ID", "Subgroup ID")
TEST_ID = ("Test ID", "Test Id")
TESTED = ("Total Students Tested with Scores", "Students with Scores",
          "Total Tested with Scores at Reporting Level", "Students Tested",
          "Total Students Tested", "Total Tested At Entity Level")
SUBJECTS = {"1": "ELA", "2": "Math"}
PERCENT = "Percentage Standard Met and Above"


def looks_like_research(cols: Columns) -> bool:
    return cols.has("County Code", "District Code", "School Code", PERCENT)


def looks_like_entities(cols: Columns) -> bool:
    return cols.has("County Code", "District Code", "School Code", "Type ID", "County Name")


def looks_like_groups(cols: Columns) -> bool:
    return cols.has("Demographic ID", "Demographic Name")


def _test_year(cols: Columns, rejects: Rejects) -> tuple[pd.Series, pd.Series]:
    raw = cols.get("Test Year")
    years = per_value(raw, normalise_school_year)
    rejects.add(years.isna(), "Test Year", "not a test year like 2025")
    return raw, years


def _tested(cols: Columns) -> pd.Series:
    """Students tested: the first of the files' several count columns that has a number (years
    differ in which they fill)."""
    tested = pd.Series(float("nan"), index=cols.frame.index)
    for name in TESTED:
        if cols.name(name):
            tested = tested.fillna(parse_numbers(cols.get(name)).astype("float64"))
    return tested


def adapt_research(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("CAASPP research", "County Code", "District Code", "School Code", "Test Year",
                 GROUP_ID, "Grade", TEST_ID, PERCENT)
    rejects = Rejects()
    test_year, years = _test_year(cols, rejects)
    codes = {name: cols.get(name) for name in ("County Code", "District Code", "School Code")}
    require_values(cols, rejects, codes)
    test = cols.get(*TEST_ID)
    grade = cols.get("Grade").str.lstrip("0")
    rejects.add(~grade.isin([str(g) for g in (3, 4, 5, 6, 7, 8, 11, 13)]), "Grade",
                "not a tested grade (3-8, 11, or 13 for all grades)")
    raw_percent = cols.get(PERCENT)
    percent = parse_numbers(raw_percent)
    state_suppressed = raw_percent.isin(["*", ""]) | blank(raw_percent)
    rejects.add(~state_suppressed & (percent.isna() | (percent < 0) | (percent > 100)), PERCENT,
                "not a percent from 0 to 100 (or * where the state suppressed it)")
    frame = pd.DataFrame({
        "school_year": years, "window_id": "spring", "test_year": test_year,
        "county_code": codes["County Code"], "district_code": codes["District Code"],
        "school_code": codes["School Code"], "student_group_id": cols.get(*GROUP_ID).str.lstrip("0"),
        "grade": grade.where(grade != "13", "all"),
        # Tests other than Smarter Balanced ELA (1) and math (2) keep their id as the subject.
        "subject": test.map(lambda t: SUBJECTS.get(str(t).strip(), f"test {t}")),
        "students_tested": _tested(cols),
        "pct_met_above": percent.where(~state_suppressed),
    })
    notes = []
    if state_suppressed.any():
        notes.append(f"{int(state_suppressed.sum())} rows suppressed by the state (*)")
    return Adapted("caaspp_research", "caaspp_results", frame,
                   ("test_year", "county_code", "district_code", "school_code",
                    "student_group_id", "grade", "subject"), rejects, notes=notes)


def adapt_entities(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("CAASPP entity lookup", "County Code", "District Code", "School Code",
                 "Type ID", "Test Year")
    rejects = Rejects()
    test_year, _ = _test_year(cols, rejects)
    frame = pd.DataFrame({
        "test_year": test_year, "county_code": cols.get("County Code"),
        "district_code": cols.get("District Code"), "school_code": cols.get("School Code"),
        "type_id": cols.get("Type ID"), "county_name": cols.get("County Name"),
        "district_name": cols.get("District Name"), "school_name": cols.get("School Name"),
    })
    return Adapted("caaspp_entities", "caaspp_entities", frame,
                   ("test_year", "county_code", "district_code", "school_code"), rejects)


def adapt_groups(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("CAASPP student-group lookup", "Demographic ID", "Demographic Name")
    rejects = Rejects()
    number = cols.get("Demographic ID Num", "Demographic ID").str.lstrip("0")
    rejects.add(~number.str.fullmatch(r"\d+").fillna(False), "Demographic ID Num",
                "not a group number")
    frame = pd.DataFrame({
        "student_group_id": number, "group_name": cols.get("Demographic Name"),
        "category": cols.get("Student Group"),
    })
    return Adapted("caaspp_groups", "caaspp_groups", frame, ("student_group_id",), rejects)
