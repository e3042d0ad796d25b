"""Level-to-level tables and the catching-up table, attacked together.

The attacker here knows nothing of how monitor.measures.privacy reasons (in R^16, school by school): it
writes every number a person can see as a row over every school's 16 unknown counts (the
district's numbers are sums over all schools), and a hidden count is worked out exactly when
its row lies in the span of the shown rows (a dense rank test over all schools at once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.db import Database
from monitor.measures import privacy, selection
from monitor.views import movement

# Slow lane: attacks on the level-to-level tables.
pytestmark = pytest.mark.slow

LEVELS = 4
CELLS = LEVELS * LEVELS
ROWS = np.repeat(np.arange(1, LEVELS + 1), LEVELS)
COLUMNS = np.tile(np.arange(1, LEVELS + 1), LEVELS)
BELOW, AT = ROWS < 3, ROWS >= 3
SUMS = np.vstack([BELOW, BELOW & (COLUMNS >= 3), AT, AT & (COLUMNS < 3)]).astype(float)


def worked_out(shown_rows: list[np.ndarray], secret_rows: list[np.ndarray]) -> list[bool]:
    """For each secret row: does it lie in the span of the shown rows?"""
    if not secret_rows:
        return []
    size = len(secret_rows[0])
    shown = np.array(shown_rows).reshape(-1, size)
    rank = np.linalg.matrix_rank(shown) if len(shown) else 0
    return [(np.linalg.matrix_rank(np.vstack([shown, row])) if len(shown) else 1) == rank
            and bool(np.any(row)) for row in secret_rows]


def attack(district, schools, hidden_d, hidden_s, sums_d, sums_s, unplaced=False):
    """Every shown number as a row over all schools' cells; the secrets: each hidden cell
    and each hidden sum of more than 0. Returns the secrets worked out (scope, what), but
    not the sums the shown sums give away alone (`sums_leak`: the catching-up table's own)."""
    alone = set(sums_leak(schools, sums_d, sums_s, unplaced))
    return [name for name in _attack(district, schools, hidden_d, hidden_s, sums_d, sums_s,
                                     unplaced=unplaced)
            if name not in alone]


def sums_leak(schools, sums_d, sums_s, unplaced=False):
    """What the catching-up counts give away on their own, every cell hidden (cells they
    give away included: "stayed below" is below at start less caught up)."""
    everything = np.ones(CELLS, bool)
    return _attack(schools.sum(axis=0), schools, everything,
                   np.ones((len(schools), CELLS), bool), sums_d, sums_s,
                   unplaced=unplaced)


def _attack(district, schools, hidden_d, hidden_s, sums_d, sums_s, unplaced=False):
    """`unplaced`: the district's numbers also count students placed in no school (one more
    table, never shown)."""
    count = len(schools) + unplaced
    shown, secrets, names = [], [], []

    def row_for(scope, vector):
        row = np.zeros(count * CELLS)
        for s in range(count) if scope is None else [scope]:
            row[s * CELLS:(s + 1) * CELLS] = vector
        return row

    tables = [(None, district, hidden_d, sums_d)] + [
        (s, schools[s], hidden_s[s], sums_s[s]) for s in range(len(schools))]
    for scope, table, hidden, sums_shown in tables:
        for cell in range(CELLS):
            row = row_for(scope, np.eye(CELLS)[cell])
            if hidden[cell]:
                if table[cell] > 0:
                    secrets.append(row)
                    names.append((scope, f"cell {cell}"))
            else:
                shown.append(row)
        for k, vector in enumerate(SUMS):
            row = row_for(scope, vector)
            if sums_shown[k]:
                shown.append(row)
            elif vector @ table > 0:
                secrets.append(row)
                names.append((scope, f"sum {k}"))
    return [name for name, out in zip(names, worked_out(shown, secrets), strict=True) if out]


def principal_attack(district, schools, hidden_d, hidden_s, sums_d, sums_s, school, min_n=10,
                     cells_shown=True):
    """What the principal of `school` works out: they see the district and their school; the
    other schools are to them one unknown table, the rest. Secrets: their own hidden counts,
    and any count of the rest under the minimum (or, when the rest is one school, any)."""
    vectors = np.vstack([np.eye(CELLS), SUMS])
    rest = district - schools[school]
    others = (schools.sum(axis=1) > 0).sum() - (schools[school].sum() > 0)
    one_other = others == 1 and district.sum() == schools.sum()
    shown, secrets, names = [], [], []
    for k, vector in enumerate(vectors):
        mine = np.concatenate([vector, np.zeros(CELLS)])
        whole = np.concatenate([vector, vector])
        own_shown = (not hidden_s[school][k] and cells_shown) if k < CELLS else sums_s[school][
            k - CELLS]
        district_shown = not hidden_d[k] if k < CELLS else sums_d[k - CELLS]
        (shown if own_shown else secrets).append(mine)
        if not own_shown:
            names.append(("own", k, vector @ schools[school]))
        if district_shown:
            shown.append(whole)
        rest_value = vector @ rest
        # Where their school has no one, the rest is the district's own number.
        if rest_value > 0 and vector @ schools[school] > 0 and (rest_value < min_n
                                                                or one_other):
            secrets.append(np.concatenate([np.zeros(CELLS), vector]))
            names.append(("rest", k, rest_value))
    fixed = worked_out(shown, secrets)
    # What the catching-up counts give away on their own is theirs to mend, not the cells'.
    sums_rows = [np.concatenate([v, np.zeros(CELLS)]) for v, on in zip(SUMS, sums_s[school],
                                                                         strict=True) if on]
    sums_rows += [np.concatenate([v, v]) for v, on in zip(SUMS, sums_d, strict=True) if on]
    alone = worked_out(sums_rows, secrets) if sums_rows else [False] * len(secrets)
    return [(kind, k) for (kind, k, value), out, given in zip(names, fixed, alone, strict=True)
            if out and value > 0 and not given]


def primary_only(district, schools, min_n):
    return (district > 0) & (district < min_n), (schools > 0) & (schools < min_n)


@st.composite
def districts(draw):
    count = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(0, 60), min_size=count, max_size=count))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    schools = np.zeros((count, CELLS))
    for s, size in enumerate(sizes):
        # Most students stay near their level, as they do.
        weights = np.exp(-np.abs(ROWS - COLUMNS) * rng.uniform(0.3, 2.0))
        schools[s] = rng.multinomial(size, weights / weights.sum())
    district = schools.sum(axis=0)
    # The catching-up table's own protection is taken as given: any of its sums may be hidden.
    sums_d = np.array(draw(st.lists(st.booleans(), min_size=4, max_size=4)))
    sums_s = np.array(draw(st.lists(st.lists(st.booleans(), min_size=4, max_size=4),
                                    min_size=count, max_size=count))).reshape(count, 4)
    return district, schools, sums_d, sums_s


