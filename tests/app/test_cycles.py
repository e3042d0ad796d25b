"""Improvement cycles through the page (AppTest): open a cycle for a school with indicators
whose start values come from the data, add commitments, review and decide, close it and find
the next with the unfinished commitments carried; the district's at-a-glance table; and who
may change what, through the page, the data layer and the URL."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from monitor.access import AccessDenied, Scope
from monitor.ui import data
from monitor.writing import cycles as rules
from monitor.writing.desks import Desk
from monitor.writing.records import DISTRICT, Author, Commitment, Cycle, CycleError, Indicator
from monitor.writing.store import Store

from .tabs import open_charts, open_tables
from .test_pages import run_page
from .test_principal import principal_run

LEADING = "walkthrough|ca2|"
LAGGING = "benchmark||ELA"


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("MONITOR_STORE_URL", url)
    return url


@pytest.fixture
def school(schools):
    return schools.loc[schools["level"] == "Elementary", "school_code"].iloc[0]


def _open_cycle(at: AppTest, focus: str, leading: float = 99.0,
                lagging: float = 98.0) -> AppTest:
    at.text_area(key="cycle_focus").input(focus)
    at.text_input(key="cycle_practice").input("Turn and talk with sentence frames")
    at.selectbox(key="cycle_leading_0").set_value(LEADING).run()
    at.selectbox(key="cycle_lagging_0").set_value(LAGGING).run()
    at.number_input(key="cycle_target_leading_0").set_value(leading)
    at.number_input(key="cycle_target_lagging_0").set_value(lagging)
    at.run()
    at.button(key="cycle_open").click().run()
    return at


def _table(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_a_school_opens_reviews_and_closes_a_cycle(store_url, school, settings):
    at = run_page("cycles", {"school": school})
    assert any("No open cycle" in i.value for i in at.info)
    _open_cycle(at, "Students rarely explain their thinking")
    assert not at.error, [e.value for e in at.error]
    assert at.subheader[0].value == "Focus: Students rarely explain their thinking"
    review = _table(open_tables(at), "Indicator")     # the chart's table
    # Start and now are the dashboard's own numbers: the data layer's, read independently.
    cycle = Store(store_url).cycles([school])[0]
    starts, ends = rules.default_dates(settings, settings.as_of_date())
    assert (cycle.starts_on, cycle.ends_on) == (starts, ends)
    scope = Scope(role="district", analyst=True)
    year = rules.school_year_of(starts)
    for row, indicator in zip(review.to_dict("records"), cycle.indicators, strict=True):
        points = data.cycle_points(scope, school, indicator, year)
        start = rules.value_on(points, starts)
        assert indicator.start_value == start
        assert row["Start"] == (f"{start:.0f}%" if start is not None else "not shown")
    assert list(review["Target"]) == ["99%", "98%"]
    assert any(chart for chart in open_charts(at).get("plotly_chart"))

    # Commitments: add two, finish one.
    for what, owner in [("Model turn and talk in PLC", "Instructional coach"),
                        ("Walk every grade 3 room weekly", "Principal")]:
        at.text_input(key="commitment_what").input(what)
        at.text_input(key="commitment_owner").input(owner)
        at.button(key="FormSubmitter:commitment_new-Add commitment").click().run()
    assert list(_table(at, "What")["What"]) == ["Model turn and talk in PLC",
                                                "Walk every grade 3 room weekly"]
    first = Store(store_url).cycles([school])[0].commitments[0]
    at.selectbox(key=f"status_{first.id}").set_value("done")
    at.button(key="FormSubmitter:commitment_progress-Save progress").click().run()
    assert list(_table(at, "What")["Status"]) == ["done", "not started"]

    # Closing asks to confirm (this is before the cycle's end date), and needs a decision on
    # every indicator.
    close = "FormSubmitter:cycle_close-Close and open the next"
    at.button(key=close).click().run()
    assert any("Tick the box to confirm closing" in e.value for e in at.error)
    assert Store(store_url).cycle(cycle.id).status == "open"
    days = (cycle.ends_on - settings.as_of_date()).days
    assert at.checkbox(key="close_confirm").label.startswith(f"Yes, close {days} day(s) before")
    at.checkbox(key="close_confirm").check()
    at.button(key=close).click().run()
    assert any("Decide on every indicator" in e.value for e in at.error)
    leading, lagging = cycle.indicators
    at.selectbox(key=f"decision_{leading.id}").set_value("carry on")
    at.text_input(key=f"decision_note_{leading.id}").input("CA2 rising; keep going")
    # To adjust is to change the target: refused while it is unchanged.
    at.selectbox(key=f"decision_{lagging.id}").set_value("adjust")
    at.button(key="FormSubmitter:cycle_decisions-Save decisions").click().run()
    assert any("is to change its target" in e.value for e in at.error)
    assert Store(store_url).cycle(cycle.id).indicators[1].decision is None
    # A target at or below where it started needs the note to say why.
    at.number_input(key=f"target_{lagging.id}").set_value(62.0)
    at.button(key="FormSubmitter:cycle_decisions-Save decisions").click().run()
    assert any("not above where the indicator started" in e.value for e in at.error)
    at.text_input(key=f"decision_note_{lagging.id}").input("Too soon to see: a realistic step")
    at.button(key="FormSubmitter:cycle_decisions-Save decisions").click().run()
    assert Store(store_url).cycle(cycle.id).indicators[1].target == 62.0
    at.checkbox(key="close_confirm").check()
    at.button(key=close).click().run()
    assert not at.error, [e.value for e in at.error]

    cycles = Store(store_url).cycles([school])
    assert [c.status for c in cycles] == ["open", "closed"]
    following, closed = cycles
    assert following.previous_id == closed.id
    # The next cycle starts the day after the close (the as-of date, the form's default).
    assert following.starts_on == settings.as_of_date() + dt.timedelta(days=1)
    assert [c.what for c in following.commitments] == ["Walk every grade 3 room weekly"]
    assert following.commitments[0].carried_from == closed.commitments[1].id
    assert [i.target for i in following.indicators] == [99.0, 62.0]
    # The page shows the next cycle, its carried commitment, and the closed one below.
    assert f"follows cycle {closed.id}" in " ".join(c.value for c in at.caption)
    assert list(_table(at, "What")["Carried"]) == ["yes"]
    assert any("Students rarely explain" in e.label for e in at.expander)


def test_the_district_sees_every_schools_cycle_at_a_glance(store_url, schools, settings):
    schools = schools["school_code"].tolist()
    store = Store(store_url)
    desk = Desk(store, Author("coach@district.org", Scope(role="district")))
    starts, ends = rules.default_dates(settings, settings.as_of_date())
    for code in schools[:2]:
        desk.open_cycle(code, f"Focus at {code}", "practice", starts, ends, [
            Indicator("leading", "walkthrough", 70.0, detail="hqim"),
            Indicator("lagging", "benchmark", 60.0, subject="Math")],
            [Commitment("Plan", "Coach", starts)])
    at = run_page("cycles")
    assert not at.error
    assert at.subheader[0].value == f"Schools with an open cycle: 2 of {len(schools)}"
    glance = _table(at, "Practice first")
    assert sorted(glance["Focus"]) == [f"Focus at {code}" for code in sorted(schools[:2])]
    assert set(glance["Commitments on time"]) == {"0 of 1 due"}


def test_a_principal_changes_only_their_own_schools_cycle(store_url, principal_config,
                                                           mine_and_other, settings):
    mine, other = mine_and_other
    store = Store(store_url)
    district = Desk(store, Author("coach@district.org", Scope(role="district")))
    starts, ends = rules.default_dates(settings, settings.as_of_date())
    indicators = [Indicator("leading", "walkthrough", 70.0, detail="ca3"),
                  Indicator("lagging", "benchmark", 60.0, subject="ELA")]
    theirs = district.open_cycle(other, "Other school's focus", "", starts, ends, indicators)
    # Through the data layer: reading or changing another school's cycle is refused.
    principal = Scope(role="principal", schools=(mine,))
    with pytest.raises(AccessDenied, match=other):
        data.cycles(principal, other)
    with pytest.raises(AccessDenied, match=other):
        data.cycle_points(principal, other, indicators[0], rules.school_year_of(starts))
    desk = data.cycle_desk(principal)
    with pytest.raises(AccessDenied):
        desk.decide(theirs.indicators[0].id, "stop")
    with pytest.raises(AccessDenied):
        desk.open_cycle(DISTRICT, "the district's", "", starts, ends, indicators)
    assert [c.scope for c in data.every_cycle(principal)] == []
    # Through the URL: another school's cycles page is an access message.
    at = principal_run("overview", {"school": other})
    assert any("does not include the school this link asks for" in e.value for e in at.error)
    # Their own: they open a cycle through the page.
    at = principal_run("cycles")
    _open_cycle(at, "Our focus")
    assert not at.error, [e.value for e in at.error]
    assert [c.opened_by for c in store.cycles([mine])] == ["principal@district.org"]
    assert store.cycle(theirs.id) == theirs


def test_a_cycle_review_dates_windows_and_finds_what_moved_first(settings):
    """The review's rule on hand-made points: practice (CA2) moved by the Q3 walk, results
    (the ELA benchmark) not yet; a commitment done late is not on time."""
    start, end = dt.date(2026, 11, 1), dt.date(2027, 3, 15)
    c = Cycle(1, "X", "focus", "practice", start, end, "open", None, "me", "now", None,
              (Indicator("leading", "walkthrough", 60.0, detail="ca2", start_value=40.0, id=1),
               Indicator("lagging", "benchmark", 55.0, subject="ELA", start_value=50.0, id=2)),
              (Commitment("a", "Coach", dt.date(2026, 12, 1), "done",
                          done_on=dt.date(2026, 11, 20), id=1),
               Commitment("b", "Coach", dt.date(2026, 12, 1), "done",
                          done_on=dt.date(2026, 12, 5), id=2),
               Commitment("c", "Coach", dt.date(2027, 6, 1), id=3)))
    walk = rules.dated(pd.DataFrame({
        "school_year": ["2026-27"] * 3, "window_id": ["Q1", "Q2", "Q3"],
        "value": [40.0, 43.0, 47.0], "suppressed": [False] * 3, "hidden_label": [None] * 3}),
        settings, "walkthrough", dt.date(2027, 2, 15))
    bench = rules.dated(pd.DataFrame({
        "school_year": ["2026-27"] * 3, "window_id": ["1", "2", "3"],
        "value": [50.0, 51.0, None], "suppressed": [False, False, True],
        "hidden_label": [None, None, "n<10"]}), settings, "benchmark", dt.date(2027, 2, 15))
    assert "3" not in set(bench["window_id"])           # not open by February 15
    r = rules.review(c, {1: walk, 2: bench}, settings, dt.date(2027, 2, 15))
    leading, lagging = r.indicators
    assert (leading.start, leading.now, leading.moved) == (40.0, 47.0, True)
    assert leading.moved_on == walk.loc[walk["window_id"] == "Q2", "date"].iloc[0]
    assert (lagging.now, lagging.moved) == (51.0, False)
    assert r.practice_first is True
    assert r.finding == "Practice has moved (1 of 1); results have not yet"
    # The review in plain sentences, one per indicator.
    walk_line, bench_line = r.sentences(settings.cycles.moved_points)
    assert walk_line.startswith("Learning walks") and "rose 7 points since the cycle began (40% " \
        "to 47%" in walk_line
    assert "rose 1 point since the cycle began (50% to 51%" in bench_line
    assert "short of the" in bench_line
    assert (r.commitments_due, r.commitments_on_time) == (2, 1)


def test_the_reflection_is_recorded_for_two_terms_and_its_chart_shows_both(store_url, settings,
                                                                          use_demo_db):
    from monitor.writing import reflection
    framework_id, framework = reflection.framework(settings)
    year = settings.current_school_year()
    first, second = reflection.terms(settings, year)[:2]
    levers = [lever.name for lever in framework.levers]
    at = run_page("reflection")
    assert any("No reflection has been recorded yet" in i.value for i in at.info)
    assert "not a rating" in at.caption[0].value
    at.selectbox(key="reflection_term").set_value(first).run()
    at.selectbox(key=f"stage_{first}_{levers[0]}").set_value("Plan")
    at.selectbox(key=f"stage_{first}_{levers[1]}").set_value("Test")
    at.text_input(key=f"note_{first}_{levers[1]}").input("HQIM piloted in 4 schools")
    at.button(key="FormSubmitter:reflection_form-Save the reflection").click().run()
    at.selectbox(key="reflection_term").set_value(second).run()
    at.selectbox(key=f"stage_{second}_{levers[0]}").set_value("Test")
    at.selectbox(key=f"stage_{second}_{levers[1]}").set_value("Plan")
    at.button(key="FormSubmitter:reflection_form-Save the reflection").click().run()
    assert not at.error, [e.value for e in at.error]
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    grid = chart["data"][0]
    assert list(grid["x"]) == [first, second]
    assert grid["y"][:2] == levers[:2]
    # The note written for the second lever in the first term is marked in its cell.
    assert grid["text"][0][:2] == ["Plan", "Test ↑"] and grid["text"][1][:2] == ["Test ✎", "Plan ↓"]
    assert at.subheader[0].value.startswith(f"{second}: 1 at Plan, 1 at Test")
    recorded = Store(store_url).reflections(framework_id)
    assert {(r["term"], r["lever"], r["stage"]) for r in recorded} == {
        (first, levers[0], "Plan"), (first, levers[1], "Test"),
        (second, levers[0], "Test"), (second, levers[1], "Plan")}
    assert {r["recorded_by"] for r in recorded} == {"(no sign-in: District analyst)"}


def test_the_reflection_explains_itself(store_url, settings, use_demo_db):
    """Each stage defined where it is read and chosen; the form on the current term, offering
    only terms begun; a note marked in the grid and written beside its lever with the
    indicators config.toml names for it; a headline change only where there are two values."""
    from monitor.writing import reflection
    framework_id, framework = reflection.framework(settings)
    year = settings.current_school_year()
    begun = reflection.terms_begun(settings, year, settings.as_of_date())
    assert begun == reflection.terms(settings, year)[:2]        # Fall and Winter by Feb 15
    materials = "High-quality instructional materials"
    Store(store_url).reflect(Author("chief@district.org", Scope(role="district")),
                             framework_id, begun[-1], materials, "", "Scale",
                             "Every elementary school teaches the adopted units")
    at = run_page("reflection")
    words = "\n".join(m.value for m in at.markdown)
    for stage, meaning in reflection.STAGE_MEANINGS.items():
        assert f"**{stage}**: {meaning}." in words
    term = at.selectbox(key="reflection_term")
    assert term.value == begun[-1] and term.options == begun
    stage_box = at.selectbox(key=f"stage_{begun[-1]}_{materials}")
    assert "**Test**: tried in a few schools" in stage_box.help
    grid = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))["data"][0]
    row = list(grid["y"]).index(materials)
    assert grid["text"][row][-1] == "Scale ✎"
    assert "Every elementary school teaches the adopted units" in grid["customdata"][row][-1]
    line = next(m.value for m in at.markdown if m.value.startswith(f"**{materials}**"))
    assert "Scale (spreading to most schools" in line
    assert "*Note:* Every elementary school teaches the adopted units" in line
    # The indicators config.toml names for the lever, each with its latest value this year.
    assert "Learning walks: % of indicator ratings meeting: HQIM in use: " in line
    assert "District benchmark: % proficient (ELA): " in line
    unnamed = next(m.value for m in at.markdown if m.value.startswith(
        "**Organizational management**"))
    assert "not recorded" in unnamed
    # One window so far is no change of ±0.
    headline = next(d.value for d in at.dataframe if "Change (points)" in d.value.columns)
    single = headline[headline["Latest"] == "not measured again yet"]
    assert len(single) and set(single["Change (points)"]) == {"one window so far"}
    assert "±0" not in set(headline["Change (points)"])


def test_uva_ples_thirteen_conditions_are_recorded_each_beside_its_lever(
        store_url, tmp_path, monkeypatch, use_demo_db):
    """The second ready-made framework: every lever and each of its conditions has a row and a
    stage of its own; a condition can stand behind its lever and move back."""
    from monitor.config import PROJECT_ROOT, load_settings
    from monitor.writing import reflection
    path = tmp_path / "config.toml"
    path.write_text((PROJECT_ROOT / "config.toml").read_text().replace(
        'framework = "tntp"', 'framework = "uva_ple"'))
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    settings = load_settings(path)
    framework_id, framework = reflection.framework(settings)
    parts = reflection.parts(framework)
    assert framework_id == "uva_ple" and len(parts) == 17
    rows = [lever if not element else f"{lever}: {element}" for lever, element in parts]
    (lever, _), (_, condition) = parts[0], parts[1]
    first, second = reflection.terms(settings, settings.current_school_year())[:2]
    at = run_page("reflection")
    assert framework.label in at.caption[0].value
    for term, stages in ((first, ("Test", "Scale")), (second, ("Test", "Test"))):
        at.selectbox(key="reflection_term").set_value(term).run()
        at.selectbox(key=f"stage_{term}_{rows[0]}").set_value(stages[0])
        at.selectbox(key=f"stage_{term}_{rows[1]}").set_value(stages[1])
        at.button(key="FormSubmitter:reflection_form-Save the reflection").click().run()
    assert not at.error, [e.value for e in at.error]
    grid = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))["data"][0]
    assert list(grid["y"]) == rows
    axis = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))["layout"]["yaxis"]
    assert axis["ticktext"][:2] == [f"<b>{lever}</b>", condition]
    assert grid["text"][0][:2] == ["Test", "Test"] and grid["text"][1][:2] == ["Scale", "Test ↓"]
    assert at.subheader[0].value == f"{second}: 2 at Test of 17 levers and elements"
    assert {(r["term"], r["lever"], r["element"], r["stage"])
            for r in Store(store_url).reflections(framework_id)} == {
        (first, lever, "", "Test"), (first, lever, condition, "Scale"),
        (second, lever, "", "Test"), (second, lever, condition, "Test")}


def test_a_principal_reads_the_reflection_and_cannot_record_it(store_url, principal_config,
                                                               settings):
    from monitor.writing import reflection
    framework_id, framework = reflection.framework(settings)
    term = reflection.terms(settings, settings.current_school_year())[0]
    Store(store_url).reflect(Author("chief@district.org", Scope(role="district")),
                             framework_id, term, framework.levers[0].name, "", "Scale")
    at = principal_run("reflection")
    assert not at.error and at.get("plotly_chart")
    assert not [s for s in at.selectbox if s.key and s.key.startswith("stage_")]
    assert any("your role reads it" in c.value for c in at.caption)
    with pytest.raises(AccessDenied):
        data.cycle_desk(Scope(role="principal", schools=(principal_config,))).reflect(
            framework_id, term, framework.levers[0].name, "", "Deepen")


def test_the_debrief_deck_ends_with_the_cycle_review(store_url, use_demo_db, settings):
    starts, ends = rules.default_dates(settings, settings.as_of_date())
    Desk(Store(store_url), Author("coach@district.org", Scope(role="district"))
              ).open_cycle(DISTRICT, "High-quality materials in every classroom", "walks",
                           starts, ends, [Indicator("leading", "walkthrough", 75.0,
                                                    detail="hqim"),
                                          Indicator("lagging", "benchmark", 70.0,
                                                    subject="ELA")])
    at = run_page("learning_walks", {"present": "1", "slide": "1"})
    titles = [at.title[0].value]
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        titles.append(at.title[0].value)
    assert titles[-1] == "Cycle review: Nothing has moved yet since the cycle began"
    # The focus, the people's own words, is a line of the slide (text), not its caption.
    assert any(m.value == "Focus: High-quality materials in every classroom"
               for m in at.markdown)
    assert at.get("plotly_chart")


def test_opening_a_cycle_offers_what_it_can_follow_one_at_a_time(store_url, school, settings):
    """No "select all": indicators are chosen one at a time, at most three of practice and two
    of results, and only those measured between the cycle's dates (the spring-only state test
    is not offered for a November to January cycle)."""
    at = run_page("cycles", {"school": school})
    assert not at.multiselect
    at.date_input(key="cycle_starts").set_value(dt.date(2026, 11, 1))
    at.date_input(key="cycle_ends").set_value(dt.date(2027, 1, 31)).run()
    lagging = at.selectbox(key="cycle_lagging_0").options
    assert lagging and not [o for o in lagging if "State test" in o]
    assert rules.indicator_choices(settings, "lagging", dt.date(2026, 11, 1),
                                   dt.date(2027, 1, 31)).keys().isdisjoint({"state_test||ELA"})
    assert "state_test||ELA" in rules.indicator_choices(settings, "lagging", dt.date(2027, 3, 1),
                                                        dt.date(2027, 5, 31))
    # The second appears once the first is chosen, the fourth never.
    keys = [s.key for s in at.selectbox]
    assert "cycle_leading_1" not in keys
    offered = list(rules.indicator_choices(settings, "leading", dt.date(2026, 11, 1),
                                           dt.date(2027, 1, 31)))
    for number in range(3):
        at.selectbox(key=f"cycle_leading_{number}").set_value(offered[number]).run()
    keys = [s.key for s in at.selectbox]
    assert {"cycle_leading_0", "cycle_leading_1", "cycle_leading_2"} <= set(keys)
    assert "cycle_leading_3" not in keys
    # The store holds the same rule for anyone who reaches it another way.
    desk = data.cycle_desk(Scope(role="district"))
    four = [Indicator("leading", "walkthrough", 90.0, detail=d)
            for d in ("ca1", "ca2", "ca3", "hqim")]
    with pytest.raises(CycleError, match="at most 3 leading indicators"):
        desk.open_cycle(school, "f", "p", dt.date(2026, 11, 1), dt.date(2027, 1, 31),
                        [*four, Indicator("lagging", "benchmark", 90.0, subject="ELA")])


def test_a_target_not_above_its_start_needs_a_reason(store_url, school, settings):
    at = run_page("cycles", {"school": school})
    _open_cycle(at, "Hold the gains", leading=10.0, lagging=98.0)
    assert any("is not above where it starts" in e.value for e in at.error)
    assert Store(store_url).cycles([school]) == []            # nothing saved
    at.text_input(key="cycle_reason_leading_0").input("A new walk tool: rebuilding the baseline")
    at.button(key="cycle_open").click().run()
    assert not at.error, [e.value for e in at.error]
    (cycle,) = Store(store_url).cycles([school])
    assert cycle.indicators[0].target_reason == "A new walk tool: rebuilding the baseline"


def test_overdue_commitments_are_flagged_wherever_the_cycle_is_shown(store_url, school,
                                                                     settings):
    as_of = settings.as_of_date()
    starts, ends = rules.default_dates(settings, as_of)
    Desk(Store(store_url), Author("coach@district.org", Scope(role="district"))).open_cycle(
        school, "Focus", "practice", starts, ends,
        [Indicator("leading", "walkthrough", 99.0, detail="hqim"),
         Indicator("lagging", "benchmark", 99.0, subject="Math")],
        [Commitment("Walk every room", "Principal", as_of - dt.timedelta(days=3)),
         Commitment("Plan the PLC", "Coach", as_of + dt.timedelta(days=3))])
    page = run_page("cycles", {"school": school})
    table = _table(page, "What")
    assert list(table["Overdue"]) == ["⚠ 3 days", ""]
    glance = _table(run_page("cycles"), "Practice first")
    assert list(glance["Overdue"]) == ["⚠ 1 overdue"]
    school_page = run_page("school", {"school": school})
    assert any("1 overdue commitment(s)" in m.value for m in school_page.markdown)
    overview = run_page("overview")
    assert any("1 with overdue commitments" in m.value for m in overview.markdown)
