"""Teacher practice growth and student voice on the pages (AppTest, the small demo district):
each against its goal with n and the as-of date, in every filter a user can pick; and no teacher
named in any aggregate view, slide, deck or table, whoever is looking."""

from __future__ import annotations

import base64
import io
import json
import random

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation

from monitor.config import load_settings
from monitor.keys import GRADE_BANDS

from ..conftest import AS_OF
from .tabs import choose_tab, open_tables
from .test_pages import figures, run_page
from .test_principal import principal_run, shown_text

LABEL = load_settings().measures["teacher_growth"].label


def teacher_names(demo_files) -> set[str]:
    """Every teacher and leader the demo names: observed on the walks, coached, and the
    coaches."""
    names = set()
    for path in demo_files:
        if path.name.startswith("walkthroughs_"):
            names |= set(pd.read_csv(path, dtype=str)["Teacher"].dropna())
        elif path.name.startswith("coaching_log_teachers"):
            frame = pd.read_csv(path, dtype=str)
            names |= set(frame["Coachee"]) | set(frame["Email Address"])
        elif path.name.startswith("coaching_log_leaders"):
            frame = pd.read_excel(path, dtype=str)
            names |= set(frame["Person coached"]) | set(frame["Email"])
    assert len(names) > 20
    return names


def values(series) -> list:
    """A trace's values as the browser gets them (Plotly sends number arrays base64-encoded)."""
    if isinstance(series, dict):
        return np.frombuffer(base64.b64decode(series["bdata"]), dtype=series["dtype"]).tolist()
    return [np.nan if v is None else v for v in series]


def spec_text(figure: dict) -> str:
    """A chart's spec as text, a title's wrapped lines joined again (charts wrap long titles)."""
    return json.dumps(figure).replace("<br>", " ")


def everything_shown(at) -> str:
    """Every word a person can read on the page: text, tables, chart specs (titles, labels,
    hover text)."""
    return shown_text(at) + "\n".join(json.dumps(f, ensure_ascii=False) for f in figures(at))


def test_the_overview_shows_teacher_growth_against_its_goal(use_demo_db):
    at = run_page("overview")
    at.selectbox(key="overview_measure").set_value("teacher_growth").run()
    assert not at.exception and not at.error
    chart = next(f for f in figures(at) if LABEL in spec_text(f))
    names = [trace.get("name") for trace in chart["data"]]
    assert "Goal" in names and "This year" in names
    captions = " ".join(c.value for c in at.caption)
    assert "teachers at Q3" in captions and f"as of {AS_OF:%B %-d, %Y}" in captions
    # The schools table: each school's share with its count of teachers, or why not.
    schools = next(d.value for d in open_tables(at).dataframe if "Status" in d.value.columns
                   and "School" in d.value.columns and "n" in d.value.columns)
    assert len(schools) and schools["n"].dropna().ge(10).all()


def test_the_school_page_shows_its_teachers_growth_beside_the_walks(use_demo_db, demo_db):
    from monitor.db import Database

    code = Database(demo_db).query("schools")["school_code"].iloc[0]
    at = run_page("school", {"school": code})
    headers = [h.value for h in at.header]
    assert "Leading indicators" in headers
    subjects = {spec_text(f) for f in figures(at)}
    assert any(LABEL in spec for spec in subjects)
    # Not a student measure: not among the outcomes to choose, not prefixed with a subject.
    assert "teacher_growth" not in at.selectbox(key="school_measure").options
    assert not any(f"ELA {LABEL[0].lower()}" in spec for spec in subjects)


def test_the_groups_page_offers_only_measures_of_students(use_demo_db):
    at = run_page("groups")
    options = at.selectbox(key="groups_measure").options
    labels = load_settings().measures
    for adults in ("teacher_growth", "walkthrough", "coaching_goals", "leader_coaching"):
        assert labels[adults].label not in options
    assert labels["benchmark"].label in options


@pytest.mark.parametrize(("measure", "unit"), [("coaching_goals", "people coached"),
                                               ("leader_coaching", "leaders")])
