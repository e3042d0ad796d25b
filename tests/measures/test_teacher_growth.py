"""Teacher practice growth from the learning walks, on a hand-made walkthrough export with the
answers worked out by hand: only teachers observed at least twice count; a teacher is a name
at a school, however the form spells it; first walk to latest and walk to walk; counted in the
protected measures table, so small teacher counts are hidden like any other cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.config import Privacy, load_settings
from monitor.db import Database
from monitor.ingest.load import load_files
from monitor.measures import selection
from monitor.views import reads, trajectories

from .test_measures import write_csv

YEAR = "2026-27"
HEADER = ["Timestamp", "Email Address", "School", "Observation Date", "Grade", "Subject",
          "Teacher", "Core Action 2", "Core Action 3", "HQIM in use"]
A, B = "Alpha Elementary", "Beta Elementary"
# (school, date, grade, subject, teacher, CA2, CA3). Walks: Q1 Aug 15-Sep 30, Q2 Nov 1-Dec 15,
# Q3 Feb 1-Mar 15.
OBSERVATIONS = [
    (A, "9/2/2026", "3", "ELA", "Teacher One", "Somewhat", "2"),      # T1 Q1: 2, 2
    (A, "9/3/2026", "3", "Math", "Teacher Two", "Mostly", "Not Yet"),  # T2 Q1: 3, 1
    (A, "9/1/2026", "3", "ELA", "Teacher Four", "1", ""),             # T4 Q1: 1, -
    (A, "9/20/2026", "3", "ELA", "Teacher Four", "2", ""),            # T4 Q1 again: 2, -
    (A, "11/5/2026", "3", "ELA", "teacher one ", "3", "Somewhat"),     # T1 Q2: 3, 2
    (A, "11/6/2026", "3", "ELA", "Teacher Three", "4", "4"),          # T3 once only
    (A, "11/7/2026", "3", "ELA", "", "4", "4"),                       # no teacher: not counted
    (A, "2/3/2027", "4", "Math", "TEACHER ONE", "Yes", "Not Yet"),     # T1 Q3: 4, 1 (grade 4)
    (A, "2/4/2027", "3", "ELA", "Teacher Two", "Somewhat", "Mostly"),  # T2 Q3: 2, 3
    (B, "9/4/2026", "2", "ELA", "Teacher One", "2", ""),              # another T1, at Beta
    (B, "11/9/2026", "2", "ELA", "Teacher One", "2", ""),             # Beta T1 Q2: 2 -> 2
]
# Worked by hand, school A, all grades: (teachers, ratings compared, ratings up); every detail
# pooled ("*") counts teachers: whether a teacher's mean rating of the core actions rated twice
# rose from their first to their latest.
EXPECTED_A = {
    ("Q1", "ca2"): (1, 1, 1),          # T4: 1 -> 2
    ("Q1", "*"): (1, 1, 1),
    ("Q2", "ca2"): (2, 2, 2),          # T1 2 -> 3, T4 1 -> 2
    ("Q2", "ca3"): (1, 1, 0),          # T1 2 -> 2
    ("Q2", "ca2_walk"): (1, 1, 1),     # T1 Q1 2 -> Q2 3 (T4 not on Q2)
    ("Q2", "ca3_walk"): (1, 1, 0),
    ("Q2", "*"): (2, 2, 2),            # T1 mean 2 -> 2.5, T4 1 -> 2
    ("Q3", "ca2"): (3, 3, 2),          # T1 2 -> 4, T2 3 -> 2, T4 1 -> 2
    ("Q3", "ca3"): (2, 2, 1),          # T1 2 -> 1, T2 1 -> 3
    ("Q3", "ca2_walk"): (1, 1, 1),     # T1 Q2 3 -> Q3 4 (T2 not on Q2)
    ("Q3", "ca3_walk"): (1, 1, 0),     # T1 Q2 2 -> Q3 1
    ("Q3", "*"): (3, 3, 3),            # T1 2 -> 2.5, T2 2 -> 2.5, T4 1 -> 2
}


@pytest.fixture(scope="module")
def walks(tmp_path_factory, settings):
    tmp = tmp_path_factory.mktemp("teachers")
    roster = write_csv(tmp / "roster.csv", ["Student ID", "School Code", "School Name", "Grade",
                                       "School Year"],
                  [["001", "A", A, "3", YEAR], ["002", "B", B, "2", YEAR]])
    rows = [[f"{date} 9:00:00 AM", "coach@district.org", school, date, grade, subject, teacher,
             ca2, ca3, "Yes"] for school, date, grade, subject, teacher, ca2, ca3 in OBSERVATIONS]
    export = write_csv(tmp / "walks.csv", HEADER, rows)
    db = tmp / "m.duckdb"
    result = load_files([roster, export], settings, db_path=db)
    assert result.exit_code == 0, [r.line() for r in result.reports]
    return Database(db)


def exact(settings):
    return settings.model_copy(update={"privacy": Privacy(min_n=1, disclosive_n=0,
                                                          min_observations=1, min_teachers=1,
                                                          adults_one_outcome=False)})


def counts(db, settings, grade: str | None = None) -> pd.DataFrame:
    f = selection.Filters(school_year=YEAR, grade=grade)
    cells = reads.measure_cells(db, settings, "teacher_growth", f)
    cells = cells[(cells["school_year"] == YEAR) & (cells["group_id"] == "all")]
    return cells.assign(detail=cells["detail"].fillna("*")).drop_duplicates(
        ["window_id", "scope", "detail"]).set_index(["window_id", "scope", "detail"])


def test_only_teachers_observed_twice_count_first_walk_to_latest_and_walk_to_walk(walks,
                                                                                  settings):
    cells = counts(walks, exact(settings))
    found = {(w, d): (int(r.n), int(r.n_records), int(r.n_meeting))
             for (w, scope, d), r in cells.iterrows() if scope == "A"}
    assert found == EXPECTED_A


def test_a_teacher_is_a_name_at_a_school(walks, settings):
    """Beta's Teacher One is not Alpha's: the district adds the two schools' teachers up."""
    cells = counts(walks, exact(settings))
    beta = cells.loc[("Q2", "B", "ca2")]
    assert (beta["n"], beta["n_meeting"]) == (1, 0)               # 2 -> 2: not up
    district = cells.loc[("Q2", "__district__", "ca2")]
    assert (district["n"], district["n_meeting"]) == (3, 2)


