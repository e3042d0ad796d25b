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

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.demo.adults import AdultFiles
from monitor.demo.assessments import AssessmentFiles
from monitor.demo.surveys import SurveyFiles
from monitor.demo.world import (
    ELEM_NAMES,
    FIRST,
    GRADES,
    HIGH_NAMES,
    LAST,
    MIDDLE_NAMES,
    RACES,
    STATIC_FILES,
    School,
    data_rows,
    parse_us_dates,
)
from monitor.school_years import previous_school_year, school_year_of


class DemoDistrict(AssessmentFiles, AdultFiles, SurveyFiles):
    """The district: its schools and students, the shared mechanics of drawing results, and
    every file it writes (the writers by source in monitor.demo.assessments, .adults and
    .surveys)."""

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
                if path.name.startswith(STATIC_FILES) or data_rows(path) == 0:
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

    def _write_by_year(self, out: Path, stem: str, rows: list[pd.DataFrame],
                       date_column: str) -> list[Path]:
        if not rows:
            return []
        frame = pd.concat(rows, ignore_index=True)
        frame = frame[self._exported(parse_us_dates(frame[date_column]))]
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