@hypothesis_settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_nothing_hidden_can_be_worked_out_on_generated_districts(case):
    district, schools, sums_d, sums_s = case
    hidden_d, hidden_s = privacy.protect_linked_tables(district, schools, SUMS, sums_d, sums_s,
                                                       10)
    assert attack(district, schools, hidden_d, hidden_s, sums_d, sums_s) == []
    for school in range(len(schools)):
        assert principal_attack(district, schools, hidden_d, hidden_s, sums_d, sums_s,
                                school) == [], school
    # Every cell under the minimum is hidden; a table under the minimum is hidden whole.
    assert hidden_d[(district > 0) & (district < 10)].all()
    assert hidden_s[(schools > 0) & (schools < 10)].all()
    small = (schools.sum(axis=1) > 0) & (schools.sum(axis=1) < 10)
    assert hidden_s[small].all()


@hypothesis_settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_the_district_table_alone_is_protected_too(case):
    """A large district shows no school's table: the district's is protected against every
    school's catching-up counts."""
    district, schools, sums_d, sums_s = case
    hidden_d, hidden_s = privacy.protect_linked_tables(district, schools, SUMS, sums_d, sums_s,
                                                       10, school_tables=False)
    assert hidden_s.all()
    assert attack(district, schools, hidden_d, hidden_s, sums_d, sums_s) == []


