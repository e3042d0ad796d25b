"""Goal trajectories, status and suppression: pure functions over counts."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.config import SetGoal, load_settings
from monitor.measures import goals, selection
from monitor.present import charts
from monitor.views import breakdowns, findings, measures_table, trajectories

from ..conftest import AS_OF


@pytest.fixture(scope="module")
def settings():
    return load_settings()


def test_goal_trajectory_points_and_linear_between(settings):
    assert goals.goal_for(settings, "benchmark", "1") == 60
    assert goals.goal_for(settings, "benchmark", "3") == 80
    # i-Ready: window 1 is the baseline, no target.
    assert goals.goal_for(settings, "iready_growth", "1") is None
    # Performance tasks: 80 at August and June, so 80 every month between.
    assert goals.goal_for(settings, "performance_task", "01") == 80
    # Learning walks configured at every quarter.
    assert goals.goal_for(settings, "walkthrough", "Q3") == 70


def test_goal_interpolates_and_school_override(settings):
    measure = settings.measures["benchmark"].model_copy(update={
        "goals": {"1": 60, "3": 80}, "school_goals": {"101": {"1": 40, "2": 50, "3": 70}}})
    custom = settings.model_copy(update={"measures": settings.measures | {"benchmark": measure}})
    assert goals.goal_for(custom, "benchmark", "2") == 70
    assert goals.goal_for(custom, "benchmark", "2", school="101") == 50
    assert goals.goal_for(custom, "benchmark", "2", school="999") == 70


GOAL_WINDOWS = [["3"], ["1", "3"], ["2"], ["2", "3"], ["1", "2", "3"]]   # ["3"]: year-end only


@given(goal_windows=st.sampled_from(GOAL_WINDOWS), own=st.booleans(),
       own_windows=st.sampled_from(GOAL_WINDOWS),
       rows=st.lists(st.tuples(st.sampled_from(["1", "2", "3", "9"]),
                               st.sampled_from(["district", "101", "102"]),
                               st.one_of(st.none(), st.floats(0, 100), st.sampled_from(
                                   [50.1, 33.35, 12.25, 0.05]))), max_size=40),
       goals_at=st.lists(st.integers(20, 95), min_size=3, max_size=3),
       set_in_product=st.lists(st.tuples(st.sampled_from([None, "101", "102"]),
                                         st.sampled_from([None, "ELA", "Math"]),
                                         st.sampled_from(GOAL_WINDOWS)), max_size=4),
       subject=st.sampled_from([None, "ELA", "Math"]))
@hypothesis_settings(max_examples=200, deadline=None)
def test_targets_over_rows_are_target_at_per_row(goal_windows, own, own_windows, rows, goals_at,
                                                 set_in_product, subject):
    """The vectorised targets (the measures table's) against target_at, one row at a time,
    over district and school goals (config.toml's and set in the product, per subject),
    year-end-only goals (a line from the baseline), windows outside the calendar and missing
    baselines."""
    base = load_settings()
    measure = base.measures["benchmark"].model_copy(update={
        "goals": {w: float(g) for w, g in zip(goal_windows, goals_at, strict=False)},
        "school_goals": {"101": {w: float(g) + 1 for w, g in
                                 zip(own_windows, goals_at, strict=False)}} if own else {}})
    chosen = [SetGoal(measure="benchmark", school=school, subject=about, set_on=AS_OF,
                      set_by="the district office",
                      targets={w: float(g) - 2 * i for w, g in zip(windows, goals_at,
                                                                    strict=False)})
              for i, (school, about, windows) in enumerate(set_in_product)]
    custom = base.model_copy(update={"measures": base.measures | {"benchmark": measure},
                                     "goals_set": tuple(chosen)})
    windows = pd.Series([r[0] for r in rows], dtype=object)
    schools = pd.Series([r[1] for r in rows], dtype=object)
    baselines = pd.Series([r[2] for r in rows], dtype=float)
    found = goals.targets(custom, "benchmark", windows, schools, baselines, subject)
    for (window, school, baseline), target in zip(rows, found, strict=True):
        expected = goals.target_at(custom, "benchmark", window,
                                   None if school == "district" else school, baseline, subject)
        assert (expected is None and pd.isna(target)) or target == expected, (
            window, school, baseline, target, expected)


@given(set_in_product=st.lists(st.tuples(st.sampled_from([None, "101"]),
                                         st.sampled_from([None, "ELA"])), max_size=4,
                               unique=True),
       own=st.booleans(), school=st.sampled_from([None, "101", "102"]),
       subject=st.sampled_from([None, "ELA", "Math"]))
def test_the_most_particular_goal_applies_whole(set_in_product, own, school, subject):
    """A school's goals set in the product for the subject, then for every subject, then its
    config.toml goals; then the district's for the subject, for every subject, config.toml's.
    The table that applies replaces the others whole, and says where it came from."""
    base = load_settings()
    measure = base.measures["benchmark"].model_copy(update={
        "goals": {"3": 80.0}, "school_goals": {"101": {"2": 55.0}} if own else {}})
    chosen = {key: SetGoal(measure="benchmark", school=key[0], subject=key[1], set_on=AS_OF,
                           set_by="the district office", targets={"1": 10.0 + i})
              for i, key in enumerate(set_in_product)}
    custom = base.model_copy(update={"measures": base.measures | {"benchmark": measure},
                                     "goals_set": tuple(chosen.values())})
    order = [(school, subject), (school, None), "config school", (None, subject), (None, None)]
    expected, source = {"3": 80.0}, goals.DISTRICT_CONFIG
    for key in order:
        if key == "config school":
            if school == "101" and own:
                expected, source = {"2": 55.0}, goals.SCHOOL_CONFIG
                break
        elif key in chosen and (key[0] is None or key[0] == school) and \
                (key[1] is None or key[1] == subject):
            expected, source = chosen[key].targets, chosen[key]
            break
    assert goals.goal_source(custom, "benchmark", school, subject) == (expected, source)
    words = goals.origin_text(custom, "benchmark", school, subject)
    if isinstance(source, SetGoal):
        assert "set " in words and "by the district office" in words
        assert words.startswith("the district's goal") == (source.school is None and
                                                            school is not None)
    else:
        assert "config.toml" in words


@pytest.mark.parametrize(("value", "target", "expected"), [
    (60, 60, "met"), (59.9, 60, "approaching"), (55, 60, "approaching"),
    (54.9, 60, "not met"), (None, 60, None), (70, None, None),
])
def test_status(value, target, expected):
    assert goals.status_of(value, target, band=5) == expected


def test_display_text():
    frame = pd.DataFrame({"value": [57.6, None, None, None],
                          "n": [40, 7, 0, 40],
                          "hidden_label": [None, "n<10", None, "suppressed"]})
    assert trajectories.with_display(frame)["display"].tolist() == ["58%", "n<10", "-", "suppressed"]


def test_finding_states_the_gap(settings):
    frame = pd.DataFrame({
        "window_id": ["1", "2"], "window": ["BM1", "BM2"], "state": ["closed", "open"],
        "value": [51.0, None],
        "n": [100, 0], "target": [60.0, 75.0], "status": ["not met", None],
        "change_last_year": [6.7, None],
    })
    assert findings.finding("ELA", frame, 10) == (
        "ELA: 51% at BM1, 9 points below the 60% goal; +7 vs last year")
    frame.loc[0, "change_last_year"] = -0.3
    assert findings.finding("ELA", frame, 10).endswith("; ±0 vs last year")
    frame.loc[0, "state"] = "open"
    assert "(window still open)" in findings.finding("ELA", frame, 10)
    frame.loc[0, ["value", "n"]] = [None, 4]
    frame["hidden_label"] = ["n<10", None]
    assert "(n<10)" in findings.finding("ELA", frame, 10)
    frame["hidden_label"] = ["suppressed", None]
    frame.loc[0, "n"] = 40
    assert "suppressed to protect a small group" in findings.finding("ELA", frame, 10)


def test_a_year_end_goal_draws_a_line_from_the_baseline(settings):
    measure = settings.measures["benchmark"].model_copy(update={"goals": {"3": 80}})
    custom = settings.model_copy(update={"measures": settings.measures | {"benchmark": measure}})
    assert goals.year_end_only(custom, "benchmark")
    # Baseline 50 at BM1, goal 80 at BM3: 65 at BM2, halfway along the straight line.
    assert goals.target_at(custom, "benchmark", "1", None, 50.0) is None
    assert goals.target_at(custom, "benchmark", "2", None, 50.0) == 65.0
    assert goals.target_at(custom, "benchmark", "3", None, 50.0) == 80.0
    assert goals.target_at(custom, "benchmark", "2", None, None) is None
    # With the usual trajectory the baseline does not matter.
    assert goals.target_at(settings, "benchmark", "2", None, 50.0) == 75.0


def test_measure_table_projection_decision_rule_and_gaps(settings):
    from monitor.measures.privacy import protect

    def cell(window, school, group, n, meeting):
        return {"school_year": "2026-27", "window_id": window, "school_code": school,
                "detail": None, "group_id": group, "all_details": True, "n": n,
                "n_records": n, "n_meeting": meeting}

    cells = pd.DataFrame([
        cell("1", "A", "all", 100, 50), cell("2", "A", "all", 100, 60),
        cell("1", "B", "all", 100, 70), cell("2", "B", "all", 100, 80),
        cell("1", "A", "el", 40, 10), cell("2", "A", "el", 40, 16),
        cell("1", "B", "el", 40, 20), cell("2", "B", "el", 40, 24),
    ])
    table = measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)
    rows = table.set_index(["school", "group", "window"])
    a = rows.loc[("A", "all", "2")]
    # 50 -> 60 over one window: 70 at BM3 if the rate holds; 50 < 60 and 60 < 75: flagged.
    assert (a["value"], a["target"], a["status"]) == (60.0, 75.0, "not met")
    assert (a["change_prior_window"], a["projected_year_end"]) == (10.0, 70.0)
    assert bool(a["below_trajectory_last_two"])
    b = rows.loc[("B", "all", "2")]
    assert b["status"] == "met" and not b["below_trajectory_last_two"]
    assert b["projected_year_end"] == 90.0
    el = rows.loc[("A", "el", "2")]
    assert (el["gap_to_all"], el["gap_to_district"]) == (40.0 - 60.0, 40.0 - 50.0)
    district = rows.loc[("district", "all", "2")]
    assert (district["n"], district["value"], district["gap_to_district"]) == (200, 70.0, 0.0)
    assert table["group"].isin(["all", "el"]).all()


def test_assessment_calendar_states_and_arrivals(settings):
    import datetime as dt

    coverage = pd.DataFrame([
        # Two schools take benchmarks (both had results last year); one has BM1 this year.
        {"source": "benchmark", "school_year": "2025-26", "window_id": "1", "school_code": "A",
         "n": 50},
        {"source": "benchmark", "school_year": "2025-26", "window_id": "1", "school_code": "B",
         "n": 40},
        {"source": "benchmark", "school_year": "2026-27", "window_id": "1", "school_code": "A",
         "n": 52},
    ])
    calendar = findings.assessment_calendar(settings, coverage, "2026-27", dt.date(2026, 10, 10))
    bench = calendar[calendar["measure"] == "benchmark"].set_index("window_id")
    assert bench.loc["1", "state"] == "open" and bench.loc["2", "state"] == "upcoming"
    assert (bench.loc["1", "schools_with_results"], bench.loc["1", "schools_expected"]) == (1, 2)
    assert bench.loc["1", "start"] == dt.date(2026, 10, 1)
    walks = calendar[calendar["measure"] == "walkthrough"].set_index("window_id")
    assert walks.loc["Q1", "state"] == "closed" and walks.loc["Q1", "schools_expected"] == 0
    # Teacher growth is counted from the walks' rows on their calendar: their windows, listed
    # once; whether its district status waits for schools is the walks' answer.
    assert "teacher_growth" not in set(calendar["measure"])
    assert len(calendar) == len(calendar.drop_duplicates(["source", "calendar", "window_id"]))
    assert findings.waiting_for_schools(settings, calendar, "benchmark", "1") == (
        "1 of 2 schools in")
    walked = coverage.assign(source="walkthrough", window_id="Q2")
    calendar = findings.assessment_calendar(settings, walked, "2026-27", dt.date(2026, 11, 10))
    assert findings.waiting_for_schools(settings, calendar, "teacher_growth", "Q2") == (
        findings.waiting_for_schools(settings, calendar, "walkthrough", "Q2")) == (
        "1 of 2 schools in")


def test_status_grid_and_needs_attention(settings):
    from monitor.measures.privacy import protect

    def cell(window, school, group, n, meeting, year="2026-27"):
        return {"school_year": year, "window_id": window, "school_code": school,
                "detail": None, "group_id": group, "all_details": True, "n": n,
                "n_records": n, "n_meeting": meeting}

    cells = pd.DataFrame([
        cell("1", "A", "all", 100, 50), cell("2", "A", "all", 100, 45),   # slipping, short
        cell("1", "B", "all", 100, 70), cell("2", "B", "all", 100, 80),   # met
        cell("2", "A", "all", 100, 60, year="2025-26"),
    ])
    table = measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)
    schools = pd.DataFrame({"school_code": ["A", "B", "C"], "school_name": ["Ash", "Birch", "Cedar"],
                            "level": ["Elementary"] * 3})
    grid = measures_table.status_grid({"Benchmark": table}, schools, "2026-27").set_index("school_code")
    assert (grid.loc["A", "Benchmark"], grid.loc["A", "Benchmark status"]) == (45.0, "not met")
    assert grid.loc["B", "Benchmark status"] == "met" and pd.isna(grid.loc["C", "Benchmark"])
    attention = findings.needs_attention({"Benchmark": table}, {"A": "Ash", "B": "Birch"},
                                         {"all": "All students"}, "2026-27")
    assert attention["who"].tolist() == ["Ash", "District"]
    ash = attention.iloc[0]
    assert (ash["window"], ash["value"], ash["target"], ash["gap"]) == ("BM2", 45.0, 75.0, 30.0)
    assert "below trajectory at the last two windows" in ash["why"]
    assert "down 5 points since the last window" in ash["why"]
    assert "15 points below last year" in ash["why"]


def test_needs_attention_puts_whole_schools_first_by_students_short(settings):
    """Twenty schools a few points under their benchmark goal come before a tiny group far
    under it, and before a measure off the headline; within whole schools, the one with more
    students short of the goal comes first."""
    from monitor.measures.privacy import protect

    def cell(window, school, group, n, meeting):
        return {"school_year": "2026-27", "window_id": window, "school_code": school,
                "detail": None, "group_id": group, "all_details": True, "n": n,
                "n_records": n, "n_meeting": meeting}

    rows = []
    for i in range(20):
        code = f"S{i:02d}"
        n = 100 + 10 * i
        # 68% -> 62%: 13 points short of 75% at BM2, and slipping.
        rows += [cell("1", code, "all", n, round(0.68 * n)), cell("2", code, "all", n,
                                                                  round(0.62 * n))]
        rows += [cell("1", code, "el", 11, 8), cell("2", code, "el", 11, 1)]   # 9%: 66 short
    table = measures_table.measure_table(protect(pd.DataFrame(rows), settings), settings, "benchmark",
                                         "ELA", None)
    other = table.assign(measure="performance_task")
    names = {f"S{i:02d}": f"School {i:02d}" for i in range(20)}
    attention = findings.needs_attention({"Benchmark ELA": table, "Performance tasks": other},
                                         names, {"all": "All students", "el": "EL"}, "2026-27",
                                         frozenset({"Benchmark ELA"}))
    first = attention.head(21)
    assert first["measure"].eq("Benchmark ELA").all() and first["whole"].all()
    schools = first[first["who"] != "District"]
    assert sorted(schools["who"]) == sorted(names.values())
    assert schools["who"].iloc[0] == "School 19"            # the largest: most students short
    assert (schools["short"].diff().dropna() <= 0).all()
    groups = attention[~attention["whole"]]
    assert len(groups) and groups.index.min() > attention[attention["whole"]].index.max()


def test_projection_line_runs_from_the_latest_closed_value_at_the_closed_windows_rate():
    from monitor.views.trajectories import _projected_line

    def line(values, closed):
        return _projected_line(pd.Series(values, dtype=float), pd.Series(closed))

    assert line([50.0, 60.0, None], [True, True, False]) == [None, 60.0, 70.0]
    assert line([50.0, None, None, None], [True, False, False, False]) == [None] * 4  # one point
    assert line([50.0, 60.0, 70.0], [True, True, True]) == [None] * 3         # year is done
    assert line([90.0, 99.0, None, None], [True, True, False, False])[-1] == 100.0  # capped
    # A window still open holds the students tested so far: it is not part of the rate.
    # (Half-collected learning walks at 95% would otherwise project to 100%.)
    assert line([50.0, 60.0, 95.0, None], [True, True, False, False]) == [None, 60.0, 70.0,
                                                                          80.0]
    assert line([50.0, 95.0, None], [True, False, False]) == [None] * 3


@pytest.mark.parametrize(("value", "target", "change", "colour"), [
    (75, 60, 6, "Blue"),            # very high, increased significantly
    (75, 60, -6, "Yellow"),         # very high, declined significantly
    (62, 60, 0.5, "Green"),         # high, maintained
    (55, 60, 0, "Yellow"),          # medium, maintained
    (45, 60, 2, "Yellow"),          # low, increased
    (45, 60, -2, "Orange"),         # low, declined
    (30, 60, -1, "Red"),            # very low, declined
    (30, 60, 5, "Yellow"),          # very low, increased significantly
    (50, None, 3, None),            # no goal at the window: no colour
    (50, 60, None, None),           # no last year: no colour
    (None, 60, 3, None),            # suppressed: no colour
])
def test_dashboard_colour_combines_status_and_change(value, target, change, colour):
    assert goals.dashboard_colour(value, target, change) == colour


def test_change_and_status_levels_at_their_cut_points():
    assert [goals.change_level(c) for c in (5, 4.9, 1, 0.9, -0.9, -1, -4.9, -5)] == [
        "Increased significantly", "Increased", "Increased", "Maintained", "Maintained",
        "Declined", "Declined", "Declined significantly"]
    assert [goals.status_level(v, 60) for v in (70, 69.9, 60, 50, 49.9, 40, 39.9)] == [
        "Very high", "High", "High", "Medium", "Low", "Low", "Very low"]


def _table(settings, rows):
    from monitor.measures.privacy import protect

    cells = pd.DataFrame([
        {"school_year": year, "window_id": window, "school_code": "A", "detail": None,
         "group_id": group, "all_details": True, "n": n, "n_records": n, "n_meeting": meeting}
        for year, window, group, n, meeting in rows])
    return measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)


def test_gap_changes_say_closing_and_widening(settings):
    table = _table(settings, [
        ("2025-26", "2", "all", 200, 120), ("2026-27", "2", "all", 200, 120),     # 60% both
        ("2025-26", "2", "el", 50, 15), ("2026-27", "2", "el", 50, 20),           # -30 -> -20
        ("2025-26", "2", "swd", 50, 25), ("2026-27", "2", "swd", 50, 20),         # -10 -> -20
        ("2025-26", "2", "sed", 100, 55), ("2026-27", "2", "sed", 100, 55),       # -5 -> -5
    ])
    ids = {measures_table.group_name(settings, g): g for g in settings.group_labels}
    labels = {name: settings.group_labels[g] for name, g in ids.items()}
    trend = measures_table.gap_changes(table, "A", labels, "2026-27").set_index("group")
    el, swd, sed = (settings.group_labels[g] for g in ("el", "swd", "sed"))
    assert (trend.loc[el, "gap"], trend.loc[el, "gap_last_year"], trend.loc[el, "trend"]) == (
        -20.0, -30.0, "closing")
    assert (trend.loc[swd, "change"], trend.loc[swd, "trend"]) == (10.0, "widening")
    assert trend.loc[sed, "trend"] == "steady"
    grid = measures_table.dashboard_grid({"Benchmark": table}, "A", labels, "2026-27")
    row = grid.set_index("group").loc[el]
    # 40% against the 75% BM2 goal is very low; +10 on last year is a significant increase.
    assert (row["status_level"], row["change_level"], row["colour"]) == (
        "Very low", "Increased significantly", "Yellow")
    assert row["display"] == "Yellow level · 40% (+10) · not met"
    # Every cell says its goal status beside its level, as the other pages colour it.
    assert (grid["status"] == grid["display"].str.rsplit(" · ", n=1).str[-1]).all()


@given(st.floats(0, 100), st.floats(1, 100), st.floats(-30, 30))
def test_a_result_below_its_goal_is_never_in_the_colour_of_met(value, target, change):
    """The Dashboard's Blue is the colour a goal met has on every page: a level below its goal
    is never Blue, whatever its change."""
    colour = goals.dashboard_colour(value, target, change)
    if colour == "Blue":
        assert value >= target
    assert charts.DASHBOARD_FILL["Blue"] == charts.STATUS_COLOURS["met"]


def test_response_rates_are_shown_with_a_hidden_rows_label():
    rates = pd.DataFrame({"window_id": ["fall"] * 2, "scope": ["A", "B"],
                          "respondents": [1234.0, np.nan], "enrolled": [2000.0, np.nan],
                          "rate": [62.0, np.nan], "suppressed": [False, True],
                          "hidden_label": [None, "n<10"]})
    shown = breakdowns.response_rates_shown(rates).set_index("scope")
    assert list(shown.loc["A", ["respondents_shown", "enrolled_shown", "rate_shown"]]) == [
        "1,234", "2,000", "62"]
    assert list(shown.loc["B", ["respondents_shown", "enrolled_shown", "rate_shown"]]) == [
        "n<10"] * 3


def test_view_date_and_window_filter_leave_later_windows_out(settings):
    import datetime as dt

    f = selection.Filters(school_year="2026-27", subject="ELA")
    assert selection.view_date(settings, f) == settings.as_of_date()
    through_bm1 = f.model_copy(update={"window": "1"})
    assert selection.view_date(settings, through_bm1) == dt.date(2026, 10, 20)
    assert selection.windows_through(settings, "benchmark", "2026-27", dt.date(2026, 10, 20)) == ["1"]
    # ESGI W2 opened on October 20 and the fall survey was open all autumn: as it stood then,
    # neither had results to show, so neither is in the view (their results came later).
    assert selection.windows_through(settings, "esgi", "2026-27", dt.date(2026, 10, 20)) == ["1"]
    assert selection.windows_through(settings, "survey", "2026-27",
                                     dt.date(2026, 10, 20)) == []
    assert selection.windows_through(settings, "walkthrough", "2026-27",
                                     dt.date(2026, 10, 20)) == ["Q1"]
    # On the as-of date itself every window that has opened is in view, open ones included.
    today = settings.as_of_date()
    assert selection.windows_through(settings, "survey", "2026-27", today) == [
        w.id for w in settings.calendar_for("survey").windows
        if w.dates("2026-27")[0] <= today]
    from monitor.measures.privacy import protect
    cells = protect(pd.DataFrame([
        {"school_year": "2026-27", "window_id": w, "school_code": "A", "detail": None,
         "group_id": "all", "all_details": True, "n": 100, "n_records": 100, "n_meeting": m}
        for w, m in (("1", 50), ("2", 70))]), settings)
    frame = trajectories.trajectory(cells, settings, "benchmark", through_bm1).set_index("window_id")
    assert frame.loc["1", "value"] == 50 and frame.loc["1", "state"] == "closed"
    assert pd.isna(frame.loc["2", "value"]) and frame.loc["2", "n"] == 0
    assert trajectories.latest_point(frame.reset_index())["window_id"] == "1"


def _cell(window, school, group, n, meeting, year="2026-27"):
    return {"school_year": year, "window_id": window, "school_code": school, "detail": None,
            "group_id": group, "all_details": True, "n": n, "n_records": n,
            "n_meeting": meeting}


def test_a_baseline_window_has_no_status_in_any_view(settings):
    """ESGI window 1 is a baseline: no goal, so no status (its missing target arrives as NaN in
    a table column, which once read as 'not met')."""
    from monitor.measures.privacy import protect

    assert goals.goal_for(settings, "esgi", "1") is None
    cells = pd.DataFrame([_cell("1", "A", "all", 100, 20), _cell("2", "A", "all", 100, 30),
                          _cell("1", "B", "all", 100, 90)])
    table = measures_table.measure_table(protect(cells, settings), settings, "esgi", "ELA", None)
    baseline = table[table["window"] == "1"]
    assert len(baseline) and baseline["target"].isna().all()
    assert baseline["status"].isna().all(), baseline[["school", "status"]]
    assert table[table["window"] == "2"]["status"].notna().all()
    protected = protect(cells, settings).rename(columns={"school_code": "scope"}).assign(
        present=True)
    schools = pd.DataFrame({"school_code": ["A", "B"], "school_name": ["A", "B"],
                            "level": ["Elementary"] * 2})
    filters = selection.Filters(school_year="2026-27", subject="ELA", group="all")
    by_school = breakdowns.by_school(protected, settings, "esgi", filters, "1", schools)
    assert by_school["status"].isna().all()
    assert goals.status_of(20.0, float("nan"), 5) is None


def test_the_decision_rule_holds_on_every_row_it_describes(settings):
    """Below target at this window and the one before: set on each such row, not only the
    series' latest (BM2 is short after a short BM1; BM3 is met)."""
    from monitor.measures.privacy import protect

    cells = pd.DataFrame([_cell("1", "A", "all", 100, 40), _cell("2", "A", "all", 100, 50),
                          _cell("3", "A", "all", 100, 85)])
    table = measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)
    rows = table[table["school"] == "A"].set_index("window")["below_trajectory_last_two"]
    assert rows.to_dict() == {"1": False, "2": True, "3": False}


def test_year_end_projection_reads_closed_windows_only(settings, monkeypatch):
    """As of February 15 BM1 and BM2 have closed; with BM3 open the projection still runs
    from BM1 and BM2, it is absent once the year is over (last year) and for performance
    tasks, whose months are different tasks."""
    from monitor.measures.privacy import protect

    cells = pd.DataFrame([_cell("1", "A", "all", 100, 50), _cell("2", "A", "all", 100, 60),
                          _cell("1", "A", "all", 100, 50, "2025-26"),
                          _cell("2", "A", "all", 100, 60, "2025-26")])
    table = measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)
    a = table[table["school"] == "A"].set_index(["year", "window"])["projected_year_end"]
    assert a[("2026-27", "2")] == 70.0
    assert a.drop(("2026-27", "2")).isna().all()
    monkeypatch.setenv("MONITOR_AS_OF", "2027-01-20")       # BM2 still open: one closed window
    table = measures_table.measure_table(protect(cells, settings), settings, "benchmark", "ELA", None)
    assert table["projected_year_end"].isna().all()
    months = pd.DataFrame([_cell("09", "A", "all", 100, 50), _cell("10", "A", "all", 100, 60)])
    table = measures_table.measure_table(protect(months, settings), settings, "performance_task",
                                         "ELA", None)
    assert table["projected_year_end"].isna().all()


