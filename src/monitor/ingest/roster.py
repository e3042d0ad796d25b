"""Roster (SIS) files: one row per student per school year."""

from __future__ import annotations

import pandas as pd

from monitor.ingest import codes
from monitor.ingest.base import Adapted, Columns, Context, read_code, require_values
from monitor.ingest.common import Rejects, blank, normalise_school_year, per_value
from monitor.ingest.readers import RawTable

FLAGS = {
    "english_learner": ("English Learner", "EL", "English Language Learner"),
    "disability": ("Students with Disabilities", "Student with Disability", "SWD",
                   "Special Education"),
    "socioeconomic": ("Socioeconomically Disadvantaged", "SED", "Economically Disadvantaged"),
    "foster": ("Foster Youth", "Foster"),
    "homeless": ("Homeless",),
}


def looks_like(cols: Columns) -> bool:
    return cols.has("Student ID", "School Code", "Grade") and cols.has("School Year")


def adapt(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    cols.require("roster", "Student ID", "School Code", "Grade", "School Year")
    rejects = Rejects()
    student = cols.get("Student ID")
    school = cols.get("School Code")
    require_values(cols, rejects, {"Student ID": student, "School Code": school})
    raw_grade = cols.get("Grade")
    grade = read_code(rejects, raw_grade, cols.name("Grade"), codes.GRADE)
    rejects.add(blank(raw_grade), "Grade", "required value is blank")
    raw_year = cols.get("School Year")
    year = per_value(raw_year, normalise_school_year)
    rejects.add(year.isna(), "School Year", "not a school year like 2025-26")
    frame = pd.DataFrame({
        "school_year": year, "student_id": student, "school_code": school, "grade": grade,
        "school_name": cols.get("School Name", "School"),
        "race_ethnicity": cols.get("Race/Ethnicity", "Race Ethnicity", "Ethnicity", "Race"),
    })
    for field, names in FLAGS.items():
        # Blank: not known; the student counts in all students, not in the group.
        flag = read_code(rejects, cols.get(*names), cols.name(*names), codes.YES_NO)
        frame[field] = flag.map({True: "Y", False: "N"}).astype(object).where(flag.notna(), None)
    return Adapted("roster", "roster", frame, ("school_year", "student_id"), rejects)