def test_over_the_school_limit_only_the_district_table_is_shown(demo_db, settings,
                                                                monkeypatch):
    monkeypatch.setattr(movement, "LINKED_SCHOOLS_MAX", 1)
    db = Database(demo_db)
    filters = selection.Filters(school_year="2026-27", subject="ELA")
    code = sorted(db.query("schools")["school_code"])[0]
    school = movement.level_transitions(db, settings, "benchmark",
                                     filters.model_copy(update={"school": code}), "1", "2")
    assert school.attrs["schools_not_shown"] and school.isna().all().all()
    district = movement.level_transitions(db, settings, "benchmark", filters, "1", "2")
    assert district.notna().sum().sum() >= 8


def test_the_attacker_finds_what_primary_suppression_leaves():
    """Hiding only the small cells leaks through the catching-up sums and the district: the
    attacker must see it (and the protection must close it)."""
    school_a = np.array([40, 20, 12, 3, 15, 30, 25, 11, 0, 12, 50, 20, 0, 0, 14, 60], float)
    school_b = np.array([30, 14, 11, 0, 12, 22, 30, 10, 2, 10, 40, 25, 0, 1, 16, 70], float)
    schools = np.vstack([school_a, school_b])
    district = schools.sum(axis=0)
    shown_sums = np.ones(4, bool), np.ones((2, 4), bool)
    leaks = attack(district, schools, *primary_only(district, schools, 10), *shown_sums)
    assert (0, "cell 3") in leaks          # school A's Not Met -> Exceeded (3), from its sums
    hidden = privacy.protect_linked_tables(district, schools, SUMS, *shown_sums, 10)
    assert attack(district, schools, *hidden, *shown_sums) == []


def test_a_principal_cannot_read_the_other_school_off_the_district():
    """Two schools: to the principal of one, the district less their school is the other
    school. Shown as analysts may see them, the other's cells come out; protected, none do."""
    school_a = np.array([40, 20, 12, 13, 15, 30, 25, 11, 10, 12, 50, 20, 11, 10, 14, 60], float)
    school_b = np.array([30, 14, 11, 10, 12, 22, 30, 10, 12, 10, 40, 25, 10, 11, 16, 70], float)
    schools = np.vstack([school_a, school_b])
    district = schools.sum(axis=0)
    sums = np.ones(4, bool), np.ones((2, 4), bool)
    assert principal_attack(district, schools, *primary_only(district, schools, 10), *sums, 0)
    hidden_d, hidden_s = privacy.protect_linked_tables(district, schools, SUMS, *sums, 10)
    for school in (0, 1):
        assert principal_attack(district, schools, hidden_d, hidden_s, *sums, school) == []
    assert attack(district, schools, hidden_d, hidden_s, *sums) == []


def published(db: Database, settings, group: str, measure="benchmark", windows=("1", "2")):
    """What the groups page shows for a group, every school and the district: each level-to-
    level table, and the catching-up counts (all grades) as the page shows them."""
    filters = selection.Filters(school_year="2026-27", subject="ELA", group=group)
    catching = movement.catching_up(db, settings, measure, filters, *windows)
    catching = catching[catching["group_id"] == group].set_index("scope")
    codes = sorted(db.query("schools")["school_code"])
    frame = db.query("level_transitions", {
        "source": measure, "year": "2026-27", "from_window": windows[0],
        "to_window": windows[1], "subject": "ELA", "group": group})
    truth = np.zeros((len(codes), CELLS))
    for code, i, j, n in frame[["school_code", "from_level", "to_level", "n"]].itertuples(
            index=False):
        if code in codes:
            truth[codes.index(code), (int(i) - 1) * LEVELS + int(j) - 1] += n
    district = frame.assign(k=(frame["from_level"] - 1) * LEVELS + frame["to_level"] - 1)\
        .groupby("k")["n"].sum().reindex(range(CELLS), fill_value=0).to_numpy(float)

    def shown_of(scope):
        table = movement.level_transitions(
            db, settings, measure, filters.model_copy(
                update={"school": None if scope == privacy.DISTRICT else scope}), *windows)
        hidden = np.isnan(table.to_numpy().ravel())
        if scope in catching.index:
            row = catching.loc[scope]
            values = [row["n"], row["n"], row["n_at_standard"], row["n_fell_behind"]]
            sums = np.array([not pd.isna(v) for v in values])
            sums[1] = sums[0] and not pd.isna(row["value"])
        else:
            sums = np.zeros(4, bool)
        return hidden, sums, table.to_numpy().ravel()

    hidden_d, sums_d, shown_d = shown_of(privacy.DISTRICT)
    parts = [shown_of(code) for code in codes]
    return (district, truth, hidden_d, np.array([p[0] for p in parts]), sums_d,
            np.array([p[1] for p in parts]), shown_d, [p[2] for p in parts])