def test_a_tile_with_nothing_this_year_says_why(settings):
    """Not 'first measured at BM2' for a grade benchmarks never cover, nor for a school that
    missed a window that has closed."""
    from monitor.measures.privacy import protect

    cells = protect(pd.DataFrame([_cell("2", "A", "all", 100, 60, "2025-26")]), settings).rename(
        columns={"school_code": "scope"}).assign(present=True)
    school = selection.Filters(school_year="2026-27", subject="ELA", school="A")
    frame = trajectories.trajectory(cells, settings, "benchmark", school)
    assert trajectories.latest_point(frame) is None
    assert trajectories.nothing_yet(settings, "benchmark", school, frame) == (
        "No results for BM2 (closed Jan 31); next: BM3 (opens Apr 27)")
    grade = school.model_copy(update={"grade": "3"})
    frame = trajectories.trajectory(cells.iloc[0:0], settings, "benchmark", grade)
    assert trajectories.nothing_yet(settings, "benchmark", grade, frame) == (
        "No Benchmark results for grade 3 this year or last: not measured here")



@pytest.mark.parametrize(("n", "label", "said"), [
    (12.0, None, "n = 12 {unit} at Q2"),
    (1234.0, None, "n = 1,234 {unit} at Q2"),
    (float("nan"), "n<10", "n<10 {unit} at Q2"),
    (float("nan"), "n<5", "n<5 {unit} at Q2"),
    (float("nan"), "suppressed", "n suppressed ({unit} at Q2)"),
    (float("nan"), None, "n suppressed ({unit} at Q2)"),
])
@pytest.mark.parametrize("measure", ["benchmark", "walkthrough", "leader_coaching"])
def test_a_charts_n_says_a_hidden_count_in_words(n, label, said, measure):
    from monitor import registry
    from monitor.ui import measures as measures_ui

    unit = registry.spec(measure).unit
    frame = pd.DataFrame({"window": ["Q1", "Q2"], "n": [30.0, n], "present": [True, True],
                          "hidden_label": [None, label]})
    assert measures_ui.n_note(frame, measure) == said.format(unit=unit)


