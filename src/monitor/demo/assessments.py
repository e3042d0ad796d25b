"""The demo's assessment exports: ESGI, i-Ready (diagnostics and the state's scale), district
benchmarks, performance tasks, the state test's score files and CAASPP's research files, each
result drawn from the student's ability and their school's trend."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from monitor.demo.world import GRADES, SUBJECTS, School, parse_us_dates, sigmoid, us_date, year_fraction
from monitor.registry import MeasureId


def performance_level(percent: np.ndarray) -> np.ndarray:
    """The benchmark's and the performance task's level from the percent correct, as their
    exports write it (Standard Not Met to Standard Exceeded)."""
    return pd.cut(percent, [-1, 54, 69, 84, 100], labels=[
        "Standard Not Met", "Standard Nearly Met", "Standard Met", "Standard Exceeded"]
    ).astype(str)


class AssessmentFiles:
    """Mixed into monitor.demo.district.DemoDistrict, whose state (rng, schools, roster,
    years) the methods read."""

    def _write_esgi(self, out: Path) -> list[Path]:
        rows = []
        tests = {"ELA": ("Uppercase Letters", 26), "Math": ("Numbers 0-20", 21)}
        for year, _window, students, dates in self._events(MeasureId.ESGI, ("TK", "K")):
            fraction = np.array([year_fraction(d, year) for d in dates])
            for subject, (test, total) in tests.items():
                latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                          + 3.4 * fraction - 0.6 + self.rng.normal(0, 0.6, len(students)))
                score = np.clip(np.round(total * sigmoid(1.2 * latent + 0.6)), 0, total)
                rows.append(pd.DataFrame({
                    "Student ID": students["student_id"],
                    "Student Name": students["first"] + " " + students["last"],
                    "Test Name": test, "Subject": subject, "Test Date": dates.map(us_date),
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
                fraction = np.array([year_fraction(d, year) for d in dates])
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
            frame = frame[self._exported(parse_us_dates(frame["Completion Date"]))]
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
            fraction = np.array([year_fraction(d, year) for d in dates])
            for subject, shift in (("ELA", 0.1), ("Math", -0.15)):
                latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                          + 1.1 * fraction + shift + 0.25 + self.rng.normal(0, 0.45, len(students)))
                percent = np.clip(np.round(100 * sigmoid(0.85 * latent + 0.75)), 0, 100)
                rows.append(pd.DataFrame({
                    "Student ID": students["student_id"],
                    "Assessment": f"District {subject} Benchmark {window.id}",
                    "Subject": subject, "Grade": students["grade"], "Test Date": dates.map(us_date),
                    "Percent Correct": percent.astype(int),
                    "Performance Level": performance_level(percent),
                }))
        return self._write_by_year(out, "district_benchmarks", rows, "Test Date")

    def _write_performance_tasks(self, out: Path) -> list[Path]:
        rows = []
        grades = tuple(GRADES[:10])
        for year, window, students, dates in self._events(MeasureId.PERFORMANCE_TASK, grades):
            if window.id in ("08", "06", "12"):
                continue                            # no task in August, December or June
            subject = "ELA" if int(window.id) % 2 else "Math"
            fraction = np.array([year_fraction(d, year) for d in dates])
            latent = (students["ability"].to_numpy() + self._school_effects(students, fraction)
                      + 0.9 * fraction + self.rng.normal(0, 0.6, len(students)))
            percent = np.clip(np.round(100 * sigmoid(0.9 * latent + 1.15)), 0, 100)
            rows.append(pd.DataFrame({
                "Student ID": students["student_id"],
                "Assessment": f"{subject} Performance Task {window.label}",
                "Subject": subject, "Grade": students["grade"], "Test Date": dates.map(us_date),
                "Percent Correct": percent.astype(int),
                "Performance Level": performance_level(percent),
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