def test_the_overview_shows_coaching_against_its_goal(measure, unit, use_demo_db):
    label = load_settings().measures[measure].label
    at = run_page("overview")
    at.selectbox(key="overview_measure").set_value(measure).run()
    assert not at.exception and not at.error
    chart = next(f for f in figures(at) if label in spec_text(f))
    assert "Goal" in [trace.get("name") for trace in chart["data"]]
    this_year = next(t for t in chart["data"] if t.get("name") == "This year")
    assert any(pd.notna(y) for y in values(this_year["y"]))      # the district has values
    captions = " ".join(c.value for c in at.caption)
    assert f"{unit} at Cycle 3" in captions and f"as of {AS_OF:%B %-d, %Y}" in captions


@pytest.mark.slow       # every school's page: the whole suite's lane
def test_the_school_page_shows_its_adults(use_demo_db, demo_db):
    """Teacher growth, coaching goals and the leader rubric under "Adults", one tab each with a
    chart that has values: the school's where any of its values this year can be shown, else
    the district's with one line saying why; the leader rubric is always the district's (a
    school has a handful of leaders); at some schools the coaching goals are their own."""
    from monitor.db import Database

    settings = load_settings()
    own = 0
    schools = Database(demo_db).query("schools")
    for code, name in zip(schools["school_code"], schools["school_name"], strict=True):
        at = run_page("school", {"school": code})
        assert "Adults: practice and coaching" in [h.value for h in at.header]
        tabs = [t.label for t in at.tabs if t.label in (
            "Teacher growth", "Teacher growth (district)", "Coaching goals",
            "Coaching goals (district)", "Leader coaching (district)")]
        assert len(tabs) == 3 and tabs[-1] == "Leader coaching (district)", tabs
        # Only the open tab is drawn: each opened in turn, as a reader would.
        lines, specs = [], []
        for tab in tabs:
            choose_tab(at, "school_adults", tab)
            lines += [c.value for c in at.caption if c.value.startswith("Not shown for ")]
            specs += [spec_text(f) for f in figures(at)]
        assert len(lines) == sum(t.endswith("(district)") for t in tabs)
        assert any("a school has a handful of leaders, never 10" in line for line in lines)
        assert all(line.startswith("Not shown for " + name.split()[0]) for line in lines)
        for measure in ("teacher_growth", "coaching_goals", "leader_coaching"):
            chart = json.loads(next(s for s in specs if settings.measures[measure].label in s))
            trace = next(t for t in chart["data"] if t.get("name") == "This year")
            assert any(pd.notna(y) for y in values(trace["y"])), (code, measure)
        own += "Coaching goals" in tabs
    assert own >= 2


def test_the_debrief_has_a_teacher_growth_slide(use_demo_db):
    at = run_page("learning_walks", {"present": "1", "slide": "1"})
    titles = [at.title[0].value]
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        titles.append(at.title[0].value)
    growth = [t for t in titles if "than at their first walk" in t
              or "too few teachers observed twice" in t]
    assert len(growth) == 1, titles


def test_the_surveys_page_shows_student_voice(use_demo_db):
    at = open_tables(run_page("surveys"))
    constructs = next(d.value for d in at.dataframe if "Construct" in d.value.columns
                      and "Item" not in d.value.columns)
    assert "Student voice" in set(constructs["Construct"])
    items = next(d.value for d in at.dataframe if "Item" in d.value.columns)
    assert "I feel ownership over my learning." in set(items["Item"])


RNG = random.Random(20261202)
SWEEP = [{"group": g, "grade": RNG.choice([None, *GRADE_BANDS]), "subject": s}
         for g in ["all", "el", "swd"] for s in ["ELA", "Math"]]


@pytest.mark.parametrize("params", SWEEP, ids=lambda p: "-".join(str(v) for v in p.values()))
def test_teacher_growth_in_every_filter_says_what_it_counts(params, use_demo_db):
    """A student group does not apply to teachers: the chart shows all of them and says so, or
    there is a reason; never an empty chart, never a subject-prefixed label."""
    at = run_page("overview", {k: v for k, v in params.items() if v})
    at.selectbox(key="overview_measure").set_value("teacher_growth").run()
    assert not at.exception and not at.error
    specs = [spec_text(f) for f in figures(at)]
    assert any(LABEL in s for s in specs)
    captions = " ".join(c.value for c in at.caption)
    assert "teachers" in captions
    if params["group"] != "all":
        # The headline tiles say that learning walks and teacher growth count all of them.
        assert "not student groups" in captions or "n<" in captions or "n = " in captions


