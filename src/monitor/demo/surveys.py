"""The demo's surveys: students' (student voice items on a five-point scale), teachers' and
leaders', each administration's answers following the school's practice a window ahead of its
results."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.demo.world import GRADES, year_fraction
from monitor.items import ITEMS, SCALE_5
from monitor.registry import MeasureId


class SurveyFiles:
    """Mixed into monitor.demo.district.DemoDistrict, whose state (rng, schools, roster,
    years) the methods read."""

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
            fraction = np.array([year_fraction(d, year) for d in dates])
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
                frac = year_fraction(start, year)
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
