"""A page's chart sections as data (monitor.views.sections), without Streamlit: over generated
schools, what each title says is what its rows show, and a school's standing among its peers
never tells another school's value where the reader may not see it."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.views import sections, trajectories

STATUSES = ["met", "approaching", "not met", None]


@st.composite
def schools(draw, min_size: int = 0):
    n = draw(st.integers(min_size, 12))
    values = draw(st.lists(st.one_of(st.none(), st.floats(0, 100).map(lambda v: round(v, 1))),
                           min_size=n, max_size=n))
    present = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    status = draw(st.lists(st.sampled_from(STATUSES), min_size=n, max_size=n))
    return pd.DataFrame({
        "school_code": [f"S{i:02d}" for i in range(n)],
        "school_name": [f"School {i}" for i in range(n)],
        "level": "Elementary", "value": values, "n": [40] * n, "target": 60.0,
        "status": status, "present": present})


@hypothesis_settings(max_examples=60, deadline=None)
@given(frame=schools(), expected=st.sets(st.integers(0, 12)))
def test_the_schools_title_counts_what_the_chart_draws(frame, expected):
    codes = [f"S{i:02d}" for i in expected]
    section = sections.schools_at_window(frame, codes, "BM2", 10)
    shown = frame.loc[frame["present"].astype(bool)]
    assert len(section.rows) == len(section.table) == len(shown)
    off = int((shown["status"] == "not met").sum())
    assert section.title.startswith(f"{off} of {len(shown)} schools not met")
    waiting = frame.loc[~frame["present"].astype(bool) & frame["school_code"].isin(codes)]
    assert (f"{len(waiting)} with no results" in section.title) == (len(waiting) > 0)
    assert section.n_note == f"n = {len(shown)} schools with results"
    assert list(section.table.columns) == ["School", "Level", "Value (%)", "n", "Goal (%)",
                                           "Status"]


@hypothesis_settings(max_examples=80, deadline=None)
@given(frame=schools(min_size=1), pick=st.integers(0, 11),
       minimum=st.sampled_from([2, sections.PEER_MINIMUM]))
def test_a_standing_is_a_rank_only_among_enough_schools(frame, pick, minimum):
    school = frame["school_code"].iloc[pick % len(frame)]
    place = sections.standing(frame, school, minimum)
    valued = frame[frame["value"].notna()]
    if school not in set(valued["school_code"]):
        assert place is None
        return
    assert place["count"] == len(valued)
    if len(valued) < minimum:
        # The count alone: a rank and median among fewer would tell another school's value.
        assert place == {"count": len(valued)}
        return
    own = valued.set_index("school_code").loc[school, "value"]
    assert place["rank"] == 1 + int((valued["value"] > own).sum()) or (
        (valued["value"] == own).sum() > 1)
    assert place["median"] == pytest.approx(valued["value"].median())


def test_the_peers_chart_marks_the_school_and_names_its_rank():
    frame = pd.DataFrame({
        "school_code": ["A", "B", "C"], "school_name": ["Oak", "Elm", "Ash"],
        "level": "Elementary", "value": [70.0, 50.0, 60.0], "n": [40, 40, 40],
        "target": 60.0, "status": ["met", "not met", "met"], "present": True})
    section = sections.peers(frame, "C", "Ash", "Elementary", "BM2")
    assert section.title == "Ash is 2nd of 3 elementary schools at BM2 (median 60%)"
    assert "▶ Ash (this school)" in set(section.rows["school_name"])
    assert "Level" not in section.table.columns
    alone = sections.peers(frame.iloc[[2]], "C", "Ash", "Elementary", "BM2")
    assert alone.title == "Elementary schools at BM2"


def test_grades_and_groups_name_the_lowest_and_the_largest_gap():
    grades = pd.DataFrame({"detail": ["3", "4", "5"], "value": [55.0, None, 48.0],
                           "n": [30, 8, 31], "last_year": [60.0, 61.0, 58.0],
                           "target": [60.0, 60.0, 60.0]})
    section = sections.by_grade(grades, "BM2")
    assert section.title == "By grade at BM2: grade 5 is lowest at 48%"
    assert section.n_note == "n = 69 students"
    groups = pd.DataFrame({"group_id": ["all", "el", "swd"],
                           "group": ["All students", "English learners", "Disabilities"],
                           "value": [60.0, 41.0, 38.0], "n": [300, 80, 40],
                           "gap_to_all": [0.0, -19.0, -22.0]})
    section = sections.groups(groups, "BM2", "n = 300 students at BM2")
    assert section.title == "Largest gap at BM2: Disabilities (-22 points)"
    none = sections.groups(groups.assign(gap_to_all=None), "BM2", "")
    assert none.title == "Student groups at BM2"


@hypothesis_settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(-40, 10).map(lambda v: round(v, 1))),
                       min_size=1, max_size=8))
def test_the_widest_gap_is_the_one_named(values):
    rows = pd.DataFrame({"group_id": ["all", *[f"g{i}" for i in range(len(values))]],
                         "group": ["All students", *[f"Group {i}" for i in range(len(values))]],
                         "value": [60.0, *[None if v is None else 60 + v for v in values]],
                         "n": 30, "gap_to_all": [0.0, *values]})
    section, widest = sections.group_gaps(rows, "ELA", "BM2", "n = 300 students", 10)
    gaps = [v for v in values if v is not None]
    if not gaps:
        assert widest is None and section.title == "ELA at BM2 by student group"
        return
    named = rows.set_index("group_id").loc[widest, "gap_to_all"]
    assert named == min(gaps)
    assert f"{trajectories.signed_points(named)} points" in section.title
    assert "-0 points" not in section.title
    assert section.n_note.endswith(f"{values.count(None)} groups under n=10 suppressed")


def test_catching_up_reads_one_scope_and_names_its_share():
    table = pd.DataFrame({
        "scope": ["__district__", "__district__", "A"], "group_id": ["all", "el", "all"],
        "value": [42.0, 30.0, 55.0], "display": ["42%", "30%", "55%"], "n": [100, 40, 20],
        "ci_low": [33.0, 17.0, 34.0], "ci_high": [52.0, 46.0, 74.0],
        "n_at_standard": [200, 10, 40], "n_fell_behind": [12, 3, 2]})
    labels = {"all": "All students", "el": "English learners"}
    section = sections.caught_up(table, "__district__", labels, "BM1", "BM2")
    assert section.title == ("Catching up: 42% of students below standard at BM1 reached it "
                             "by BM2")
    assert list(section.table["Group"]) == ["All students", "English learners"]
    school = sections.caught_up(table.assign(value=None), "A", labels, "BM1", "BM2")
    assert school.title == "Catching up from BM1 to BM2"


def test_survey_sections_say_who_answered_and_where_to_start():
    from monitor.views import survey_sections

    rates = pd.DataFrame({
        "scope": ["__district__", "A"], "window_id": ["fall", "fall"],
        "suppressed": [False, True], "rate": [61.0, None], "respondents_shown": ["1,204", "n<10"],
        "enrolled_shown": ["1,980", "n<10"], "rate_shown": ["61", "n<10"]})
    assert survey_sections.respondents(rates, "__district__", "fall", "Fall") == (
        "Fall: 1,204 respondents of 1,980 students enrolled in the surveyed grades (61% "
        "response rate)")
    assert survey_sections.respondents(rates, "A", "fall", "Fall") == (
        "Fall: respondents n<10 (hidden to protect a small group)")
    assert survey_sections.respondents(rates, "B", "fall", "Fall") is None
    items = pd.DataFrame({"detail": ["belong_1", "belong_2", "not_an_item"],
                          "value": [71.0, 48.0, 10.0], "n": [50, 50, 50],
                          "last_year": [70.0, 52.0, None]})
    section, statements = survey_sections.items(items, 65.0, {}, "Fall")
    assert list(section.rows["detail"]) == ["belong_2", "belong_1"]
    assert section.title.startswith("Furthest from the 65% goal:")
    assert section.title.endswith("at 48% favorable")
    assert all(len(text) <= survey_sections.ITEM_CHARS for text in statements.values())
    assert survey_sections.items(items.iloc[[2]], 65.0, {}, "Fall") is None


@pytest.mark.parametrize(("measure", "values", "present", "school_shown", "says"), [
    ("teacher_growth", [None, 44.0], [True, True], True, ""),
    ("teacher_growth", [None, None], [True, True], False, "rests on fewer than 10 teachers"),
    ("coaching_goals", [None, None], [False, False], False,
     "none of its people coached is in the records"),
    ("leader_coaching", [None, None], [True, False], False, "a handful of leaders, never 10"),
    ("leader_coaching", [None, 70.0], [True, True], True, ""),
])
def test_an_adult_measure_is_the_schools_where_it_can_be_shown(measure, values, present,
                                                               school_shown, says):
    from monitor.views import adults
    frame = pd.DataFrame({"value": values, "present": present})
    found = adults.adults(measure, "Rosa Parks", frame, 10)
    assert found.school_shown == school_shown
    assert found.tab.endswith("(district)") != school_shown
    assert (says in found.line) and (found.line == "") == school_shown
    if not school_shown:
        assert found.line.startswith("Not shown for Rosa Parks: ")


def test_a_measure_with_details_is_its_pooled_value_in_the_grid_and_attention(demo_db,
                                                                              settings):
    """Learning walks' table holds each indicator's series beside the pooled one: the grid,
    the attention list and a school's goals take each school's pooled value (what its
    trajectory shows), never the last indicator's."""
    from monitor.access import Scope
    from monitor.db import Database
    from monitor.measures import selection
    from monitor.views import findings, glance, measures, measures_table, trajectories
    from monitor.views.source import Direct

    db = Database(demo_db)
    source = Direct(db, settings, Scope(role="district"))
    year = settings.current_school_year()
    filters = selection.Filters(school_year=year)
    tables = measures.tables_through(source, filters, ("walkthrough",))
    table = tables["Learning walks"]
    assert table["detail"].notna().any()
    schools = source.schools()
    grid = measures_table.status_grid(tables, schools, year).set_index("school_code")
    attention = findings.needs_attention(tables, dict(zip(
        schools["school_code"], schools["school_name"], strict=True)), {}, year)
    checked = 0
    for code in schools["school_code"]:
        point = trajectories.latest_point(measures.trajectory(
            source, "walkthrough", filters.model_copy(update={"school": code})))
        if point is None or pd.isna(point["value"]):
            continue
        assert grid.loc[code, "Learning walks"] == pytest.approx(point["value"]), code
        assert glance.scope_goals(tables, code, year)["value"].iloc[0] == pytest.approx(
            point["value"])
        name = schools.set_index("school_code").loc[code, "school_name"]
        mine = attention[attention["who"] == name]
        assert mine.empty or mine["value"].iloc[0] == pytest.approx(point["value"])
        checked += 1
    assert checked >= 5


