"""Attack the protected measures table the way an analyst would: take every cell a person can
see (the district's view: every school; a principal's: the district and their school), set up
every sum that links the cells, and solve it exactly (tests/measures/attack.py). No hidden
count, and for a principal no other school's count, may come out determined."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor import registry
from monitor.db import Database
from monitor.demo.district import write_demo
from monitor.ingest.load import load_files
from monitor.measures import lattice
from monitor.measures.lattice import protecting

from ..conftest import AS_OF
from . import attack


def stored(db_path) -> pd.DataFrame:
    """The whole stored lattice, its exact counts included (the attacker's unknowns)."""
    return Database(db_path).connection().execute(
        "SELECT * FROM measure_lattice ORDER BY ALL").df()


def latest_windows(cells: pd.DataFrame, measure: str | None = None) -> pd.DataFrame:
    """Each measure's last window of each year (sums never link two windows, so each window
    is attacked on its own; the last has the most cells)."""
    if measure is not None:
        cells = cells[cells["measure"] == measure]
    last = cells.groupby(["measure", "school_year"])["window_id"].transform("max")
    return cells[cells["window_id"] == last].reset_index(drop=True)


def district_leaks(cells: pd.DataFrame, settings) -> pd.DataFrame:
    fixed = attack.determined(cells, cells["hidden"].to_numpy(bool), settings)
    return cells[fixed]


def principal_leaks(db_path, cells: pd.DataFrame, settings, school: str) -> pd.DataFrame:
    """What a principal of `school` can derive. They see the district and their school as their
    view shows them; the other schools are, to them, the district less their school (one
    unknown per cell, never shown). A hidden cell of their view, or that remainder where it is
    one school and their school has results there (or it is under the minimum), must not come
    out determined. (Where their school has no one, the remainder is the district's own cell,
    shown or hidden as it is to everyone.)"""
    view = lattice.principal_view(Database(db_path), settings, (school,))
    keys = attack.DIMS
    view = view.drop(columns=["true_n", "true_n_records", "true_n_meeting",
                              "true_n_teachers"]).merge(
        cells[keys].drop_duplicates(), on=keys)
    exact = view.merge(cells[[*keys, "true_n", "true_n_records", "true_n_teachers"]], on=keys)
    district = exact[exact["scope"] == "__district__"].set_index(keys[:3] + keys[4:])
    own = exact[exact["scope"] == school].set_index(keys[:3] + keys[4:])
    own_records = own["true_n_records"].reindex(district.index, fill_value=0)
    rest = pd.DataFrame({
        "true_n": district["true_n"] - own["true_n"].reindex(district.index, fill_value=0),
        "true_n_teachers": district["true_n_teachers"]
        - own["true_n_teachers"].reindex(district.index, fill_value=0),
        "records": district["true_n_records"] - own_records,
        "others": district["schools"].fillna(0) - (own_records > 0),
        "theirs": own_records}).reset_index()
    rest = rest[rest["records"] > 0].assign(scope="others")
    system = pd.concat([exact.assign(rest=False), rest.assign(rest=True, hidden=True)],
                       ignore_index=True)
    system = system.assign(scope=system["scope"].replace({"others": "zz-others"}))
    unknown = system["hidden"].fillna(True).to_numpy(bool)
    fixed = attack.determined(system, unknown, settings)
    floor = np.where(system["measure"].isin(lattice.OBSERVED),
                     settings.privacy.min_observations, settings.privacy.min_n)
    # A walk's cell is small in teachers too (the other schools' teachers: the district's
    # less theirs, since a teacher is a name at one school).
    small = (system["true_n"] < floor) | (system["true_n_teachers"].fillna(np.inf)
                                          < settings.privacy.min_teachers)
    protected = ~system["rest"] | ((system["others"] <= 1) & (system["theirs"] > 0)) | small
    return system[fixed & protected.to_numpy(bool)]


# Every measure the registry knows (a new one is attacked without anyone listing it here),
# and the walks' Core Action rating cells, which the lattice keeps beside them.
MEASURES = [*registry.MEASURES, lattice.RATINGS]


@pytest.mark.parametrize("measure", MEASURES)
def test_no_hidden_cell_of_the_demo_can_be_derived(demo_db, settings, measure):
    cells = latest_windows(stored(demo_db), measure)
    # Something to attack: hidden cells beside shown ones (the adults' measures have fewer
    # cells, most of them hidden: a school has a few coaches and leaders).
    assert cells["hidden"].sum() >= 20 and (~cells["hidden"]).sum() >= 5
    leaks = district_leaks(cells, settings)
    assert leaks.empty, leaks[[*attack.DIMS, "true_n", "reason"]].head(20).to_string()


def test_the_attack_finds_what_primary_suppression_alone_leaves(demo_db, settings):
    """The attack has teeth: with only the small cells hidden, it recovers many of them."""
    cells = latest_windows(stored(demo_db), "benchmark")
    primary = cells["reason"].isin([lattice.SMALL, lattice.ONE_OUTCOME]).to_numpy()
    recovered = attack.determined(cells, primary, settings)
    assert recovered.sum() > 20
    assert (cells.loc[recovered, "reason"] == lattice.SMALL).any()


@pytest.mark.parametrize("level", ["Middle", "High", "Elementary"])
def test_a_principal_cannot_derive_another_school(demo_db, settings, level):
    cells = latest_windows(stored(demo_db))
    cells = cells[cells["measure"] != "survey"].reset_index(drop=True)
    schools = Database(demo_db).query("schools")
    # The level's smallest school: its principal has the most to subtract.
    mine = schools.loc[schools["level"] == level, "school_code"]
    sizes = cells[cells["scope"].isin(mine)].groupby("scope")["true_n"].sum()
    leaks = principal_leaks(demo_db, cells, settings, sizes.idxmin())
    assert leaks.empty, leaks[[*attack.DIMS, "true_n"]].head(10).to_string()


def test_the_principal_view_hides_a_lone_other_school(demo_db, settings):
    """Where one other school makes up the rest of the district beside the principal's (the
    demo's two high schools), the principal's view hides cells everyone else is shown: the
    district's or their own, whichever stops the district less theirs giving the other
    school's result."""
    cells = stored(demo_db)
    schools = Database(demo_db).query("schools")
    school = schools.loc[schools["level"] == "High", "school_code"].iloc[0]
    view = lattice.principal_view(Database(demo_db), settings, (school,))
    seen = view.merge(cells[[*attack.DIMS, "hidden"]], on=attack.DIMS,
                      suffixes=("", "_everyone"))
    assert (seen["hidden"] & ~seen["hidden_everyone"]).any()
    # ... and only there: an elementary principal's view of grade 10 is the district's number.
    assert not (seen["hidden_everyone"] & ~seen["hidden"]).any()


def rating_families(cells: pd.DataFrame) -> pd.DataFrame:
    """Each core action's cell of the learning walks beside its four rating cells: the
    ratings' exact counts added up, and whether all, or none, of them are hidden."""
    ratings = cells[cells["measure"] == lattice.RATINGS]
    parts = ratings["detail"].str.split("=", expand=True)
    ratings = ratings.assign(detail=parts[0], high=parts[1].astype(int) >= 3)
    keys = [d for d in attack.DIMS if d != "measure"]
    added = ratings.groupby(keys).agg(
        levels=("high", "size"), records=("true_n_meeting", "sum"), units=("true_n", "max"),
        all_hidden=("hidden", "all"), any_hidden=("hidden", "any")).reset_index()
    high = ratings[ratings["high"]].groupby(keys)["true_n_meeting"].sum().rename("meeting")
    walks = cells[(cells["measure"] == "walkthrough") & cells["detail"].isin(["ca2", "ca3"])]
    return walks.merge(added.merge(high.reset_index(), on=keys, how="left"), on=keys,
                       how="outer", indicator=True)


def test_core_action_ratings_add_up_to_their_cell_and_hide_with_it(demo_db, settings):
    """The ratings' cells (lattice.RATINGS) are their core action's cell split four ways: the
    same observations, the core action's meeting count is ratings 3 and 4, and each is hidden
    exactly where the core action is, for everyone and in every principal's view."""
    families = rating_families(stored(demo_db))
    assert (families["_merge"] == "both").all() and (families["levels"] == 4).all()
    assert (families["records"] == families["true_n_records"]).all()
    assert (families["units"] == families["true_n"]).all()
    assert (families["meeting"].fillna(0) == families["true_n_meeting"]).all()
    assert (families["all_hidden"] == families["hidden"]).all()
    assert (families["any_hidden"] == families["hidden"]).all()
    assert families["hidden"].any() and not families["hidden"].all()
    for school in Database(demo_db).query("schools")["school_code"]:
        view = rating_families(lattice.principal_view(Database(demo_db), settings, (school,)))
        assert (view["all_hidden"] == view["hidden"]).all(), school
        assert (view["any_hidden"] == view["hidden"]).all(), school


EXAMPLES = hypothesis_settings(max_examples=4, deadline=None, derandomize=True,
                               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])


