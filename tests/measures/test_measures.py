"""Measures on small hand-made exports with answers worked out by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitor.config import Privacy
from monitor.db import Database
from monitor.ingest.load import load_files
from monitor.measures import selection
from monitor.views import breakdowns, movement, reads, trajectories

from ..second_statistics import measure_statistics

YEAR = "2026-27"


def write_csv(path: Path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory, settings):
    """12 grade-4 students at school A (6 English learners), a few at school B."""
    tmp = tmp_path_factory.mktemp("small")
    roster = write_csv(tmp / "roster.csv",
                       ["Student ID", "School Code", "School Name", "Grade", "English Learner",
                        "School Year"],
                       [[f"{i:03d}", "A", "Alpha Elementary", "2" if i > 12 else "4",
                         "Y" if i <= 6 else "N", YEAR] for i in range(1, 19)])
    bench = write_csv(tmp / "bench.csv",
                      ["Student ID", "Assessment", "Subject", "Grade", "Test Date",
                       "Percent Correct", "Performance Level"],
                      # 001-009 proficient at BM1; 010-012 not. 010 retakes later and passes.
                      [[f"{i:03d}", "BM1", "ELA", "4", "10/05/2026", "75",
                        "Standard Met" if i <= 9 else "Standard Nearly Met"] for i in range(1, 13)]
                      + [["010", "BM1 retake", "ELA", "4", "10/15/2026", "88", "Standard Exceeded"],
                         ["001", "BM1", "Math", "4", "10/05/2026", "20", "Standard Not Met"]])
    iready = write_csv(tmp / "iready.csv",
                       ["Student ID", "Student Grade", "Academic Year", "School", "Subject",
                        "Completion Date", "Baseline Diagnostic (Y/N)", "Overall Scale Score",
                        "Annual Typical Growth Measure",
                        "Percent Progress to Annual Typical Growth (%)", "Rush Flag"],
                       [[f"{i:03d}", "2", "2026-2027", "Alpha Elementary", "Math", "09/01/2026",
                         "Y", "400", "40", "", ""] for i in (13, 14, 15, 16)]
                       + [["013", "2", "2026-2027", "Alpha Elementary", "Math", "12/10/2026", "N",
                           "430", "40", "75", ""],       # meets (>= 50)
                          ["014", "2", "2026-2027", "Alpha Elementary", "Math", "12/10/2026", "N",
                           "410", "40", "25", ""],       # does not
                          ["015", "2", "2026-2027", "Alpha Elementary", "Math", "12/10/2026", "N",
                           "440", "40", "100", "Red Rush Flag"],   # rushed: left out
                          ["017", "2", "2026-2027", "Alpha Elementary", "Math", "12/10/2026", "N",
                           "440", "40", "100", ""]])     # no baseline: left out
    walks = write_csv(tmp / "walks.csv",
                      ["Timestamp", "Email Address", "School", "Observation Date", "Grade",
                       "Subject", "Teacher", "Core Action 2 - practices", "HQIM in use"],
                      [["2026/09/01 9:00:00 AM", "a@x.org", "Alpha Elementary", "9/1/2026", "4",
                        "ELA", "T1", "Mostly", "Yes"],
                       ["2026/09/01 10:00:00 AM", "a@x.org", "Alpha Elementary", "9/1/2026", "4",
                        "ELA", "T2", "2", "No"],
                       ["2026/09/02 9:00:00 AM", "b@x.org", "A", "9/2/2026", "4", "Math", "T3",
                        "Yes", "Yes"],
                       ["2026/09/02 9:30:00 AM", "b@x.org", "A", "9/2/2026", "4", "Math", "T4",
                        "Not Yet", "Yes"]])
    survey = write_csv(tmp / "survey.csv",
                       ["Respondent ID", "School", "Date", "Item", "Response"],
                       [["r1", "A", "2026-10-01", "I feel supported by my school.", "Agree"],
                        ["r1", "A", "2026-10-01", "People at my school care about me.",
                         "Strongly agree"],
                        ["r2", "A", "2026-10-01", "I feel supported by my school.",
                         "Neither agree nor disagree"],
                        ["r2", "A", "2026-10-01", "People at my school care about me.",
                         "I don't know"],
                        ["r3", "A", "2026-10-02", "People at my school care about me.", "2"]])
    esgi = write_csv(tmp / "esgi.csv",
                     ["Student ID", "Test Name", "Subject", "Test Date", "Score", "Total Questions"],
                     [["001", "Uppercase Letters", "ELA", "10/25/2026", "20", "26"],
                      ["001", "Lowercase Letters", "ELA", "10/28/2026", "26", "26"],
                      ["002", "Uppercase Letters", "ELA", "10/25/2026", "20", "26"],
                      ["003", "Uppercase Letters", "ELA", "10/25/2026", "21", "26"]])
    tasks = write_csv(tmp / "tasks.csv",
                      ["Student ID", "Assessment", "Subject", "Grade", "Test Date",
                       "Percent Correct", "Performance Level"],
                      [[f"{i:03d}", "ELA Performance Task: Opinion Writing", "ELA", "4",
                        "10/14/2026", "", "Standard Met" if i <= 8 else "Standard Not Met"]
                       for i in range(1, 11)])
    state = write_csv(tmp / "state.csv",
                      ["Student ID", "School Code", "Grade Assessed", "Test Year", "Subject",
                       "Scale Score", "Achievement Level"],
                      [[f"{i:03d}", "A", "04", "2027", "ELA", "2450", str(1 + i % 4)]
                       for i in range(1, 13)])
    db_path = tmp / "m.duckdb"
    result = load_files([roster, bench, iready, walks, survey, esgi, tasks, state], settings,
                        db_path=db_path)
    assert result.exit_code == 0, [r.line() for r in result.reports]
    exact = settings.model_copy(update={"privacy": Privacy(
        min_n=1, disclosive_n=0, min_observations=1, min_teachers=1, adults_one_outcome=False)})
    return Database(db_path), exact


def value_at(db, settings, measure, window, subject=None, group="all", detail=None, min_n=None):
    f = selection.Filters(school_year=YEAR, subject=subject, group=group)
    if min_n is not None:
        settings = settings.model_copy(update={"privacy": Privacy(min_n=min_n)})
    cells = reads.measure_cells(db, settings, measure, f)
    frame = trajectories.trajectory(cells, settings, measure, f, detail=detail)
    return frame.set_index("window_id").loc[window]


def test_benchmark_latest_attempt_counts(small):
    db, settings = small
    point = value_at(db, settings, "benchmark", "1", subject="ELA")
    assert (point["n"], point["value"]) == (12, round(100 * 10 / 12, 1))
    assert point["target"] == 60 and point["status"] == "met"


def test_benchmark_by_group_and_suppression(small):
    db, settings = small
    el = value_at(db, settings, "benchmark", "1", subject="ELA", group="el")
    assert (el["n"], el["value"]) == (6, 100.0)
    hidden = value_at(db, settings, "benchmark", "1", subject="ELA", group="el", min_n=10)
    assert hidden["value"] is None and hidden["suppressed"] and hidden["status"] is None


def test_iready_growth_needs_baseline_and_skips_rushed(small):
    db, settings = small
    point = value_at(db, settings, "iready_growth", "2", subject="Math")
    assert (point["n"], point["value"], point["target"]) == (2, 50.0, 60)


def test_walkthrough_meets_is_yes_or_rating_3_4(small):
    db, settings = small
    ca2 = value_at(db, settings, "walkthrough", "Q1", detail="ca2")
    assert (ca2["n"], ca2["value"]) == (4, 50.0)
    hqim = value_at(db, settings, "walkthrough", "Q1", detail="hqim")
    assert hqim["value"] == 75.0
    # All indicators pooled: 5 of 8 ratings meet, and each observation counts once in n.
    pooled = value_at(db, settings, "walkthrough", "Q1")
    assert (pooled["n"], pooled["value"]) == (4, 62.5)


def test_survey_favorable_excludes_dont_know(small):
    db, settings = small
    point = value_at(db, settings, "survey", "fall", detail="belonging")
    # Valid answers: Agree, Strongly agree, Neither, 2 -> 2 of 4 favorable.
    assert point["value"] == 50.0 and point["n"] == 3


def test_by_school_and_group_gap(small):
    db, settings = small
    f = selection.Filters(school_year=YEAR, subject="ELA")
    cells = reads.measure_cells(db, settings, "benchmark", f)
    groups = breakdowns.by_group(cells, settings, f, "1").set_index("group_id")
    assert groups.loc["el", "gap_to_all"] == round(100.0 - round(100 * 10 / 12, 1), 1)
    schools = breakdowns.by_school(cells, settings, "benchmark", f, "1",
                                   db.query("schools")).set_index("school_code")
    assert schools.loc["A", "status"] == "met"


def test_walkthroughs_use_the_observation_floor(small):
    db, settings = small
    floor = settings.model_copy(update={"privacy": Privacy(min_n=10, min_observations=5)})
    f = selection.Filters(school_year=YEAR)
    cells = reads.measure_cells(db, floor, "walkthrough", f)
    point = trajectories.trajectory(cells, floor, "walkthrough", f).set_index("window_id").loc["Q1"]
    # 4 observations: under the floor of 5, shown as such (not as n<10).
    assert point["value"] is None and point["display"] == "n<5"


def test_measures_command_prints_the_layer(small, tmp_path):
    import io
    import os
    import subprocess
    import sys

    import pandas as pd

    from monitor.config import PROJECT_ROOT

    db, _ = small
    env = os.environ | {"MONITOR_DB": str(db.path), "MONITOR_AS_OF": "2027-02-15"}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "measures", "--measure", "benchmark", "--subject",
         "ELA", "--year", YEAR], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    for column in ("measure", "subject", "school", "group", "grade", "year", "window", "n",
                   "value", "target", "status", "suppressed"):
        assert column in table.columns
    district = table[(table["school"] == "district") & (table["group"] == "all")
                     & (table["window"] == "1")].iloc[0]
    # 10 of 12 proficient (latest attempts), worked out by hand; the goal at BM1 is 60.
    assert (district["n"], district["value"], district["target"], district["status"]) == (
        "12", "83.3", "60.0", "met")
    el = table[(table["school"] == "district") & (table["group"] == "el")].iloc[0]
    assert el["suppressed"] == "True" and el["value"] == ""         # 6 students < 10
    as_json = subprocess.run(
        [sys.executable, "-m", "monitor", "measures", "--measure", "benchmark", "--subject",
         "ELA", "--year", YEAR, "--group", "all", "--school", "district", "--format", "json"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    rows = pd.read_json(io.StringIO(as_json.stdout))
    assert set(rows["group"]) == {"all"} and set(rows["school"]) == {"district"}


def test_negatively_worded_items_are_reversed(small):
    db, settings = small
    surveys = settings.surveys.model_copy(update={"reversed_items": ["belong_2"]})
    reversed_settings = settings.model_copy(update={"surveys": surveys})
    point = value_at(db, reversed_settings, "survey", "fall", detail="belonging")
    # belong_2 reversed: Agree and Neither are now unfavorable; belong_3 unchanged:
    # Strongly agree favorable, 2 (Disagree) not -> 1 of 4.
    assert point["value"] == 25.0


def test_iready_medians_and_students_without_a_baseline(small):
    db, settings = small
    f = selection.Filters(school_year=YEAR, subject="Math")
    stats = measure_statistics(db, settings.model_copy(
        update={"privacy": Privacy(min_n=1)}), "iready_growth", f)
    row = stats[(stats["scope"] == "__district__") & (stats["group_id"] == "all")
                & (stats["window_id"] == "2")].iloc[0]
    # With a baseline and not rushed: 013 (75) and 014 (25); 015 was rushed; 017 had none.
    assert row["n"] == 2 and row["median_progress_typical"] == 50.0
    assert row["without_baseline"] == 1


def test_benchmark_mean_percent_correct_uses_latest_attempts(small):
    db, settings = small
    f = selection.Filters(school_year=YEAR, subject="ELA")
    stats = measure_statistics(db, settings, "benchmark", f)
    row = stats[(stats["scope"] == "__district__") & (stats["group_id"] == "all")].iloc[0]
    # 11 students at 75% and student 010's retake at 88%: (11 * 75 + 88) / 12.
    assert row["mean_percent_correct"] == round((11 * 75 + 88) / 12, 1)
    default = settings.model_copy(update={"privacy": Privacy()})
    stats = measure_statistics(db, default, "benchmark", f)
    el = stats[(stats["scope"] == "__district__") & (stats["group_id"] == "el")].iloc[0]
    # Under the minimum n: no statistic, and no exact n either (only "n<10" is shown).
    assert pd.isna(el["n"]) and pd.isna(el["mean_percent_correct"])


def test_esgi_pools_a_students_tests_in_a_window(small):
    db, settings = small
    point = value_at(db, settings, "esgi", "2", subject="ELA")
    # 001: 46 of 52 (88%) meets the 80% cut; 002: 77% does not; 003: 81% does -> 2 of 3.
    assert (point["n"], point["value"], point["target"], point["status"]) == (
        3, round(100 * 2 / 3, 1), 50, "met")


def test_performance_task_at_exactly_the_goal_is_met(small):
    db, settings = small
    point = value_at(db, settings, "performance_task", "10", subject="ELA")
    assert (point["n"], point["value"], point["target"], point["status"]) == (
        10, 80.0, 80, "met")


def test_state_test_counts_levels_three_and_four(small):
    db, settings = small
    f = selection.Filters(school_year=YEAR, subject="ELA")
    cells = reads.measure_cells(db, settings, "state_test", f)
    point = trajectories.trajectory(cells, settings, "state_test", f).iloc[0]
    # Levels 1 + i % 4 for i = 1..12: levels 3 and 4 for i = 2, 3, 6, 7, 10, 11 -> 6 of 12.
    assert (point["n"], point["value"], point["target"], point["status"]) == (
        12, 50.0, 50, "met")


def test_survey_items_have_their_own_values(small):
    db, settings = small
    f = selection.Filters(school_year=YEAR)
    cells = reads.measure_cells(db, settings, "survey", f, survey_items=True)
    items = breakdowns.by_detail(cells, settings, f, "fall").set_index("detail")
    # "I feel supported": Agree (fav), Neither -> 50%. "People care": Strongly agree (fav),
    # don't know (left out), 2 -> 50% of 2 valid answers.
    assert items.loc["belong_2", "value"] == 50.0 and items.loc["belong_2", "n"] == 2
    assert items.loc["belong_3", "value"] == 50.0 and items.loc["belong_3", "n_records"] == 2
    pooled = trajectories.trajectory(cells, settings, "survey", f).set_index("window_id").loc["fall"]
    assert pooled["value"] == 50.0 and pooled["n"] == 3


@pytest.fixture(scope="module")
def two_windows(tmp_path_factory, settings):
    """24 grade-5 students: 12 below standard at BM1 (level 2), 12 at it (level 3).
    At BM2: 9 of the 12 below have caught up (level 3); 2 of the 12 at standard fell to 2."""
    tmp = tmp_path_factory.mktemp("two")
    roster = write_csv(tmp / "roster.csv",
                       ["Student ID", "School Code", "School Name", "Grade", "School Year"],
                       [[f"{i:03d}", "A", "Alpha", "5", YEAR] for i in range(1, 25)])
    rows = []
    for i in range(1, 25):
        before = 2 if i <= 12 else 3
        after = (3 if i <= 9 else 2) if i <= 12 else (2 if i <= 14 else 3)
        names = {2: "Standard Nearly Met", 3: "Standard Met"}
        rows.append([f"{i:03d}", "BM1", "ELA", "5", "10/05/2026", "", names[before]])
        rows.append([f"{i:03d}", "BM2", "ELA", "5", "01/20/2027", "", names[after]])
    bench = write_csv(tmp / "bench.csv", ["Student ID", "Assessment", "Subject", "Grade",
                                          "Test Date", "Percent Correct", "Performance Level"],
                      rows)
    db_path = tmp / "m.duckdb"
    assert load_files([roster, bench], settings, db_path=db_path).exit_code == 0
    return Database(db_path)


def test_catching_up_share_and_falling_behind(two_windows, settings):
    f = selection.Filters(school_year=YEAR, subject="ELA")
    table = movement.catching_up(two_windows, settings, "benchmark", f, "1", "2")
    district = table[(table["scope"] == "__district__") & (table["group_id"] == "all")].iloc[0]
    assert (district["n"], district["value"]) == (12, 75.0)         # 9 of the 12 below
    assert (district["n_at_standard"], district["n_fell_behind"]) == (12, 2)
    assert district["ci_low"] < 75 < district["ci_high"]


def test_level_transition_matrix(two_windows, settings):
    f = selection.Filters(school_year=YEAR, subject="ELA")
    low = settings.model_copy(update={"privacy": Privacy(min_n=1)})
    matrix = movement.level_transitions(two_windows, low, "benchmark", f, "1", "2")
    assert matrix.loc["Nearly Met", "Met"] == 9 and matrix.loc["Nearly Met", "Nearly Met"] == 3
    assert matrix.loc["Met", "Nearly Met"] == 2 and matrix.loc["Met", "Met"] == 10
    assert matrix.loc["Not Met"].sum() == 0
    # With the usual minimum n, the small cells (3 and 2 students) are hidden.
    hidden = movement.level_transitions(two_windows, settings, "benchmark", f, "1", "2")
    assert pd.isna(hidden.loc["Nearly Met", "Nearly Met"]) and hidden.loc["Met", "Met"] == 10
    # As shown: a small cell reads n<10; one hidden only to protect another reads suppressed
    # (it may be large: here a 0 that would give away "fell behind" = 2 exactly).
    shown = breakdowns.transitions_display(hidden)
    assert shown.loc["Nearly Met", "Nearly Met"] == "n<10" and shown.loc["Met", "Met"] == "10"
    protecting = shown.to_numpy()[np.isnan(hidden.to_numpy()) & (matrix.to_numpy() == 0)]
    assert len(protecting) and set(protecting) == {"suppressed"}


def test_core_action_one_as_a_whole(tmp_path, settings):
    roster = write_csv(tmp_path / "roster.csv", ["Student ID", "School Code", "School Name",
                                                 "Grade", "School Year"],
                       [["001", "A", "Alpha", "4", YEAR]])
    header = ["Timestamp", "Email Address", "School", "Observation Date", "Grade", "Subject",
              "Teacher", "Core Action 1A", "Core Action 1B", "Core Action 1C"]
    walks = write_csv(tmp_path / "walks.csv", header, [
        ["2026/09/01 9:00", "a@x.org", "A", "9/1/2026", "4", "ELA", "T1", "Yes", "Yes", "Yes"],
        ["2026/09/01 10:00", "a@x.org", "A", "9/1/2026", "4", "ELA", "T2", "Yes", "No", "Yes"],
        ["2026/09/01 11:00", "a@x.org", "A", "9/1/2026", "4", "ELA", "T3", "Yes", "Yes", ""],
    ])
    db_path = tmp_path / "m.duckdb"
    assert load_files([roster, walks], settings, db_path=db_path).exit_code == 0
    exact = settings.model_copy(update={"privacy": Privacy(min_n=1, min_observations=1,
                                                           min_teachers=1,
                                                           adults_one_outcome=False)})
    db = Database(db_path)
    ca1 = value_at(db, exact, "walkthrough", "Q1", detail="ca1")
    # Observation 1 meets, 2 does not, 3 is not rated on 1C: 1 of 2.
    assert (ca1["n"], ca1["value"]) == (2, 50.0)
    pooled = value_at(db, exact, "walkthrough", "Q1")
    # The parts only: 1A 3/3, 1B 2/3, 1C 2/2 -> 7 of 8 ratings.
    assert (pooled["n"], pooled["value"]) == (3, 87.5)


def test_catching_up_hides_every_count_of_a_hidden_group(two_windows, settings):
    f = selection.Filters(school_year=YEAR, subject="ELA")
    strict = settings.model_copy(update={"privacy": Privacy(min_n=13)})
    table = movement.catching_up(two_windows, strict, "benchmark", f, "1", "2")
    row = table[(table["scope"] == "__district__") & (table["group_id"] == "all")].iloc[0]
    # 12 below at the start: under 13, so neither the share nor any count is shown.
    assert row["suppressed"] and row["display"] == "n<13"
    assert pd.isna(row["value"]) and pd.isna(row["n"])
    assert pd.isna(row["n_at_standard"]) and pd.isna(row["n_fell_behind"])