@hypothesis_settings(max_examples=60)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.sampled_from(["BM1", "BM2", "BM3"])),
                min_size=1, max_size=12),
       st.integers(min_value=0, max_value=3))
def test_the_data_pages_coverage_names_every_school_missing_a_started_window(rows, started_n):
    """Each school expected (results from the source in either year) and missing a window
    that has started is named, none other, in the schools' order (checked school by school
    against the grid's definition)."""
    import datetime as dt

    from monitor.config import load_settings

    settings = load_settings()
    calendar = settings.calendars["benchmark"]
    year = "2026-27"
    starts = [w.dates(year)[0] for w in calendar.windows]
    as_of = starts[started_n - 1] if started_n else starts[0] - dt.timedelta(days=1)
    started = [w.id for w in calendar.windows if w.dates(year)[0] <= as_of]
    schools = pd.DataFrame({"school_code": [f"S{i}" for i in range(len(rows))],
                            "school_name": [f"School {i}" for i in range(len(rows))]})
    found = []
    for i, (this_year, last_year, label) in enumerate(rows):
        window = next(w.id for w in calendar.windows if w.label == label)
        if this_year:
            found.append(("benchmark", year, f"S{i}", window, 12))
        if last_year:
            found.append(("benchmark", "2025-26", f"S{i}", window, 12))
    found = pd.DataFrame(found, columns=["source", "school_year", "school_code", "window_id",
                                         "n"])
    section = sections.coverage(found, schools, "benchmark", "benchmark", calendar, year, as_of)
    has = {(r.school_code, r.window_id) for r in found[found["school_year"] == year].itertuples()}
    expected = set(found["school_code"])
    missing = [c for c in schools["school_code"] if c in expected and started
               and any((c, w) not in has for w in started)]
    if missing:
        names = ", ".join(f"School {c[1:]}" for c in missing[:3])
        assert section.title == (f"{len(missing)} school(s) with a missing "
                                 f"{calendar.label.lower()}: {names}")
    else:
        assert section.title.startswith("Every school with benchmark data has every window")