@pytest.mark.slow
@EXAMPLES
@given(students=st.integers(150, 500), schools=st.integers(3, 5), seed=st.integers(0, 10_000))
def test_generated_districts_leak_nothing(students, schools, seed, settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    files = write_demo(folder / "exports", settings, students=students, seed=seed, as_of=AS_OF,
                       schools=schools)
    db = folder / "m.duckdb"
    load_files(files, settings, db_path=db)
    cells = latest_windows(stored(db))
    leaks = district_leaks(cells, settings)
    assert leaks.empty, leaks[[*attack.DIMS, "true_n", "reason"]].head(10).to_string()
    cells = cells[cells["measure"] != "survey"].reset_index(drop=True)
    smallest = cells[cells["scope"] != "__district__"].groupby("scope")["true_n"].sum().idxmin()
    leaks = principal_leaks(db, cells, settings, smallest)
    assert leaks.empty, leaks[[*attack.DIMS, "true_n"]].head(10).to_string()


@pytest.mark.parametrize("min_n", [5, 10, 20])
def test_every_shown_cell_is_at_the_minimum_and_no_hidden_n_is_shown(demo_db, settings, min_n):
    from monitor.config import Privacy

    rules = settings.model_copy(update={"privacy": Privacy(min_n=min_n,
                                                           disclosive_n=2 * min_n)})
    cells = lattice.build_cells(Database(demo_db).connection(), rules)
    shown = cells[~cells["hidden"]]
    floor = np.where(shown["measure"].isin(lattice.OBSERVED), rules.privacy.min_observations,
                     min_n)
    assert (shown["n"] >= floor).all()
    # A shown walk's cell saw enough teachers, and they did not all get the same rating.
    walks = shown[shown["measure"] == "walkthrough"]
    assert len(walks) and (walks["true_n_teachers"] >= rules.privacy.min_teachers).all()
    assert walks["value"].between(0, 100, inclusive="neither").all()
    hidden = cells[cells["hidden"]]
    assert hidden[["n", "n_records", "n_meeting", "value", "ci_low", "ci_high"]].isna().all().all()
    assert set(hidden["hidden_label"]) <= {
        f"n<{min_n}", "suppressed", f"n<{rules.privacy.min_observations}",
        f"n<{rules.privacy.min_teachers} teachers"}


def test_the_same_cells_are_hidden_whatever_order_the_counts_arrive_in(demo_db, settings,
                                                                         monkeypatch):
    """Queries return rows in no fixed order, and where two cells tie for hiding the build
    must choose the same one every time (a cell hidden on Monday and shown on Tuesday, with its
    neighbour hidden instead, would give both away)."""
    con = Database(demo_db).connection()
    first = lattice.build_cells(con, settings)
    counted = list(lattice.counts(con, settings))
    rng = np.random.default_rng(7)
    shuffled = [frame.sample(frac=1, random_state=rng.integers(1_000_000))
                for frame in reversed(counted)]
    monkeypatch.setattr(protecting, "counts", lambda *_: iter(shuffled))
    again = lattice.build_cells(con, settings)
    keys = list(lattice.DIMENSIONS)
    first = first.sort_values(keys).reset_index(drop=True)
    again = again.sort_values(keys).reset_index(drop=True)
    assert len(first) == len(again) and first["hidden"].sum() > 0
    pd.testing.assert_frame_equal(first[[*keys, "hidden", "reason", "n", "value"]],
                                  again[[*keys, "hidden", "reason", "n", "value"]])


def test_a_principal_sees_their_own_school_as_everyone_does(demo_db, settings):
    """Protecting a principal's view hides what would give another school away, not their own
    school: on the demo, no cell of a principal's own school is hidden beyond what everyone
    sees (their own cells are hidden last: the district's by-grade cells go first), and their
    headline cells (all students, all grades, every detail pooled) are shown. Before, their
    view was protected without the build's group remainders ("all students = English
    learners" read as a sum) and with their own cells hidden first: an elementary principal's
    benchmark tiles all read "suppressed"."""
    db = Database(demo_db)
    cells = stored(demo_db)
    headline = (cells["grade"] == "*") & (cells["group_id"] == "all") & (cells["detail"] == "*")
    for school in sorted(db.query("schools")["school_code"]):
        view = lattice.principal_view(db, settings, (school,))
        seen = view.merge(cells[[*attack.DIMS, "hidden"]].assign(headline=headline),
                          on=attack.DIMS, suffixes=("", "_everyone"))
        own = seen[seen["scope"] == school]
        assert not (own["hidden"] & ~own["hidden_everyone"]).any(), school
        shown = own[own["headline"] & ~own["hidden_everyone"]]
        assert len(shown) and not shown["hidden"].any(), school
        district = seen[seen["scope"] == "__district__"]
        assert (district["hidden"] & ~district["hidden_everyone"]).mean() < 0.25, school
