"""Suppression, worked out by hand: primary, one-outcome, and complementary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from monitor.config import load_settings
from monitor.measures.privacy import COMPLEMENT, DISTRICT, ONE_OUTCOME, SMALL, protect

RACES = ["hispanic", "black", "white", "asian", "filipino", "two_or_more", "pacific_islander",
         "american_indian"]
YES_NO = ["el", "swd", "sed", "foster", "homeless"]


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def cells(rows):
    """rows: (school, group, n, meeting) -> the shape measure_cells.sql returns."""
    return pd.DataFrame([{
        "school_year": "2026-27", "window_id": "1", "school_code": school, "detail": None,
        "group_id": group, "all_details": True, "n": n, "n_records": n, "n_meeting": meeting,
    } for school, group, n, meeting in rows])


def cell(frame, scope, group):
    row = frame[(frame["scope"] == scope) & (frame["group_id"] == group)]
    assert len(row) == 1
    return row.iloc[0]


def test_small_cells_lose_value_and_counts(settings):
    out = protect(cells([("A", "all", 40, 20), ("A", "foster", 6, 3),
                         ("B", "all", 40, 30), ("B", "foster", 4, 1)]), settings)
    foster = cell(out, "A", "foster")
    assert foster["suppressed"] and foster["reason"] == SMALL
    assert pd.isna(foster["value"]) and pd.isna(foster["n_meeting"])
    assert cell(out, "A", "all")["value"] == 50.0
    district = cell(out, DISTRICT, "all")
    assert (district["n"], district["value"]) == (80, 62.5)
    # District foster youth: 10 students, shown; but each school's cell is small.
    assert cell(out, DISTRICT, "foster")["value"] == 40.0


def test_the_only_hidden_school_is_backed_by_the_next_smallest(settings):
    out = protect(cells([("A", "all", 40, 20), ("A", "el", 6, 3),
                         ("B", "all", 60, 30), ("B", "el", 20, 10),
                         ("C", "all", 90, 45), ("C", "el", 30, 15)]), settings)
    assert cell(out, "A", "el")["reason"] == SMALL
    # District EL (56) minus B and C would give A's 6 students: B, the smaller, goes too.
    assert cell(out, "B", "el")["reason"] == COMPLEMENT
    assert not cell(out, "C", "el")["suppressed"]
    assert not cell(out, DISTRICT, "el")["suppressed"]


def test_a_group_whose_complement_is_small_is_hidden(settings):
    # 20 of 25 students are English learners: all minus EL would reveal the other 5.
    out = protect(cells([("A", "all", 25, 15), ("A", "el", 20, 12),
                         ("B", "all", 200, 100), ("B", "el", 50, 20)]), settings)
    assert cell(out, "A", "el")["reason"] == COMPLEMENT
    assert not cell(out, "A", "all")["suppressed"]


def test_race_groups_with_one_small_group_hide_the_next_smallest(settings):
    out = protect(cells([("A", "all", 45, 20), ("A", "hispanic", 25, 10),
                         ("A", "white", 8, 4), ("A", "asian", 12, 6)]), settings)
    assert cell(out, "A", "white")["reason"] == SMALL
    assert cell(out, "A", "asian")["reason"] == COMPLEMENT
    assert not cell(out, "A", "hispanic")["suppressed"]
    # With students in no shown race group (declined to state), one small group is safe.
    out = protect(cells([("A", "all", 57, 26), ("A", "hispanic", 25, 10),
                         ("A", "white", 8, 4), ("A", "asian", 12, 6)]), settings)
    assert not cell(out, "A", "asian")["suppressed"]


def test_everyone_sharing_one_outcome_is_disclosive_when_small(settings):
    out = protect(cells([("A", "all", 200, 100), ("A", "swd", 15, 15), ("A", "el", 25, 0),
                         ("B", "all", 200, 90), ("B", "swd", 40, 10), ("B", "el", 40, 12)]),
                  settings)
    assert cell(out, "A", "swd")["reason"] == ONE_OUTCOME
    assert cell(out, "A", "el")["value"] == 0.0                    # 25 >= disclosive_n
    assert cell(out, "B", "swd")["reason"] == COMPLEMENT           # backs A's hidden cell


# -- property: no suppressed value can be recovered by subtraction ------------------------

def _sensitive(n, meeting, min_n, disclosive_n):
    return n > 0 and (n < min_n or (n < disclosive_n and meeting in (0, n)))


def _check_partition(total, members, min_n, disclosive_n):
    """total/members: (n, meeting, hidden). A lone unknown must not be sensitive."""
    res_n = total[0] - sum(m[0] for m in members)
    res_meeting = total[1] - sum(m[1] for m in members)
    unknowns = [(n, meet) for n, meet, hidden in members if hidden and n > 0]
    if res_n > 0:
        unknowns.append((res_n, res_meeting))
    if total[2]:
        unknowns.append(total[:2])
    if len(unknowns) == 1:
        assert not _sensitive(*unknowns[0], min_n, disclosive_n), (total, members)


@st.composite
def districts(draw):
    """Consistent counts: groups are subsets of all students, races split them."""
    rows = []
    for s in range(draw(st.integers(1, 5))):
        races = {}
        for race in RACES[:draw(st.integers(1, 5))]:
            n = draw(st.integers(0, 40))
            races[race] = (n, draw(st.integers(0, n)))
        declined = draw(st.integers(0, 3))
        declined_meeting = draw(st.integers(0, declined))
        total = sum(n for n, _ in races.values()) + declined
        meeting = sum(m for _, m in races.values()) + declined_meeting
        if total == 0:
            continue
        rows.append((f"S{s}", "all", total, meeting))
        rows += [(f"S{s}", race, n, m) for race, (n, m) in races.items() if n]
        for group in YES_NO[:draw(st.integers(0, 3))]:
            n = draw(st.integers(1, total))
            low, high = max(0, n - (total - meeting)), min(n, meeting)
            rows.append((f"S{s}", group, n, draw(st.integers(low, high))))
    return rows


@pytest.mark.slow
@hyp_settings(max_examples=200, deadline=None)
@given(districts())
def test_no_suppressed_value_is_recoverable(settings, rows):
    if not rows:
        return
    raw = cells(rows)
    out = protect(raw, settings).set_index(["scope", "group_id"])
    counts = raw.set_index(["school_code", "group_id"])
    min_n, disclosive_n = settings.privacy.min_n, settings.privacy.disclosive_n

    def triple(scope, group):
        source = counts.loc[(scope, group)] if scope != DISTRICT else (
            raw[raw["group_id"] == group][["n", "n_meeting"]].sum())
        return int(source["n"]), int(source["n_meeting"]), bool(out.loc[(scope, group),
                                                                         "suppressed"])

    for scope in set(out.index.get_level_values("scope")):
        groups = set(out.loc[scope].index)
        total = triple(scope, "all")
        races = [triple(scope, g) for g in RACES if g in groups]
        _check_partition(total, races, min_n, disclosive_n)
        for group in YES_NO:
            if group in groups:
                _check_partition(total, [triple(scope, group)], min_n, disclosive_n)
    for group in set(out.index.get_level_values("group_id")):
        schools = [triple(s, group) for s in set(raw["school_code"])
                   if (s, group) in out.index]
        _check_partition(triple(DISTRICT, group), schools, min_n, disclosive_n)
    # Every suppressed cell really has no value.
    hidden = out[out["suppressed"]]
    assert hidden["value"].isna().all() and hidden["n_meeting"].isna().all()


def test_wilson_interval_matches_the_textbook():
    from monitor.measures.privacy import wilson_interval

    # 8 of 10: the 95% Wilson interval is 49.0% to 94.3% (Wilson 1927; Newcombe 1998).
    low, high = wilson_interval(np.array([8.0, 0.0]), np.array([10.0, 20.0]))
    assert (round(low[0], 1), round(high[0], 1)) == (49.0, 94.3)
    assert low[1] == 0 and round(high[1], 1) == 16.1


def test_interval_travels_with_the_value_and_is_hidden_with_it(settings):
    out = protect(cells([("A", "all", 40, 20), ("A", "foster", 6, 3)]), settings)
    shown, hidden = cell(out, "A", "all"), cell(out, "A", "foster")
    assert shown["ci_low"] < 50 < shown["ci_high"]
    assert pd.isna(hidden["ci_low"]) and pd.isna(hidden["ci_high"])