@pytest.mark.parametrize("group", ["all", "el", "swd", "sed", "foster", "homeless", "black",
                                   "american_indian"])
def test_the_demo_groups_page_tables_leak_nothing(demo_db, settings, group):
    db = Database(demo_db)
    (district, truth, hidden_d, hidden_s, sums_d, sums_s, shown_d,
     shown_s) = published(db, settings, group)
    # What is shown is the truth, and the district's table adds up over what is placed.
    assert np.array_equal(np.nan_to_num(shown_d, nan=-1) >= 0, ~hidden_d)
    assert np.allclose(shown_d[~hidden_d], district[~hidden_d])
    for s, table in enumerate(shown_s):
        assert np.allclose(table[~hidden_s[s]], truth[s][~hidden_s[s]])
    # The district's numbers count the students placed in no school too (never shown alone).
    assert attack(district, truth, hidden_d, hidden_s, sums_d, sums_s, unplaced=True) == []
    for school in range(len(truth)):
        assert principal_attack(district, truth, hidden_d, hidden_s, sums_d, sums_s,
                                school, settings.privacy.min_n) == [], school
    # And the catching-up table on its own gives none of its hidden counts away.
    assert [name for name in sums_leak(truth, sums_d, sums_s, unplaced=True)
            if name[1].startswith("sum")] == []
    assert not ((district > 0) & (district < settings.privacy.min_n) & ~hidden_d).any()


@pytest.mark.parametrize("mine", [slice(0, 2), slice(0, -1)])
def test_a_principal_of_several_schools_cannot_read_the_rest_off_the_district(
        demo_db, settings, mine):
    """The district's table less a principal's schools' tables is, to them, the other schools'.
    Shown to a principal of several schools, it never leaves one school where theirs have
    students, nor a count under min_n; where it would, it is hidden whole and says so."""
    db = Database(demo_db)
    codes = sorted(db.query("schools")["school_code"])
    theirs = codes[mine]
    district, truth, *_ = published(db, settings, "all")
    filters = selection.Filters(school_year="2026-27", subject="ELA", group="all")
    everyone = movement.level_transitions(db, settings, "benchmark", filters, "1", "2")
    table = movement.level_transitions(db, settings, "benchmark", filters, "1", "2",
                                    tuple(theirs))
    mine_cells = truth[[codes.index(c) for c in theirs]].sum(axis=0)
    rest = district - mine_cells
    others = np.delete(truth, [codes.index(c) for c in theirs], axis=0)
    told = ((mine_cells > 0) & ((others > 0).sum(axis=0) <= 1)) | (rest < 10)
    if (told & (rest > 0)).any():
        assert table.isna().all().all() and table.attrs["hidden_for_viewer"]
        assert not everyone.isna().all().all() and not everyone.attrs["hidden_for_viewer"]
    else:
        pd.testing.assert_frame_equal(table, everyone)
    # Their own schools' tables are as everyone's.
    own = filters.model_copy(update={"school": theirs[0]})
    pd.testing.assert_frame_equal(
        movement.level_transitions(db, settings, "benchmark", own, "1", "2", tuple(theirs)),
        movement.level_transitions(db, settings, "benchmark", own, "1", "2"))
