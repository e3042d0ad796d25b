"""A page's chart sections as data (monitor.views.sections), without Streamlit: over generated
schools, what each title says is what its rows show, and a school's standing among its peers
never tells another school's value where the reader may not see it."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.views import sections

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
