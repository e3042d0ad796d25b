"""Learning walks protect teachers, not only observations: a cell of fewer than min_teachers
distinct teachers is hidden however many walkers observed them, and so is one where every
observed teacher got the same rating (0% or 100%), at every level (school, grade, band,
subject, indicator, the district) and in every principal's view; the attacker's exact linear
algebra (tests/measures/attack.py) recovers none of them, on hand-made walks and on generated
ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.db import Database
from monitor.ingest.load import load_files
from monitor.measures import lattice

from . import attack
from .test_lattice_attack import district_leaks, principal_leaks, stored
from .test_measures import write_csv

YEAR = "2026-27"
HEADER = ["Timestamp", "Email Address", "School", "Observation Date", "Grade", "Subject",
          "Teacher", "Core Action 2", "Core Action 3", "HQIM in use", "Strong instruction"]
SCHOOLS = {"A": "Alpha Elementary", "B": "Beta Elementary", "C": "Gamma Elementary"}


def load_walks(folder, settings, observations) -> Database:
    """Load walks ((school, date, grade, subject, teacher, walker, ca2, ca3, hqim, strong))
    for three schools through the real loader."""
    roster = write_csv(folder / "roster.csv", ["Student ID", "School Code", "School Name",
                                               "Grade", "School Year"],
                       [[f"00{i}", code, name, "3", YEAR]
                        for i, (code, name) in enumerate(SCHOOLS.items())])
    rows = [[f"{date} 9:{minute:02d}:00 AM", walker, SCHOOLS[school], date, grade, subject,
             teacher, ca2, ca3, hqim, strong]
            for minute, (school, date, grade, subject, teacher, walker, ca2, ca3, hqim, strong)
            in enumerate(observations)]
    walks = write_csv(folder / "walks.csv", HEADER, rows)
    db = folder / "m.duckdb"
    result = load_files([roster, walks], settings, db_path=db)
    assert result.exit_code == 0, [r.line() for r in result.reports]
    return Database(db)


# Six walkers observe one grade 4 Science classroom at Alpha on the Q2 walk; Alpha's other
# classrooms and Beta's and Gamma's each have their own teacher.
LONE = [("A", "11/1/2026", "4", "Science", "Ms Lone", f"walker{w}@district.test", "3", "2",
         "Yes", "No") for w in range(6)]
OTHERS = [(school, "11/2/2026", grade, "ELA", f"{school} teacher {t}", "coach@district.test",
           str(1 + (t + i) % 4), str(1 + t % 4), "Yes" if t % 3 else "No",
           "Yes" if (t + i) % 2 else "No")
          for i, (school, grade, teachers) in enumerate([("A", "3", 6), ("B", "3", 7),
                                                         ("C", "5", 8)])
          for t in range(teachers)]


@pytest.fixture(scope="module")
def lone_teacher(tmp_path_factory, settings):
    db = load_walks(tmp_path_factory.mktemp("walk_teachers"), settings, LONE + OTHERS)
    cells = stored(db.path)
    return db, cells[(cells["school_year"] == YEAR) & (cells["window_id"] == "Q2")
                     & cells["measure"].isin(["walkthrough", lattice.RATINGS])]


def test_one_teacher_observed_by_six_walkers_is_hidden_everywhere(lone_teacher, settings):
    """Ms Lone's six observations are one teacher: every cell that is only her, at the school,
    in grade 4, in the elementary band, in Science and for the district, is hidden with the
    teachers' label, and so is every indicator and rating of hers."""
    db, cells = lone_teacher
    science = cells[cells["subject"] == "Science"]
    assert len(science) and (science["true_n"] == 6).all()
    assert (science["true_n_teachers"].dropna() == 1).all()
    assert science["hidden"].all()
    assert science[["value", "n", "n_meeting"]].isna().all().all()
    walks = science[science["measure"] == "walkthrough"]
    assert set(walks["scope"]) == {"A", "__district__"}
    assert {"4", "Elementary (TK-5)", "*"} <= set(walks["grade"])
    assert set(walks["hidden_label"]) == {f"n<{settings.privacy.min_teachers} teachers"}
    # Grade 4 at Alpha (every subject) is her too.
    grade4 = cells[(cells["scope"] == "A") & (cells["grade"] == "4")]
    assert grade4["hidden"].all()
    # In every principal's view as well.
    for school in SCHOOLS:
        view = lattice.principal_view(db, settings, (school,))
        view = view[(view["school_year"] == YEAR) & (view["window_id"] == "Q2")
                    & (view["subject"] == "Science")]
        assert len(view) and view["hidden"].all(), school


def test_every_shown_walk_cell_has_enough_teachers_who_did_not_all_get_one_rating(
        lone_teacher, settings):
    _, cells = lone_teacher
    shown = cells[~cells["hidden"] & (cells["measure"] == "walkthrough")]
    assert len(shown)
    assert (shown["true_n_teachers"] >= settings.privacy.min_teachers).all()
    assert shown["value"].between(0, 100, inclusive="neither").all()
    # Everyone at Beta got "Yes" on HQIM in use: 100% of 7 teachers is hidden.
    beta = cells[(cells["scope"] == "B") & (cells["grade"] == "*") & (cells["subject"] == "*")
                 & (cells["detail"] == "hqim") & (cells["measure"] == "walkthrough")].iloc[0]
    if beta["true_n_meeting"] in (0, beta["true_n_records"]):
        assert beta["hidden"] and beta["reason"] == lattice.ONE_OUTCOME


