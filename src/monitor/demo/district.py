"""A synthetic demo district, written as the real exports a district would load.

Deterministic for a seed: the same seed, size and as-of date give byte-identical files. Two
school years (the last complete one and the current one up to the as-of date), about 50 schools
for 30,000 students, in the export formats of SPEC section 3.

The data tell stories a district would recognise:
- every school has a trend: about a third improve through the year, a fifth slip;
- walkthrough and survey indicators follow the same trend a window (a quarter) earlier than
  test results, so practice visibly moves before outcomes;
- groups carry persistent gaps (students with disabilities, English learners, socioeconomically
  disadvantaged students);
- a small alternative high school and small groups (foster youth, Pacific Islander students)
  fall under the minimum n and must be suppressed;
- one school (the last elementary school) has no results for the current year's first district
  benchmark window.
No real person is in it: names are drawn from short lists of common names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.config import Settings, previous_school_year, school_year_of
from monitor.items import ITEMS, SCALE_5
from monitor.registry import MeasureId

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


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _year_fraction(day: dt.date, school_year: str) -> float:
    """0 at August 1, 1 at June 30 of the school year: elapsed instruction time."""
    start = dt.date(int(school_year[:4]), 8, 1)
    return min(max((day - start).days / 333, 0.0), 1.0)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
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


def _us(day: dt.date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


# Files that hold nothing dated: not part of a week's new results.
STATIC_FILES = ("roster_", "state_test_scores_", "sb_ca")


def _data_rows(path: Path) -> int:
    """Rows of data in an export (a Qualtrics CSV has two more header rows)."""
    if path.suffix == ".xlsx":
        return len(pd.read_excel(path))
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        lines = sum(1 for line in handle if line.strip())
    return lines - (3 if "qualtrics" in path.name else 1)


def _dates(texts: pd.Series) -> pd.Series:
    """m/d/YYYY texts as dates."""
    return pd.to_datetime(texts, format="%m/%d/%Y").dt.date


class DemoDistrict:
    def __init__(self, settings: Settings, students: int = 30_000, seed: int = 2026,
                 as_of: dt.date | None = None, schools: int | None = None,
                 since: dt.date | None = None):
        self.settings = settings
        self.n_students = students
        self.n_schools = max(8, schools or round(students / 600))
        self.rng = np.random.default_rng(seed)
        # Answers to the student voice items come from a stream of their own, so that adding
        # them left every other number of the demo as it was.
        self.voice_rng = np.random.default_rng([seed, 20])
        # Likewise which teacher each observation saw (a school's staff, each teaching one
        # grade, visited again walk after walk).
        self.staff_rng = np.random.default_rng([seed, 21])
        self.coaching_rng = np.random.default_rng([seed, 22])
        self._staffs: dict[tuple[str, str], list[tuple[str, str]]] = {}
        # The district's whole current year is drawn (to June 30, `horizon`), then each file
        # keeps what had happened by `as_of`: the same seed a week later is the same district,
        # every row of the earlier export in the later one.
        # With `since`, only what happened after it (a week's new results, as a vendor's
        # scheduled export sends them): files named for the day, no roster.
        self.as_of = as_of or dt.date.today()
        self.since = since
        self.current = school_year_of(self.as_of)
        self.horizon = dt.date(int(self.current[:4]) + 1, 6, 30)
        self.previous = previous_school_year(self.current)
        self.years = (self.previous, self.current)
        self.schools = self._make_schools()
        self._pools: dict[str, list[School]] = {}
        self.roster = self._make_roster()

    # -- district ---------------------------------------------------------------------------
    def _make_schools(self) -> list[School]:
        n = self.n_schools
        n_high = max(1, round(n * 0.16))
        n_mid = max(1, round(n * 0.20))
        n_elem = n - n_high - n_mid - 1        # the last slot is a small alternative school
        rng = self.rng
        schools = []
        trends = rng.choice([0.55, 0.05, -0.45], size=n, p=[0.35, 0.45, 0.20])
        effects = rng.normal(0, 0.45, size=n)
        levels = ([("Elementary", GRADES[:7])] * n_elem + [("Middle", GRADES[7:10])] * n_mid
                  + [("High", GRADES[10:])] * (n_high + 1))
        for i, (level, grades) in enumerate(levels):
            if level == "Elementary":
                name = f"{ELEM_NAMES[i % len(ELEM_NAMES)]} Elementary"
                if i >= len(ELEM_NAMES):
                    name = f"{ELEM_NAMES[i % len(ELEM_NAMES)]} {i // len(ELEM_NAMES) + 1} Elementary"
            elif level == "Middle":
                j = i - n_elem
                name = f"{MIDDLE_NAMES[j % len(MIDDLE_NAMES)]} Middle"
            elif i == len(levels) - 1:
                name = "Horizon Continuation High"
            else:
                j = i - n_elem - n_mid
                name = f"{HIGH_NAMES[j % len(HIGH_NAMES)]} High"
            schools.append(School(f"0{610000 + 11 * (i + 1):06d}"[:7], name, level, grades,
                                  float(effects[i]), float(trends[i])))
        return schools

    def _make_roster(self) -> pd.DataFrame:
        rng = self.rng
        n = self.n_students
        # Last year's students, plus a new TK cohort that enters this year.
        grade_weights = np.array([0.5] + [1.0] * 13)
        grade_index = rng.choice(len(GRADES), size=n, p=grade_weights / grade_weights.sum())
        n_new = int((grade_index == 0).sum())
        total = n + n_new
        ids = rng.choice(np.arange(1, 1_000_000), size=total, replace=False)
        race_p = np.array([r[1] for r in RACES])
        race = rng.choice(len(RACES), size=total, p=race_p / race_p.sum())
        hisp_or_black = np.isin(race, [0, 3])
        sed = rng.random(total) < np.where(hisp_or_black, 0.72, 0.35)
        el = rng.random(total) < np.where(race == 0, 0.38, np.where(race == 2, 0.15, 0.03))
        swd = rng.random(total) < 0.13
        foster = rng.random(total) < 0.004
        homeless = rng.random(total) < (0.02 + 0.02 * sed)
        ability = (rng.normal(0, 1, total) + np.array([r[2] for r in RACES])[race]
                   - 0.40 * sed - 0.45 * el - 0.75 * swd - 0.35 * foster - 0.25 * homeless)
        region = rng.random(total)
        alternative = rng.random(total) < 0.012
        frame = pd.DataFrame({
            "student_id": [f"{i:06d}" for i in ids],
            "first": rng.choice(FIRST, total), "last": rng.choice(LAST, total),
            "race": [RACES[r][0] for r in race], "el": el, "swd": swd, "sed": sed,
            "foster": foster, "homeless": homeless, "ability": ability, "region": region,
            "alternative": alternative,
        })
        prev_grade = np.concatenate([grade_index, np.full(n_new, -1)])
        rows = []
        for year, offset in ((self.previous, 0), (self.current, 1)):
            grade = prev_grade + offset
            enrolled = (grade >= 0) & (grade < len(GRADES))
            if offset == 0:
                enrolled &= np.arange(total) < n
            part = frame[enrolled].copy()
            part["grade"] = [GRADES[g] for g in grade[enrolled]]
            part["school_year"] = year
            part["school"] = [self._school_for(g, r, a) for g, r, a in
                              zip(part["grade"], part["region"], part["alternative"], strict=True)]
            # EL students reclassify over time: fewer in the upper grades.
            rows.append(part)
        roster = pd.concat(rows, ignore_index=True)
        return roster

    def _school_for(self, grade: str, region: float, alternative: bool) -> School:
        level = "Elementary" if GRADES.index(grade) <= 6 else (
            "Middle" if GRADES.index(grade) <= 9 else "High")
        pool = self._pools.setdefault(level, [s for s in self.schools if s.level == level])
        if level == "High":
            if alternative and grade in ("11", "12"):
                return pool[-1]
            pool = pool[:-1]
        return pool[min(int(region * len(pool)), len(pool) - 1)]

    # -- shared mechanics -------------------------------------------------------------------
    def _school_effects(self, frame: pd.DataFrame, day_fraction: np.ndarray, lead: float = 0.0):
        by_code = {s.code: s for s in self.schools}
        effect = frame["school"].map(lambda s: s.effect).to_numpy()
        trend = frame["school"].map(lambda s: s.trend).to_numpy()
        year_shift = np.where(frame["school_year"].to_numpy() == self.previous, -0.12, 0.0)
        del by_code
        return effect + trend * (day_fraction + lead) + year_shift

    def _window_dates(self, year: str, school: School, window) -> dt.date:
        start, end = window.dates(year)
        span = max((end - start).days - 3, 0)
        salt = sum(map(ord, window.id))  # not hash(): str hashes change between processes
        offset = (int(school.code) * 7 + salt) % (span + 1) if span else 0
        return start + dt.timedelta(days=offset)

    def _students(self, year: str, grades: tuple[str, ...]) -> pd.DataFrame:
        roster = self.roster
        return roster[(roster["school_year"] == year) & roster["grade"].isin(grades)]

    def _tested(self, frame: pd.DataFrame, rate: float = 0.95) -> pd.DataFrame:
        return frame[self.rng.random(len(frame)) < rate]

    def _events(self, measure: str, grades: tuple[str, ...], skip=None):
        """(year, window, students tested, test dates) for each window of `measure`'s calendar
        that has started."""
        calendar = self.settings.calendar_for(measure)
        for year in self.years:
            for window in calendar.windows:
                students = self._tested(self._students(year, grades))
                dates = students["school"].map(
                    lambda s, w=window, y=year: self._window_dates(y, s, w))
                jitter = self.rng.integers(0, 3, len(students))
                dates = pd.Series([d + dt.timedelta(days=int(j)) for d, j in
                                   zip(dates, jitter, strict=True)], index=students.index)
                keep = dates <= self.horizon
                if skip is not None:
                    keep &= ~students["school"].map(lambda s, y=year, w=window: skip(s, y, w))
                if keep.any():
                    yield year, window, students[keep], dates[keep]

    def _exported(self, days) -> np.ndarray:
        """Which of `days` the export holds: up to `as_of`, and after `since` when given."""
        days = np.array(list(days), dtype="datetime64[D]")
        keep = days <= np.datetime64(self.as_of)
        if self.since is not None:
            keep &= days > np.datetime64(self.since)
        return keep

    # -- files ------------------------------------------------------------------------------
    def write(self, out: Path) -> list[Path]:
        """Every export file, as of `as_of`; with `since`, only the files holding results
        after it (a week's new results), named `<stem>_new_<as_of>`: the roster and last
        spring's state test, which hold nothing new, are left out."""
        if self.since is None:
            return self._write_all(out)
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for path in self._write_all(Path(folder)):
                if path.name.startswith(STATIC_FILES) or _data_rows(path) == 0:
                    continue
                target = out / f"{path.stem}_new_{self.as_of.isoformat()}{path.suffix}"
                shutil.move(path, target)
                paths.append(target)
        return paths

    def _write_all(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        writers = [self._write_roster, self._write_esgi, self._write_iready,
                   self._write_benchmarks, self._write_performance_tasks, self._write_state_test,
                   self._write_walkthroughs, self._write_student_survey,
                   self._write_teacher_survey, self._write_leader_survey, self._write_caaspp,
                   self._write_coaching]
        paths: list[Path] = []
        for writer in writers:
            paths.extend(writer(out))
        return paths

    def _write_roster(self, out: Path) -> list[Path]:
        paths = []
        for year in self.years:
            part = self.roster[self.roster["school_year"] == year]
            frame = pd.DataFrame({
                "Student ID": part["student_id"], "Last Name": part["last"],
                "First Name": part["first"],
                "School Code": part["school"].map(lambda s: s.code),
                "School Name": part["school"].map(lambda s: s.name), "Grade": part["grade"],
                "Race/Ethnicity": part["race"],
                "English Learner": np.where(part["el"], "Y", "N"),
                "Students with Disabilities": np.where(part["swd"], "Y", "N"),
                "Socioeconomically Disadvantaged": np.where(part["sed"], "Y", "N"),
                "Foster Youth": np.where(part["foster"], "Y", "N"),
                "Homeless": np.where(part["homeless"], "Y", "N"), "School Year": year,
            })
            path = out / f"roster_{year}.csv"
            frame.to_csv(path, index=False)
            paths.append(path)
        return paths

    def _write_esgi(self, out: Path) -> list[Path]:
        rows = []
        tests = {"ELA": ("Uppercase Letters", 26), "Math": ("Numbers 0-20", 21)}
        for year, _window, students, dates in self._events(MeasureId.ESGI, ("TK", "K")):
            fraction = np.array([_year_fraction(d, year) for d in dates])
            for subject, (test, total) in tests.items():
                latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                          + 3.4 * fraction - 0.6 + self.rng.normal(0, 0.6, len(students)))
                score = np.clip(np.round(total * _sigmoid(1.2 * latent + 0.6)), 0, total)
                rows.append(pd.DataFrame({
                    "Student ID": students["student_id"],
                    "Student Name": students["first"] + " " + students["last"],
                    "Test Name": test, "Subject": subject, "Test Date": dates.map(_us),
                    "Score": score.astype(int), "Total Questions": total,
                }))
        return self._write_by_year(out, "esgi", rows, "Test Date")  # column: a file name

    def _write_iready(self, out: Path) -> list[Path]:
        paths = []
        for subject in SUBJECTS:
            rows = []
            baseline: dict[tuple[str, str], float] = {}
            for year, window, students, dates in self._events(MeasureId.IREADY_GROWTH, ("1", "2", "3")):
                grade_num = students["grade"].astype(int).to_numpy()
                fraction = np.array([_year_fraction(d, year) for d in dates])
                base_level = 380 + 40 * grade_num + 22 * students["ability"].to_numpy()
                typical = np.round(np.where(grade_num == 1, 46, np.where(grade_num == 2, 40, 33)))
                growth_rate = 1.0 + 0.45 * self._school_effects(students, fraction) + \
                    0.15 * students["ability"].to_numpy()
                score = np.round(base_level + typical * growth_rate * fraction * 1.9
                                 + self.rng.normal(0, 9, len(students)))
                is_base = window.id == "1"
                keys = list(zip([year] * len(students), students["student_id"], strict=True))
                if is_base:
                    baseline.update(zip(keys, score, strict=True))
                base = np.array([baseline.get(k, np.nan) for k in keys])
                gain = np.where(is_base, 0, score - base)
                pct = np.round(100 * gain / typical)
                rushed = self.rng.random(len(students)) < 0.03
                rows.append(pd.DataFrame({
                    "Last Name": students["last"], "First Name": students["first"],
                    "Student ID": students["student_id"], "Student Grade": students["grade"],
                    "Academic Year": f"{year[:4]}-{int(year[:4]) + 1}",
                    "School": students["school"].map(lambda s: s.name),
                    "Hispanic or Latino": np.where(students["race"] == "Hispanic or Latino",
                                                   "Yes", "No"),
                    "Race": students["race"],
                    "English Language Learner": np.where(students["el"], "Yes", "No"),
                    "Special Education": np.where(students["swd"], "Yes", "No"),
                    "Economically Disadvantaged": np.where(students["sed"], "Yes", "No"),
                    "Start Date": dates.map(lambda d: d.strftime("%m/%d/%Y")),
                    "Completion Date": dates.map(lambda d: d.strftime("%m/%d/%Y")),
                    "Norming Window": window.label,
                    "Baseline Diagnostic (Y/N)": "Y" if is_base else "N",
                    "Most Recent Diagnostic YTD (Y/N)": "N",
                    "Duration (min)": self.rng.integers(25, 80, len(students)),
                    "Rush Flag": np.where(rushed, "Yellow Rush Flag", ""),
                    "Overall Scale Score": score.astype(int),
                    "Overall Placement": "", "Overall Relative Placement": np.where(
                        score >= base_level + 10, "Early On Grade Level", "1 Grade Level Below"),
                    "Percentile": np.clip(np.round(50 + 25 * students["ability"]), 1, 99).astype(int),
                    "Diagnostic Gain": np.where(is_base, "", pd.Series(gain).astype("Int64").astype(str)),
                    "Annual Typical Growth Measure": typical.astype(int),
                    "Annual Stretch Growth Measure": (typical * 1.9).round().astype(int),
                    "Percent Progress to Annual Typical Growth (%)":
                        np.where(is_base, "", pd.Series(pct).astype("Int64").astype(str)),
                    "Percent Progress to Annual Stretch Growth (%)":
                        np.where(is_base, "", pd.Series(np.round(pct / 1.9)).astype("Int64").astype(str)),
                }))
            frame = pd.concat(rows, ignore_index=True)
            frame = frame[self._exported(_dates(frame["Completion Date"]))]
            for year in self.years:
                part = frame[frame["Academic Year"].str.startswith(year[:4])]
                if len(part):
                    path = out / f"iready_diagnostic_results_{subject.lower()}_{year}.csv"
                    part.to_csv(path, index=False, encoding="utf-8-sig")
                    paths.append(path)
        return paths

    def _benchmark_skip(self, school: School, year: str, window) -> bool:
        # The story of a missing window: one school never sent its first benchmark this year.
        elementary = [s for s in self.schools if s.level == "Elementary"]
        return year == self.current and window.id == "1" and school == elementary[-1]

    def _write_benchmarks(self, out: Path) -> list[Path]:
        rows = []
        grades = tuple(GRADES[5:])
        for year, window, students, dates in self._events(MeasureId.BENCHMARK, grades,
                                                           skip=self._benchmark_skip):
            fraction = np.array([_year_fraction(d, year) for d in dates])
            for subject, shift in (("ELA", 0.1), ("Math", -0.15)):
                latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                          + 1.1 * fraction + shift + 0.25 + self.rng.normal(0, 0.45, len(students)))
                percent = np.clip(np.round(100 * _sigmoid(0.85 * latent + 0.75)), 0, 100)
                rows.append(pd.DataFrame({
                    "Student ID": students["student_id"],
                    "Assessment": f"District {subject} Benchmark {window.id}",
                    "Subject": subject, "Grade": students["grade"], "Test Date": dates.map(_us),
                    "Percent Correct": percent.astype(int),
                    "Performance Level": pd.cut(percent, [-1, 54, 69, 84, 100], labels=[
                        "Standard Not Met", "Standard Nearly Met", "Standard Met",
                        "Standard Exceeded"]).astype(str),
                }))
        return self._write_by_year(out, "district_benchmarks", rows, "Test Date")

    def _write_performance_tasks(self, out: Path) -> list[Path]:
        rows = []
        grades = tuple(GRADES[:10])
        for year, window, students, dates in self._events(MeasureId.PERFORMANCE_TASK, grades):
            if window.id in ("08", "06", "12"):
                continue                            # no task in August, December or June
            subject = "ELA" if int(window.id) % 2 else "Math"
            fraction = np.array([_year_fraction(d, year) for d in dates])
            latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                      + 0.9 * fraction + self.rng.normal(0, 0.6, len(students)))
            percent = np.clip(np.round(100 * _sigmoid(0.9 * latent + 1.15)), 0, 100)
            rows.append(pd.DataFrame({
                "Student ID": students["student_id"],
                "Assessment": f"{subject} Performance Task {window.label}",
                "Subject": subject, "Grade": students["grade"], "Test Date": dates.map(_us),
                "Percent Correct": percent.astype(int),
                "Performance Level": pd.cut(percent, [-1, 54, 69, 84, 100], labels=[
                    "Standard Not Met", "Standard Nearly Met", "Standard Met",
                    "Standard Exceeded"]).astype(str),
            }))
        return self._write_by_year(out, "performance_tasks", rows, "Test Date")

    def _write_state_test(self, out: Path) -> list[Path]:
        year = self.previous
        students = self._tested(self._students(year, ("3", "4", "5", "6", "7", "8", "11")), 0.97)
        rows = []
        for subject, shift in (("ELA", 0.1), ("Math", -0.25)):
            latent = (students["ability"].to_numpy()
                      + self._school_effects(students, np.full(len(students), 0.85)) + shift
                      + self.rng.normal(0, 0.5, len(students)))
            level = np.digitize(latent, [-0.55, 0.05, 0.85]) + 1
            rows.append(pd.DataFrame({
                "Student ID": students["student_id"],
                "School Code": students["school"].map(lambda s: s.code),
                "Grade Assessed": students["grade"].map(lambda g: f"{int(g):02d}"),
                "Test Year": year[:4][:2] + year[-2:], "Subject": subject,
                "Scale Score": np.round(2400 + 60 * latent).astype(int),
                "Achievement Level": level,
            }))
        frame = pd.concat(rows)
        self._state_scores = frame.assign(
            proficient=frame["Achievement Level"] >= 3,
            **{f"_{c}": np.tile(students[c].to_numpy(), 2)
               for c in ("race", "el", "swd", "sed", "foster", "homeless")})
        path = out / f"state_test_scores_{year}.csv"
        frame.to_csv(path, index=False)
        return [path]

    def _write_caaspp(self, out: Path) -> list[Path]:
        """A CAASPP research file and entity lookup for the demo district (fictional codes).

        District and school rows are computed from the demo's own state test scores, with the
        state's rule of `*` for groups of 10 or fewer; the state and county rows are invented
        around them so the comparison has something to say.
        """
        scores = self._state_scores
        test_year = self.previous[:2] + self.previous[-2:]
        county = self.settings.district.cds_county or "99"
        district = self.settings.district.cds_district or "99001"
        fields = {"race_ethnicity": "_race", "english_learner": "_el", "disability": "_swd",
                  "socioeconomic": "_sed", "foster": "_foster", "homeless": "_homeless"}
        groups = [(1, pd.Series(True, index=scores.index))] + [
            (g.caaspp_id, scores[fields[g.field]] == (g.value if g.field == "race_ethnicity"
                                                      else True))
            for g in self.settings.groups if g.caaspp_id is not None]
        codes = {school.code for school in self.schools}
        rows = []
        for subject, test_id in (("ELA", 1), ("Math", 2)):
            for group_id, in_group in groups:
                for grade in ("03", "04", "05", "06", "07", "08", "11", "13"):
                    grade_mask = (scores["Grade Assessed"] == grade) if grade != "13" else True
                    part = scores[(scores["Subject"] == subject) & in_group & grade_mask]
                    by_school = part[part["School Code"].isin(codes)].groupby("School Code")[
                        "proficient"].agg(["size", "mean"])
                    entities = [("0000000", len(part), part["proficient"].mean())] + list(
                        by_school.itertuples(name=None))
                    for code, n, share in entities:
                        if n == 0:
                            continue
                        pct = f"{100 * share:.2f}" if n > 10 else "*"
                        rows.append((county, district, code, group_id, grade, test_id, n, pct))
                        if code == "0000000" and pct != "*":
                            for c, d, shift, scale in (("00", "00000", -4.0, 400),
                                                       (county, "00000", 1.5, 6)):
                                rows.append((c, d, "0000000", group_id, grade, test_id,
                                             n * scale, f"{min(max(float(pct) + shift, 0), 100):.2f}"))
        header = ("County Code^District Code^School Code^Filler^Test Year^Student Group ID^"
                  "Test Type^Total Tested at Reporting Level^Total Tested with Scores at "
                  "Reporting Level^Grade^Test ID^Students Enrolled^Students Tested^"
                  "Mean Scale Score^Percentage Standard Exceeded^Percentage Standard Met^"
                  "Percentage Standard Met and Above^Percentage Standard Nearly Met^"
                  "Percentage Standard Not Met^Students with Scores")
        research = out / f"sb_ca{test_year}_all_{county}_csv_demo.txt"
        with open(research, "w", encoding="cp1252", newline="\r\n") as handle:
            handle.write(header + "\n")
            for c, d, code, group_id, grade, test_id, n, pct in sorted(set(rows)):
                handle.write(f"{c}^{d}^{code}^^{test_year}^{group_id}^B^{n}^{n}^{grade}^{test_id}"
                             f"^{n}^{n}^^^^{pct}^^^{n}\n")
        lookup = out / f"sb_ca{test_year}entities_demo.txt"
        name = self.settings.district.name
        with open(lookup, "w", encoding="cp1252", newline="\r\n") as handle:
            handle.write("County Code^District Code^School Code^Type ID^Filler^Test Year^"
                         "County Name^District Name^School Name^Zip Code\n")
            handle.write(f"00^00000^0000000^4^^{test_year}^State Of California^^^\n")
            handle.write(f"{county}^00000^0000000^5^^{test_year}^Demo County^^^\n")
            handle.write(f"{county}^{district}^0000000^6^^{test_year}^Demo County^{name}^^\n")
            for school in self.schools:
                handle.write(f"{county}^{district}^{school.code}^7^^{test_year}^Demo County^"
                             f"{name}^{school.name}^99999\n")
        return [research, lookup]

    def _staff(self, school: School, year: str) -> list[tuple[str, str]]:
        """A school's teachers for a year (name, grade): enough for every observation of a walk
        to see a different teacher (the walks visit most classrooms each time). The same staff
        for the walks and the coaching log."""
        if (school.code, year) not in self._staffs:
            size = 7 if school.name.startswith("Horizon") else 14
            names: list[str] = []
            while len(names) < size:
                name = f"{self.staff_rng.choice(FIRST)} {self.staff_rng.choice(LAST)}"
                if name not in names:
                    names.append(name)
            self._staffs[school.code, year] = [
                (name, str(self.staff_rng.choice(school.grades))) for name in names]
        return self._staffs[school.code, year]

    def _teacher(self, teacher: str) -> str:
        """The staff member observed. A random name is drawn and dropped first, where the walks
        drew one before they had staff, so that every other number of the demo stays as it was."""
        self.rng.choice(FIRST), self.rng.choice(LAST)
        return teacher

    def _write_walkthroughs(self, out: Path) -> list[Path]:
        calendar = self.settings.calendar_for(MeasureId.WALKTHROUGH)
        rows = []
        for year in self.years:
            staff = {school.code: self._staff(school, year) for school in self.schools}
            for window in calendar.windows:
                for school in self.schools:
                    day = self._window_dates(year, school, window)
                    if day > self.horizon:
                        continue
                    n_obs = 6 if school.name.startswith("Horizon") else int(self.rng.integers(9, 15))
                    visited = self.staff_rng.permutation(len(staff[school.code]))[:n_obs]
                    frac = _year_fraction(day, year)
                    shift = -0.12 if year == self.previous else 0.0
                    # Practice leads outcomes: same trend, a quarter of a year earlier.
                    quality = school.effect + school.trend * (frac + 0.25) + shift + 0.5 * frac
                    for k in range(n_obs):
                        p = _sigmoid(quality + self.rng.normal(0, 0.5) - 0.1)
                        yes = lambda q=p: "Yes" if self.rng.random() < q else "No"  # noqa: E731
                        rating = int(np.clip(np.round(1 + 3 * p + self.rng.normal(0, 0.6)), 1, 4))
                        rating3 = int(np.clip(rating + self.rng.integers(-1, 1), 1, 4))
                        self.rng.choice(school.grades)       # drawn as before the staff
                        teacher, grade = staff[school.code][visited[k]]
                        stamp = dt.datetime.combine(day, dt.time(8 + k % 7, 5 * k % 60))
                        rows.append({
                            "Timestamp": stamp.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT-7",
                            "Email Address": str(self.rng.choice(OBSERVERS)),
                            "School": school.name, "Observation Date": _us(day),
                            "Grade": grade, "Subject": str(self.rng.choice(SUBJECTS)),
                            "Teacher": self._teacher(teacher),
                            "Core Action 1A: The lesson focuses on grade-level standards": yes(),
                            "Core Action 1B: The lesson uses grade-level texts or problems": yes(),
                            "Core Action 1C: The lesson builds on students' language and culture": yes(),
                            "Core Action 2: Employ instructional practices that allow all students to learn":
                                ["Not Yet", "Somewhat", "Mostly", "Yes"][rating - 1],
                            "Core Action 3: Provide opportunities for all students to demonstrate mastery":
                                ["Not Yet", "Somewhat", "Mostly", "Yes"][rating3 - 1],
                            "HQIM in use": yes(p + 0.15), "Grade-appropriate assignment": yes(),
                            "Strong instruction": yes(), "Deep engagement": yes(p - 0.1),
                            "High expectations": yes(),
                        })
        frame = pd.DataFrame(rows)
        frame = frame[self._exported(_dates(frame["Observation Date"]))].copy()
        if frame.empty:
            return []
        frame["_year"] = frame["Observation Date"].map(
            lambda d: school_year_of(dt.datetime.strptime(d, "%m/%d/%Y").date()))
        paths = []
        for year, part in frame.groupby("_year"):
            path = out / f"walkthroughs_{year}.csv"
            part.drop(columns="_year").to_csv(path, index=False)
            paths.append(path)
        return paths

    def _survey_answers(self, quality: np.ndarray) -> np.ndarray:
        latent = quality + self.rng.normal(0, 1.0, len(quality))
        return np.digitize(latent, [-1.6, -0.8, -0.1, 1.1])   # 0..4 on the 5-point scale

    def _administrations(self):
        calendar = self.settings.calendar_for(MeasureId.SURVEY)
        for year in self.years:
            for window, (month, day) in zip(calendar.windows, ((10, 14), (4, 15)), strict=False):
                start = dt.date(int(year[:4]) + (month < 7), month, day)
                if start <= self.horizon:
                    yield year, window, start

    def _write_student_survey(self, out: Path) -> list[Path]:
        items = [i for i in ITEMS if i.survey == "student"]
        paths = []
        for year, window, start in self._administrations():
            students = self._students(year, tuple(GRADES[5:]))
            students = students[self.rng.random(len(students)) < 0.45]
            days = self.rng.integers(0, 21, len(students))
            dates = [start + dt.timedelta(days=int(d)) for d in days]
            fraction = np.array([_year_fraction(d, year) for d in dates])
            quality = (0.6 + 0.5 * self._school_effects(students, fraction, lead=0.25)
                       + 0.2 * students["ability"].to_numpy())
            header = ["StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate",
                      "ResponseId", "DistributionChannel", "UserLanguage", "Student ID", "School"]
            question = ["Start Date", "End Date", "Response Type", "Progress", "Finished",
                        "Recorded Date", "Response ID", "Distribution Channel", "User Language",
                        "Student ID", "School"]
            columns = {}
            for q, construct in enumerate(("belonging", "consistency", "coherence"), start=1):
                for k, item in enumerate([i for i in items if i.construct == construct], 1):
                    qid = f"Q{q}_{k}"
                    header.append(qid)
                    question.append(f"How much do you agree with each statement? - {item.statement}")
                    answers = self._survey_answers(quality - (0.3 if construct == "coherence" else 0))
                    labels = np.array([s.capitalize() for s in SCALE_5], dtype=object)[answers]
                    labels[self.rng.random(len(students)) < 0.03] = "I don't know"
                    labels[self.rng.random(len(students)) < 0.02] = ""
                    columns[qid] = labels
            # Student voice (Q4): engagement follows classroom practice, which the learning
            # walks see rise a quarter ahead (the same lead as the other items); ownership is
            # the hardest to move, a trusted adult the easiest.
            voice = [i for i in items if i.construct == "student_voice"]
            for k, item in enumerate(voice, 1):
                qid = f"Q4_{k}"
                header.append(qid)
                question.append(f"How much do you agree with each statement? - {item.statement}")
                shift = {"voice_ownership": -0.45, "voice_engagement": -0.2,
                         "voice_trusted_adult": 0.25}.get(item.id, 0.0)
                latent = quality + shift + self.voice_rng.normal(0, 1.0, len(quality))
                answers = np.digitize(latent, [-1.6, -0.8, -0.1, 1.1])
                labels = np.array([s.capitalize() for s in SCALE_5], dtype=object)[answers]
                labels[self.voice_rng.random(len(students)) < 0.03] = "I don't know"
                labels[self.voice_rng.random(len(students)) < 0.02] = ""
                columns[qid] = labels
            import_ids = [json.dumps({"ImportId": h if h.startswith("Q") else h.lower()})
                          for h in header]
            answered = [i for i, day in enumerate(dates) if self._exported([day])[0]]
            if not answered:
                continue
            path = out / f"student_survey_{window.id}_{year}_qualtrics.csv"
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerow(question)
                writer.writerow(import_ids)
                for i, (_, student) in enumerate(students.iterrows()):
                    if not self._exported([dates[i]])[0]:
                        continue
                    stamp = f"{dates[i].isoformat()} 10:{i % 60:02d}:00"
                    writer.writerow([stamp, stamp, "IP Address", "100", "True", stamp,
                                     f"R_{year[:4]}{window.id[0]}{i:07d}", "anonymous", "EN",
                                     student["student_id"], student["school"].name]
                                    + [columns[h][i] for h in header[11:]])
            paths.append(path)
        return paths

    def _write_teacher_survey(self, out: Path) -> list[Path]:
        items = [i for i in ITEMS if i.survey == "teacher"]
        paths = []
        for year, window, start in self._administrations():
            rows = []
            for school in self.schools:
                n = 4 if school.name.startswith("Horizon") else int(self.rng.integers(15, 40))
                frac = _year_fraction(start, year)
                q = 0.5 + 0.5 * (school.effect + school.trend * (frac + 0.25))
                for t in range(n):
                    day = start + dt.timedelta(days=int(self.rng.integers(0, 14)))
                    row = {"Timestamp": f"{day.year}/{day.month:02d}/{day.day:02d} "
                                        f"{3 + t % 8}:{t % 60:02d}:00 PM GMT-7",
                           "School": school.name}
                    for item in items:
                        row[item.statement] = SCALE_5[self._survey_answers(np.array([q]))[0]].capitalize()
                    if self._exported([day])[0]:
                        rows.append(row)
            if not rows:
                continue
            path = out / f"teacher_survey_{window.id}_{year}_google_forms.csv"
            pd.DataFrame(rows).to_csv(path, index=False)
            paths.append(path)
        return paths

    def _write_leader_survey(self, out: Path) -> list[Path]:
        items = [i for i in ITEMS if i.survey == "leader"]
        rows = []
        for _year, _window, start in self._administrations():
            for school in self.schools:
                for leader in range(3):
                    respondent = f"L-{school.code}-{leader + 1}"
                    for item in items:
                        answer = SCALE_5[self._survey_answers(np.array([0.9 + school.effect]))[0]]
                        if self._exported([start])[0]:
                            rows.append({"Respondent ID": respondent, "School": school.code,
                                         "Date": start.isoformat(), "Item": item.statement,
                                         "Response": answer.capitalize()})
        if not rows:
            return []
        path = out / "leader_survey_long.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        return [path]

    def _leaders(self, school: School) -> tuple[str, str]:
        """A school's principal and assistant principal (the same every year)."""
        seed = np.random.default_rng([int(school.code), 23])
        return tuple(f"{seed.choice(FIRST)} {seed.choice(LAST)}-{role}"
                     for role in ("Ortiz", "Reyes"))

    def _write_coaching(self, out: Path) -> list[Path]:
        """The coaching log: teachers' coaching from a Google Form (CSV), leaders' from a
        Microsoft Form (.xlsx) with the rubric. Coached teachers are the staff the walks visit;
        goals are met more often where practice is rising, and leaders' rubric levels follow
        their school's trend."""
        rng = self.coaching_rng
        config = self.settings.coaching
        calendar = self.settings.calendar_for(MeasureId.COACHING_GOALS)
        teachers, leaders = [], []
        drawn = 0
        for year in self.years:
            for window in calendar.windows:
                start, end = window.dates(year)
                if start > self.horizon:
                    continue
                span = max((end - start).days, 1)
                for school in self.schools:
                    coach = f"coach.{school.code}@riversidevalley.example.org"
                    frac = _year_fraction(start, year)
                    practice = school.effect + school.trend * (frac + 0.25) + 0.5 * frac
                    staff = self._staff(school, year)
                    coached = rng.permutation(len(staff))[:max(3, int(0.75 * len(staff)))]
                    for k in coached:
                        name, _grade = staff[k]
                        goal = str(rng.choice(TEACHER_GOALS))
                        sessions = sorted(int(d) for d in rng.integers(0, span + 1, 3))
                        met = _sigmoid(0.3 + 1.6 * practice + rng.normal(0, 0.6))
                        outcome = ("Yes" if rng.random() < met else
                                   "Partly" if rng.random() < 0.5 else "No")
                        for i, day in enumerate(sessions):
                            when = start + dt.timedelta(days=day)
                            stamp = dt.datetime.combine(when, dt.time(15, 5 * i + k % 10))
                            if not self._exported([when])[0]:
                                continue
                            teachers.append({
                                "Timestamp": stamp.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT-7",
                                "Email Address": coach, "Coaching Date": _us(when),
                                "School": school.name, "Coachee": name, "Role": "Teacher",
                                "Coaching goal": goal,
                                "Goal met?": outcome if i == len(sessions) - 1
                                else "In progress"})
                    for title, person in zip(("Principal", "Assistant Principal"),
                                             self._leaders(school), strict=True):
                        when = start + dt.timedelta(days=int(rng.integers(0, span + 1)))
                        level = 2.2 + 1.4 * practice + rng.normal(0, 0.5, len(
                            config.rubric_domains))
                        ratings = np.clip(np.round(level), 1, len(config.rubric_levels))
                        met = _sigmoid(0.5 + 1.4 * practice + rng.normal(0, 0.5))
                        stamp = dt.datetime.combine(when, dt.time(16, 0))
                        leader_goal = str(rng.choice(LEADER_GOALS))
                        goal_met = "Yes" if rng.random() < met else "Partly"
                        drawn += 1               # the form's own response number
                        if not self._exported([when])[0]:
                            continue
                        leaders.append({
                            "ID": drawn,
                            "Start time": stamp.strftime("%-m/%-d/%y %H:%M:%S"),
                            "Completion time": stamp.strftime("%-m/%-d/%y %H:%M:%S"),
                            "Email": f"leadcoach{school.code[-2:]}@riversidevalley.example.org",
                            "Name": "District leadership coach", "School": school.name,
                            "Person coached": person, "Role": title,
                            "Coaching goal": leader_goal, "Was the goal met?": goal_met,
                            **{f"{domain} (rubric level)": config.rubric_levels[int(r) - 1]
                               for domain, r in zip(config.rubric_domains, ratings,
                                                    strict=True)}})
        paths = []
        if teachers:
            path = out / "coaching_log_teachers_google_forms.csv"
            pd.DataFrame(teachers).to_csv(path, index=False)
            paths.append(path)
        if leaders:
            path = out / "coaching_log_leaders_microsoft_forms.xlsx"
            _write_xlsx(pd.DataFrame(leaders), path)
            paths.append(path)
        return paths

    def _write_by_year(self, out: Path, stem: str, rows: list[pd.DataFrame],
                       date_column: str) -> list[Path]:
        if not rows:
            return []
        frame = pd.concat(rows, ignore_index=True)
        frame = frame[self._exported(_dates(frame[date_column]))]
        years = frame[date_column].map(
            lambda d: school_year_of(dt.datetime.strptime(d, "%m/%d/%Y").date()))
        paths = []
        for year in self.years:
            part = frame[years == year]
            if len(part):
                path = out / f"{stem}_{year}.csv"
                part.to_csv(path, index=False)
                paths.append(path)
        return paths


def write_demo(out: Path, settings: Settings, students: int = 30_000, seed: int = 2026,
               as_of: dt.date | None = None, schools: int | None = None,
               since: dt.date | None = None) -> list[Path]:
    """Generate the demo district's export files into `out`; return their paths. Schools
    default to one per 600 students (at least 8). With `since`, only what happened after it
    (the week's new files)."""
    return DemoDistrict(settings, students, seed, as_of, schools, since).write(Path(out))