def test_a_teacher_counts_in_the_grade_of_their_latest_walk(walks, settings):
    fourth = counts(walks, exact(settings), grade="4")
    assert (fourth.loc[("Q3", "A", "ca2"), "n"], fourth.loc[("Q3", "A", "ca2"), "n_meeting"]) \
        == (1, 1)                                                   # T1, grade 4 by Q3
    third = counts(walks, exact(settings), grade="3")
    assert third.loc[("Q3", "A", "ca2"), "n"] == 2                  # T2 and T4
    assert third.loc[("Q2", "A", "ca2"), "n"] == 2                  # T1 was in grade 3 then


def test_the_trajectory_is_the_pooled_share_against_the_goal(walks, settings):
    rules = exact(settings)
    f = selection.Filters(school_year=YEAR, school="A")
    cells = reads.measure_cells(walks, rules, "teacher_growth", f)
    frame = trajectories.trajectory(cells, rules, "teacher_growth", f).set_index("window_id")
    assert frame.loc["Q3", "value"] == 100.0 and frame.loc["Q3", "n"] == 3      # 3 of 3
    assert frame.loc["Q3", "target"] == settings.measures["teacher_growth"].goals["Q3"]
    assert pd.isna(frame.loc["Q1", "target"])                     # Q1: the baseline


def test_small_teacher_counts_are_hidden_like_any_cell(walks, settings):
    """Teachers are people: the students' floor applies (min_n 10 by default), not the
    observations' one, and a hidden cell shows no count."""
    cells = counts(walks, settings)
    assert cells["suppressed"].all()
    assert cells["n"].isna().all() and cells["n_meeting"].isna().all()
    assert set(cells["hidden_label"]) == {f"n<{settings.privacy.min_n}"}


def test_a_config_written_before_teacher_growth_gets_it_without_a_goal(tmp_path):
    config = Path(__file__).resolve().parents[2] / "config.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[measures.teacher_growth]")
    end = text.index("[measures.survey]")
    (tmp_path / "config.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    older = load_settings(tmp_path / "config.toml")
    growth = older.measures["teacher_growth"]
    assert growth.calendar == older.measures["walkthrough"].calendar and growth.goals == {}
