"""Suggestions for a goal from last year's results (monitor.views.goal_setting), over generated
districts: where a school ended, a third of the gap to the absolute goal, the top quarter's
growth, and why one is not offered; a hidden result is never a starting point."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.config import load_settings
from monitor.views import goal_setting
from monitor.views.sections import PEER_MINIMUM

SETTINGS = load_settings()
YEAR, LAST_YEAR = "2026-27", "2025-26"
# The benchmark's windows: 1, 2, 3; the absolute goal at 3 is 80 (config.toml).
value = st.one_of(st.none(), st.floats(0, 100).map(lambda v: round(v, 1)))


def _table(schools: list[tuple[float | None, float | None]],
           district: float | None) -> pd.DataFrame:
    """A measures table of last year: each school's first and year-end window (None: hidden,
    as the protected table holds a hidden cell: no value), and the district's year end."""
    rows = []
    for i, (first, end) in enumerate(schools):
        for window, v in (("1", first), ("3", end)):
            rows.append({"school": f"S{i}", "year": LAST_YEAR, "window": window, "group": "all",
                         "grade": "all", "detail": None, "value": np.nan if v is None else v,
                         "n": 30})
    rows.append({"school": "district", "year": LAST_YEAR, "window": "3", "group": "all",
                 "grade": "all", "detail": None,
                 "value": np.nan if district is None else district, "n": 900})
    return pd.DataFrame(rows)


def _whole(v: float) -> float:
    return float(min(100, max(0, math.floor(v + 0.5))))


@given(schools=st.lists(st.tuples(value, value), min_size=1, max_size=12),
       district=value, pick=st.integers(0, 11))
@hypothesis_settings(max_examples=200, deadline=None)
def test_suggestions_follow_their_arithmetic(schools, district, pick):
    table = _table(schools, district)
    where = "district" if pick >= len(schools) else f"S{pick}"
    start, offered = goal_setting.suggestions(table, SETTINGS, "benchmark", "ELA", where, YEAR)
    by_key = {s.key: s for s in offered}
    ended = district if where == "district" else schools[pick][1]
    assert start.value == ended
    if ended is None:
        assert "hidden" in start.words
        assert by_key["third_of_gap"].value is None
        assert "no starting point" in by_key["third_of_gap"].why
    else:
        expected = ended if ended >= 80 else ended + (80 - ended) / 3
        assert by_key["third_of_gap"].value == _whole(expected)
    both = [(f, e) for f, e in schools if f is not None and e is not None]
    if len(both) < PEER_MINIMUM:
        assert by_key["top_quarter"].value is None
        assert f"fewer than {PEER_MINIMUM} schools" in by_key["top_quarter"].why
    else:
        # Grown from where the year starts (last year's first window here: this year has
        # none in the table), not from last year's end.
        begins = None if where == "district" else schools[pick][0]
        growth = float(np.percentile([e - f for f, e in both], 75))
        if begins is None:
            assert by_key["top_quarter"].value is None
        else:
            assert by_key["top_quarter"].value == _whole(begins + max(growth, 0.0))
            assert f"{len(both)} schools in {LAST_YEAR}" in by_key["top_quarter"].why
    assert by_key["absolute"].value == 80.0
    # This year's first window, where it is shown, is where the growth starts.
    if len(both) >= PEER_MINIMUM and where != "district":
        now = pd.concat([table, pd.DataFrame([{
            "school": where, "year": YEAR, "window": "1", "group": "all", "grade": "all",
            "detail": None, "value": 41.0, "n": 30}])])
        _, again = goal_setting.suggestions(now, SETTINGS, "benchmark", "ELA", where, YEAR)
        quarter = next(s for s in again if s.key == "top_quarter")
        assert quarter.value == _whole(41.0 + max(growth, 0.0))
        assert quarter.why.startswith(f"41% at BM1 {YEAR} + ")
    # A hidden result's value appears nowhere: every value offered comes from shown ones.
    for suggestion in offered:
        assert suggestion.value is None or 0 <= suggestion.value <= 100


def test_no_results_last_year_and_one_window_a_year_say_why():
    empty = _table([], None).iloc[0:0]
    start, offered = goal_setting.suggestions(empty, SETTINGS, "benchmark", "ELA", "S0", YEAR)
    assert start.value is None and start.words == f"no results in {LAST_YEAR}"
    state = goal_setting.top_quarter_growth(empty, SETTINGS, "state_test", YEAR)
    assert state == (None, "one window a year: no growth within a year to compare")
    assert [s.key for s in offered] == ["third_of_gap", "top_quarter", "absolute"]


def test_interim_goals_move_the_districts_trajectory_to_the_year_end_goal():
    assert goal_setting.interim_goals(SETTINGS, "benchmark", "ELA", 86.0) == {"1": 66.0,
                                                                          "2": 81.0}
    assert goal_setting.interim_goals(SETTINGS, "benchmark", "ELA", 30.0) == {"1": 10.0,
                                                                          "2": 25.0}
    assert goal_setting.interim_goals(SETTINGS, "benchmark", "ELA", None) == {}