def test_the_attacker_recovers_no_teacher(lone_teacher, settings):
    db, cells = lone_teacher
    walks = cells[cells["measure"] == "walkthrough"].reset_index(drop=True)
    leaks = district_leaks(walks, settings)
    assert leaks.empty, leaks[[*attack.DIMS, "true_n"]].to_string()
    for school in SCHOOLS:
        leaks = principal_leaks(db.path, walks, settings, school)
        assert leaks.empty, (school, leaks[[*attack.DIMS, "true_n"]].to_string())


def test_observations_without_a_teacher_count_as_few_teachers(tmp_path, settings):
    """A form without teachers' names cannot say how many teachers were seen: a school's
    unnamed observations count as one teacher (they may all be one), so its cells are hidden
    rather than shown on the observations alone."""
    unnamed = [("A", "11/2/2026", "3", "ELA", "", f"w{i}@district.test", "3", "2", "Yes", "No")
               for i in range(9)]
    named = [("B", "11/2/2026", "3", "ELA", f"T{i}", "w@district.test", str(1 + i % 4), "2",
              "Yes" if i % 2 else "No", "No" if i % 3 else "Yes") for i in range(9)]
    db = load_walks(tmp_path, settings, unnamed + named)
    cells = stored(db.path)
    cells = cells[(cells["measure"] == "walkthrough") & (cells["window_id"] == "Q2")]
    alpha = cells[cells["scope"] == "A"]
    assert (alpha["true_n_teachers"] == 1).all() and alpha["hidden"].all()
    beta = cells[(cells["scope"] == "B") & (cells["grade"] == "*") & (cells["subject"] == "*")
                 & (cells["detail"] == "*")].iloc[0]
    assert beta["true_n_teachers"] == 9


@st.composite
def walk_district(draw):
    """Three schools' Q2 walks: each school a few teachers (some observed by several walkers,
    in one or two grades and subjects), ratings drawn freely."""
    observations = []
    for school in SCHOOLS:
        for t in range(draw(st.integers(1, 9))):
            for _ in range(draw(st.integers(1, 4))):
                observations.append((
                    school, f"11/{draw(st.integers(1, 28))}/2026",
                    draw(st.sampled_from(["3", "4", "5"])),
                    draw(st.sampled_from(["ELA", "Math", "Science"])), f"{school}{t}",
                    f"w{draw(st.integers(0, 5))}@district.test",
                    str(draw(st.integers(1, 4))), str(draw(st.integers(1, 4))),
                    draw(st.sampled_from(["Yes", "No"])), draw(st.sampled_from(["Yes", "No"]))))
    return observations


@hypothesis_settings(max_examples=6, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])
@given(observations=walk_district())
def test_generated_walks_give_no_teacher_away(tmp_path_factory, settings, observations):
    db = load_walks(tmp_path_factory.mktemp("generated_walks"), settings, observations)
    cells = stored(db.path)
    walks = cells[(cells["measure"] == "walkthrough") & (cells["window_id"] == "Q2")
                  ].reset_index(drop=True)
    shown = walks[~walks["hidden"]]
    assert (shown["true_n_teachers"] >= settings.privacy.min_teachers).all()
    assert shown["value"].between(0, 100, inclusive="neither").all()
    leaks = district_leaks(walks, settings)
    assert leaks.empty, leaks[[*attack.DIMS, "true_n"]].to_string()
    for school in SCHOOLS:
        leaks = principal_leaks(db.path, walks, settings, school)
        assert leaks.empty, (school, leaks[[*attack.DIMS, "true_n"]].to_string())
    # Each hidden cell is hidden in its ratings too.
    ratings = cells[(cells["measure"] == lattice.RATINGS) & (cells["window_id"] == "Q2")]
    parents = walks[walks["detail"].isin(["ca2", "ca3"])].set_index(
        ["scope", "grade", "subject", "detail"])["hidden"]
    keys = pd.MultiIndex.from_arrays([ratings["scope"], ratings["grade"], ratings["subject"],
                                      ratings["detail"].str.split("=").str[0]])
    assert np.array_equal(ratings["hidden"].to_numpy(bool),
                          parents.reindex(keys).fillna(True).to_numpy(bool))


def test_the_data_health_says_where_observations_name_no_teacher(tmp_path, settings):
    from monitor.ingest import health

    unnamed = [("A", "11/2/2026", "3", "ELA", "", "w@district.test", "3", "2", "Yes", "No")
               for _ in range(3)]
    named = [("B", "11/2/2026", "3", "ELA", f"T{i}", "w@district.test", "3", "2", "Yes", "No")
             for i in range(6)]
    db = load_walks(tmp_path, settings, unnamed + named)
    _, warnings = health.check(db.connection(), settings)
    assert any(w.startswith(f"Walkthroughs {YEAR}: 3 of 9 observations name no teacher")
               for w in warnings), warnings
