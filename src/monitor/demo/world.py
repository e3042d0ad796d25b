"""The demo district's world: names (drawn from short lists of common names: no real person),
schools, grades, observers, coaching goals, and the helpers every file writer shares (dates as
vendors write them, Excel files, what an export holds by the as-of date)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

RACES = [
    ("Hispanic or Latino", 0.45, -0.15), ("White", 0.22, 0.20), ("Asian", 0.10, 0.35),
    ("Black or African American", 0.08, -0.30), ("Two or More Races", 0.07, 0.05),
    ("Filipino", 0.04, 0.15), ("Native Hawaiian or Pacific Islander", 0.004, -0.1),
    ("American Indian or Alaska Native", 0.006, -0.2), ("Declined to State", 0.03, 0.0),
]
GRADES = ["TK", "K"] + [str(g) for g in range(1, 13)]
FIRST = ["José", "María", "Ana", "Luis", "Emma", "Liam", "Olivia", "Noah", "Mai", "Minh",
         "Aiden", "Sofía", "Jamal", "Aaliyah", "Wei", "Priya", "Ethan", "Chloe", "Mateo", "Zoë"]
LAST = ["García", "Nguyễn", "Smith", "Johnson", "Hernández", "Lee", "Patel", "Brown",
        "Martínez", "Kim", "Williams", "López", "Tran", "Davis", "O'Brien", "Rodríguez"]
ELEM_NAMES = ["Oak Grove", "Riverside", "Sunset", "Mission", "Valley View", "Lincoln",
              "Jefferson", "Hillcrest", "Meadowbrook", "Cesar Chavez", "Sierra Vista", "Bayside",
              "Madrone", "Redwood", "Willow Creek", "Pioneer", "Harbor", "Del Mar", "Parkside",
              "Rosa Parks", "Cedar", "Fairview", "Lakeview", "Monte Vista", "Glenwood",
              "Highland", "Buena Vista", "Maple", "Pine Ridge", "Sequoia", "Alder", "Birch",
              "Canyon", "Eastside", "Westwood", "Northgate", "Southside", "Brookside"]
MIDDLE_NAMES = ["Dolores Huerta", "Thurgood Marshall", "Sally Ride", "Ernesto Galarza",
                "Fred Korematsu", "Ruth Asawa", "John Muir", "Ellen Ochoa", "Jackie Robinson",
                "Maya Angelou", "Carl Sagan", "Grace Hopper"]
HIGH_NAMES = ["Riverside", "Valley", "Mission", "Central", "Kennedy", "Roosevelt", "Lincoln",
              "Washington", "Jefferson", "Madison", "Monroe", "Adams"]
TEACHER_GOALS = ("Students explain their reasoning in math discourse",
                 "Check for understanding at the midpoint of each lesson",
                 "Use the curriculum's text-dependent questions every day",
                 "Small groups use the grade-level task, with scaffolds",
                 "Every student writes about the text before discussing it")
LEADER_GOALS = ("Give every teacher feedback on Core Action 2 within 48 hours",
                "Lead PLCs on student work from the grade-level tasks",
                "Walk classrooms with coaches weekly and norm on the IPG")
OBSERVERS = [f"observer{i:02d}@riversidevalley.example.org" for i in range(1, 15)]
SUBJECTS = ("ELA", "Math")


@dataclass(frozen=True)
class School:
    code: str
    name: str
    level: str
    grades: tuple[str, ...]
    effect: float      # persistent level relative to the district
    trend: float       # change per school year of elapsed time (+ improving, - slipping)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def year_fraction(day: dt.date, school_year: str) -> float:
    """0 at August 1, 1 at June 30 of the school year: elapsed instruction time."""
    start = dt.date(int(school_year[:4]), 8, 1)
    return min(max((day - start).days / 333, 0.0), 1.0)


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """An .xlsx whose bytes depend on its content only: a workbook's zip entries and its
    properties carry the time it was written, fixed here (the same seed writes the same
    files)."""
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2026-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                            data, compress_type=zipfile.ZIP_DEFLATED)


def us_date(day: dt.date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


# Files that hold nothing dated: not part of a week's new results.
STATIC_FILES = ("roster_", "state_test_scores_", "sb_ca")


def data_rows(path: Path) -> int:
    """Rows of data in an export (a Qualtrics CSV has two more header rows)."""
    if path.suffix == ".xlsx":
        return len(pd.read_excel(path))
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - (3 if "qualtrics" in path.name else 1)


def parse_us_dates(texts: pd.Series) -> pd.Series:
    """m/d/YYYY texts as dates."""
    return pd.to_datetime(texts, format="%m/%d/%Y").dt.date
