"""The demo's adults: each school's staff (a teacher per grade, visited walk after walk), the
learning walks' observations by Core Action, and the coaching logs of teachers and leaders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.demo.world import (
    FIRST,
    LAST,
    LEADER_GOALS,
    OBSERVERS,
    SUBJECTS,
    TEACHER_GOALS,
    School,
    parse_us_dates,
    sigmoid,
    us_date,
    write_xlsx,
    year_fraction,
)
from monitor.registry import MeasureId
from monitor.school_years import school_year_of


class AdultFiles:
    """Mixed into monitor.demo.district.DemoDistrict, whose state (rng, schools, roster,
    years) the methods read."""

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
                    frac = year_fraction(day, year)
                    shift = -0.12 if year == self.previous else 0.0
                    # Practice leads outcomes: same trend, a quarter of a year earlier.
                    quality = school.effect + school.trend * (frac + 0.25) + shift + 0.5 * frac
                    for k in range(n_obs):
                        p = sigmoid(quality + self.rng.normal(0, 0.5) - 0.1)
                        yes = lambda q=p: "Yes" if self.rng.random() < q else "No"  # noqa: E731
                        rating = int(np.clip(np.round(1 + 3 * p + self.rng.normal(0, 0.6)), 1, 4))
                        rating3 = int(np.clip(rating + self.rng.integers(-1, 1), 1, 4))
                        self.rng.choice(school.grades)       # drawn as before the staff
                        teacher, grade = staff[school.code][visited[k]]
                        stamp = dt.datetime.combine(day, dt.time(8 + k % 7, 5 * k % 60))
                        rows.append({
                            "Timestamp": stamp.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT-7",
                            "Email Address": str(self.rng.choice(OBSERVERS)),
                            "School": school.name, "Observation Date": us_date(day),
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
        frame = frame[self._exported(parse_us_dates(frame["Observation Date"]))].copy()
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
                    frac = year_fraction(start, year)
                    practice = school.effect + school.trend * (frac + 0.25) + 0.5 * frac
                    staff = self._staff(school, year)
                    coached = rng.permutation(len(staff))[:max(3, int(0.75 * len(staff)))]
                    for k in coached:
                        name, _grade = staff[k]
                        goal = str(rng.choice(TEACHER_GOALS))
                        sessions = sorted(int(d) for d in rng.integers(0, span + 1, 3))
                        met = sigmoid(0.3 + 1.6 * practice + rng.normal(0, 0.6))
                        outcome = ("Yes" if rng.random() < met else
                                   "Partly" if rng.random() < 0.5 else "No")
                        for i, day in enumerate(sessions):
                            when = start + dt.timedelta(days=day)
                            stamp = dt.datetime.combine(when, dt.time(15, 5 * i + k % 10))
                            if not self._exported([when])[0]:
                                continue
                            teachers.append({
                                "Timestamp": stamp.strftime("%Y/%m/%d %-I:%M:%S %p") + " GMT-7",
                                "Email Address": coach, "Coaching Date": us_date(when),
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
                        met = sigmoid(0.5 + 1.4 * practice + rng.normal(0, 0.5))
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
            write_xlsx(pd.DataFrame(leaders), path)
            paths.append(path)
        return paths