def test_no_teacher_is_named_in_any_view_or_slide(use_demo_db, demo_files):
    names = teacher_names(demo_files)
    seen = []
    for page in ["overview", "school", "groups", "learning_walks", "surveys", "cycles"]:
        at = run_page(page)
        if page == "overview":
            at.selectbox(key="overview_measure").set_value("teacher_growth").run()
        seen.append((page, everything_shown(at)))
    at = run_page("learning_walks", {"present": "1", "slide": "1"})
    seen.append(("slide 1", everything_shown(at)))
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        seen.append((at.title[0].value, everything_shown(at)))
    at = principal_run("learning_walks")
    seen.append(("principal's walks", everything_shown(at)))
    for where, text in seen:
        found = sorted(n for n in names if n in text)
        assert not found, (where, found[:5])


def _powerpoint_deck() -> None:
    """A page script (AppTest.from_function): the debrief deck as the Learning walks page
    builds it, exported to PowerPoint, kept in the session for the test to open."""
    import streamlit as st

    from monitor.access import Scope
    from monitor.measures.selection import Filters
    from monitor.present.debrief import deck_pptx
    from monitor.ui import data, filters
    from monitor.ui import debrief as walks

    settings = data.settings()
    f = Filters(school_year=settings.current_school_year())
    # What app.py works out from a district analyst's sign-in, before any page runs.
    scope = st.session_state[filters.SCOPE_KEY] = Scope(role="district", analyst=True)
    walk = walks.current_walk(settings, f, scope)
    deck = walks.slides(settings, f, scope, walk)
    st.session_state["keys"] = [slide.key for slide in deck]
    st.session_state["pptx"] = deck_pptx(deck, {}, walk.heading, settings.as_of_date())


def test_the_powerpoint_deck_names_no_teacher(use_demo_db, demo_files):
    """The debrief deck exported to PowerPoint, opened with python-pptx: the teacher growth
    slide is in it, and no slide's text or table names a teacher."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_powerpoint_deck, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "teachers" in at.session_state["keys"]
    pptx = Presentation(io.BytesIO(at.session_state["pptx"]))
    text = []
    for slide in pptx.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                text.append(shape.text_frame.text)
            if shape.has_table:
                text += [cell.text for row in shape.table.rows for cell in row.cells]
    joined = "\n".join(text)
    assert "teachers observed at least twice" in joined or "too few teachers" in joined
    names = teacher_names(demo_files)
    assert not [n for n in names if n in joined]


@pytest.mark.parametrize("leading", ["teacher_growth||", "coaching_goals||",
                                     "leader_coaching||", "coaching_goals|leader|"])
def test_a_cycle_names_an_adult_outcome_and_reviews_it_from_the_data(leading, use_demo_db,
                                                                     tmp_path, monkeypatch):
    """The district's cycle follows teacher growth or coaching as its leading indicator: its
    start value is the dashboard's own number for that measure, and the review shows it."""
    from monitor.access import Scope
    from monitor.ui import data
    from monitor.writing import cycles as rules
    from monitor.writing.store import Store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("MONITOR_STORE_URL", url)
    settings = load_settings()
    at = run_page("cycles")
    at.text_area(key="cycle_focus").input("Coaching does not yet reach every classroom")
    at.text_input(key="cycle_practice").input("Coaching cycles tied to the walks")
    at.selectbox(key="cycle_leading_0").set_value(leading).run()
    at.selectbox(key="cycle_lagging_0").set_value("benchmark||ELA").run()
    at.button(key="cycle_open").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    cycle = Store(url).cycles([rules.DISTRICT])[0]
    indicator = cycle.indicators[0]
    assert indicator.measure == leading.split("|")[0]
    points = data.cycle_points(Scope(role="district", analyst=True), rules.DISTRICT,
                               indicator, rules.school_year_of(cycle.starts_on))
    assert points["value"].notna().any()               # the district has values to follow
    review = next(d.value for d in open_tables(at).dataframe if "Indicator" in d.value.columns)
    row = review.iloc[0]
    assert row["Indicator"] == rules.indicator_label(settings, indicator)
    start = rules.value_on(points, cycle.starts_on)
    assert row["Start"] == (f"{start:.0f}%" if start is not None else "not shown")