@pytest.mark.parametrize(("first", "n", "said"), [
    ("first walk", [0, 12, 0, 0], ["first walk", "no results", "open"]),
    (None, [0, 12, 0, 0], ["no results", "no results", "open"]),
    ("first walk", [11, 12, 0, 0], ["no results", "open"]),
])
def test_an_empty_first_window_says_why_when_the_measure_says_so(first, n, said):
    """Teacher growth has no one at its first walk by definition: that window says so in
    grey; any other closed window with no one counted says "no results" in red."""
    from monitor.present import charts

    frame = pd.DataFrame({
        "window": ["Q1", "Q2", "Q3", "Q4"], "state": ["closed", "closed", "closed", "open"],
        "n": n, "value": [None if c == 0 else 40.0 for c in n], "target": [30.0] * 4,
        "last_year": [None] * 4, "status": [None] * 4,
        "display": ["-" if c == 0 else "40%" for c in n]})
    fig = charts.goal_trajectory_chart(frame, "Teacher practice growth",
                                       first_window_empty=first)
    notes = [(a.text, a.font.color) for a in fig.layout.annotations]
    assert [text for text, _ in notes] == said
    assert all(colour == charts.VERMILLION for text, colour in notes if text == "no results")
    assert all(colour == charts.GREY for text, colour in notes if text == first)
    from monitor import registry
    assert registry.spec("teacher_growth").first_window_empty == "first walk"
    assert registry.spec("benchmark").first_window_empty is None
