"""Every page through Streamlit's AppTest, on the small demo district (no browser)."""

from __future__ import annotations

import json
import os
import re

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from monitor.access import Scope
from monitor.config import PROJECT_ROOT
from monitor.db import Database
from monitor.ui import data
from monitor.views import movement
from monitor.writing.records import Author, Note
from monitor.writing.store import Store

from ..conftest import AS_OF
from .tabs import open_charts, open_tables

PAGES = ["overview", "school", "groups", "learning_walks", "surveys", "data"]
APP = str(PROJECT_ROOT / "app.py")


def run_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def school_codes(db_path) -> list[str]:
    return Database(db_path).query("schools")["school_code"].tolist()


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace_names(figure: dict) -> list[str]:
    return [trace.get("name") for trace in figure["data"]]


@pytest.mark.parametrize("page_name", PAGES)
def test_each_chart_draws_its_table_when_its_table_tab_is_opened(page_name, use_demo_db):
    """Every chart has a "Table" tab; a page draws only the open tab of each (opening the other
    reruns it), so a run sends no chart's table until a reader asks for it, and no chart then."""
    at = run_page(page_name)
    charts, tables = len(at.get("plotly_chart")), len(at.dataframe)
    assert charts
    open_tables(at)
    assert not at.get("plotly_chart")
    assert len(at.dataframe) == tables + charts
    assert all(len(frame.value) for frame in at.dataframe[-charts:])
    open_charts(at)
    assert (len(at.get("plotly_chart")), len(at.dataframe)) == (charts, tables)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_shows_a_measure_against_its_goal(page_name, use_demo_db):
    at = run_page(page_name)
    figs = figures(at)
    assert figs, "no chart on the page"
    assert any("Goal" in trace_names(f) or f["layout"].get("shapes") for f in figs)
    captions = " ".join(c.value for c in at.caption)
    assert f"as of {AS_OF:%B %-d, %Y}" in captions
    assert "n = " in captions
    assert not at.error, [e.value for e in at.error]


def test_overview_tiles_and_trajectory(use_demo_db):
    at = run_page("overview")
    # One row: each headline measure with ELA and Math side by side.
    headings = [m.value for m in at.markdown if re.fullmatch(r"\*\*[^*\n]+\*\*", m.value)]
    assert headings[:4] == ["**Benchmark**", "**i-Ready growth**", "**ESGI**",
                            "**Learning walks**"]
    labels = [m.label for m in at.metric]
    assert labels == ["ELA", "Math"] * 3 + ["All subjects"]
    assert all(m.value.endswith("%") or m.value.startswith("n<") for m in at.metric)
    # Status against goal comes first, as words and mark; the change from last year is grey
    # context (never a green arrow on a tile that has not met its goal).
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == len(labels)
    assert badges[0] in (":blue-badge[✓ Met]", ":orange-badge[≈ Approaching]",
                         ":red-badge[✗ Not met]")
    assert all("color: GRAY" in str(m.proto) for m in at.metric if m.proto.delta)
    # ESGI's window 3 is open with 3 of its 4 schools in: the district's status waits.
    assert badges[4] == ":gray-badge[Waiting]", badges
    captions = [c.value for c in at.caption]
    assert any("3 of 4 schools in: status waits for more" in c for c in captions), captions
    titles = [s.value for s in at.subheader]
    assert any("goal" in t for t in titles), titles
    trajectory = figures(at)[0]
    assert trace_names(trajectory) == ["Last year", "Goal", "Projected at this rate", "This year"]


def test_overview_shows_the_calendar_and_what_is_new(use_demo_db):
    at = run_page("overview")
    titles = [s.value for s in at.subheader]
    # As of February 15: ESGI window 3, learning walk Q3 (teacher growth's too: listed once),
    # the spring survey window, February's performance tasks and coaching cycle 3 are open.
    assert any(t.startswith("5 window(s) open now") for t in titles), titles
    # One load: nothing to compare with yet, and the page says so.
    assert any(t.startswith("First load on") for t in titles), titles
    assert any(t.startswith("Schools at goal, latest window: Benchmark ELA") for t in titles)
    assert any(t.startswith("Needs attention:") for t in titles)
    grids = [d.value for d in at.dataframe if "Page" in d.value.columns]
    assert grids and grids[0]["Page"].str.startswith("/school?school=").all()


def test_the_schools_grid_opens_a_school_with_the_users_filters(use_demo_db):
    at = run_page("overview", {"group": "el", "subject": "Math", "year": "2025-26"})
    grid = next(d for d in at.dataframe if "Page" in d.value.columns)
    opened = []
    for link in grid.value["Page"]:
        assert link.startswith("/school?")
        query = dict(pair.split("=") for pair in link.split("?")[1].split("&"))
        assert {k: query.get(k) for k in ("group", "subject", "year")} == {
            "group": "el", "subject": "Math", "year": "2025-26"}, link
        opened.append(query["school"])
    assert sorted(opened) == sorted(school_codes(use_demo_db))
    # Empty cells are blank, not the word None (what the browser shows: the styler's display
    # values).
    shown = pa.ipc.open_stream(grid.proto.arrow_data.styler.display_values).read_all()
    cells = shown.to_pandas().drop(columns=["Page"]).astype(str)
    assert cells.isin(["", "None", "nan", "<NA>"]).any().any()        # some cells are empty
    assert not cells.isin(["None", "nan", "<NA>"]).any().any(), cells


def test_what_changed_this_week(week_db, monkeypatch, settings):
    """Loaded a week apart, the overview says what changed since the version a week old:
    the first screen's lines (what arrived, by measure and window) and, further down, every
    changed result with its values then and now; the School page says what changed there."""
    monkeypatch.setenv("MONITOR_DB", str(week_db))
    at = run_page("overview")
    texts = " ".join(h.body for h in at.get("html"))
    assert "Since Feb 8:" in texts and "results in for" in texts
    heading = next(s.value for s in at.subheader if s.value.startswith("Since February 8"))
    changed = next(d.value for d in at.dataframe if "What changed" in d.value.columns
                   and "Then (%)" in d.value.columns)
    assert f"{len(changed)} result(s) changed" in heading
    assert changed.iloc[0]["School"] == "District"
    moved = changed[changed["Change (pts)"].notna()]
    assert (moved["Now (%)"] - moved["Then (%)"]).round(1).equals(moved["Change (pts)"])
    assert changed["What changed"].str.match(
        r"(up|down) \d+\.\d points|new results|updated|corrected|now |withdrawn").all()
    # The School page: what changed at that school only.
    school = next(c for c in changed["School"] if c != "District")
    code = Database(week_db).query("schools").set_index("school_name").loc[school, "school_code"]
    page = run_page("school", {"school": code})
    texts = " ".join(h.body for h in page.get("html"))
    assert "Since Feb 8:" in texts
    # A week on, nothing has changed since.
    monkeypatch.setenv("MONITOR_AS_OF", "2027-02-23")
    later = run_page("overview")
    assert any(s.value.startswith("Nothing changed since February 15") for s in later.subheader)


def test_a_first_load_has_nothing_to_compare(use_demo_db):
    at = run_page("overview")
    assert any(s.value.startswith("First load on") and "nothing to compare" in s.value
               for s in at.subheader)


def test_changing_measure_changes_the_chart(use_demo_db):
    at = run_page("overview")
    before = at.subheader[0].value
    at.selectbox(key="overview_measure").set_value("walkthrough").run()
    assert not at.exception
    after = at.subheader[0].value
    assert after != before and "Learning walks" in after


def test_filters_go_into_the_url_and_come_back(use_demo_db):
    at = run_page("overview")
    code = school_codes(use_demo_db)[2]
    at.sidebar.selectbox(key="f_school").set_value(code).run()
    at.sidebar.selectbox(key="f_group").set_value("el").run()
    assert at.query_params["school"] in (code, [code])
    assert at.query_params["group"] in ("el", ["el"])
    # A new session opened from that link shows the same view.
    link = {"school": code, "group": "el", "subject": "Math"}
    again = run_page("overview", link)
    assert again.sidebar.selectbox(key="f_school").value == code
    assert again.sidebar.selectbox(key="f_group").value == "el"
    assert again.sidebar.selectbox(key="f_subject").value == "Math"
    assert "English learners" in again.caption[0].value


def test_url_with_unknown_values_falls_back_to_defaults(use_demo_db):
    at = run_page("overview", {"school": "<script>", "group": "nope"})
    assert at.sidebar.selectbox(key="f_school").value == "__all__"
    assert at.sidebar.selectbox(key="f_group").value == "all"


def test_school_page_asks_for_a_school_then_compares_with_district(use_demo_db):
    """With "All schools" in the sidebar the School page shows every school and asks for one;
    it never shows a school the user did not choose."""
    at = run_page("school")
    assert at.title[0].value == "School"
    assert any("No school chosen" in i.value for i in at.info)
    assert at.sidebar.selectbox(key="f_school").value == "__all__"
    code = school_codes(use_demo_db)[2]
    at.selectbox(key="school_pick").set_value(code).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="f_school").value == code
    names = trace_names(figures(at)[0])
    assert "District" in names and "Goal" in names
    assert at.title[0].value.endswith(("Elementary", "Middle", "High"))


def test_school_filter_applies_on_school_page(use_demo_db):
    at = run_page("overview")
    schools = Database(use_demo_db).query("schools").set_index("school_name")["school_code"]
    at.sidebar.selectbox(key="f_school").set_value(schools["Horizon Continuation High"]).run()
    at.switch_page("app_pages/school.py").run()
    assert at.title[0].value == "Horizon Continuation High"
    # A tiny alternative school: its results are under the minimum n, so no value is shown.
    assert "too few to show (n<10)" in at.subheader[0].value


def test_groups_page_suppresses_small_groups(use_demo_db):
    at = run_page("groups")
    specs = " ".join(json.dumps(f) for f in figures(at))
    table = next(d.value for d in open_tables(at).dataframe
                 if {"Value (%)", "n"} <= set(d.value.columns))
    # A hidden group shows neither its value nor its exact n; every shown one is large enough.
    hidden = table[table["Value (%)"].isna()]
    assert len(hidden) and hidden["n"].isna().all()
    assert (table.loc[table["Value (%)"].notna(), "n"] >= 10).all()
    assert "n<10" in specs


def test_groups_page_shows_catching_up_and_transitions(use_demo_db):
    at = run_page("groups")
    titles = [s.value for s in at.subheader]
    assert any(t.startswith("Catching up:") and "reached it by BM2" in t for t in titles), titles
    assert any(t.startswith("From level to level") for t in titles)
    # The table as shown: counts, and each hidden cell says why ("n<10" or "suppressed").
    shown = at.dataframe[-1].value
    cells = set(shown.to_numpy().ravel())
    assert cells & {"n<10", "suppressed"} and "None" not in cells and "nan" not in cells
    assert any(c.replace(",", "").isdigit() and int(c.replace(",", "")) >= 10 for c in cells)


def test_groups_page_says_why_a_school_has_no_level_table_in_a_large_district(
        use_demo_db, monkeypatch):
    monkeypatch.setattr(movement, "LINKED_SCHOOLS_MAX", 1)
    data.forget_results()
    code = school_codes(use_demo_db)[1]
    at = run_page("groups", {"school": code})
    data.forget_results()
    assert any("shown for the district only" in i.value for i in at.info), \
        [i.value for i in at.info]


def test_data_page_flags_the_missing_window(use_demo_db):
    at = run_page("data")
    assert any("missing" in s.value for s in at.subheader)
    assert at.metric[0].value != "0"
    # Words, not column names, and few enough numbers to read at 1024 px.
    assert [m.label for m in at.metric] == ["Loads", "Schools", "Roster rows", "Result rows"]
    for frame in at.dataframe:
        assert not [c for c in frame.value.columns if "_" in str(c)], frame.value.columns


def test_missing_database_is_a_message_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "No database" in at.error[0].value


def test_bad_config_is_a_message_naming_the_key(tmp_path, monkeypatch, use_demo_db):
    text = (PROJECT_ROOT / "config.toml").read_text().replace("min_n = 10", "min_n = -1")
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("MONITOR_CONFIG", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "privacy.min_n" in at.error[0].value


def test_window_filter_shows_the_view_as_it_stood_then(use_demo_db):
    latest = run_page("overview")
    at = run_page("overview", {"window": "1"})
    assert at.sidebar.selectbox(key="f_window").value == "1"
    assert at.query_params["window"] == "1"
    assert "as it stood when BM1 closed (October 20, 2026)" in at.caption[0].value
    # On the pinned as-of date (February 15) BM2 is the benchmark's latest window; as of the
    # end of BM1 it is BM1, in the tile and in the trajectory's finding alike.
    assert any(c.value.startswith("BM2: goal") for c in latest.caption)
    assert any(c.value.startswith("BM1: goal") for c in at.caption)
    assert not any(c.value.startswith("BM2") for c in at.caption)
    assert " at BM2" in latest.subheader[0].value
    assert " at BM1" in at.subheader[0].value


def test_school_page_ranks_the_school_among_its_level_and_by_grade(use_demo_db):
    schools = Database(use_demo_db).query("schools")
    school = schools[schools["level"] == "Middle"].iloc[0]
    at = run_page("school", {"school": school["school_code"]})
    titles = [s.value for s in at.subheader]
    peers = next(t for t in titles if " middle schools at " in t)
    assert peers.startswith(f"{school['school_name']} is ") and "(median" in peers
    by_grade = next(t for t in titles if t.startswith("By grade at"))
    assert "grade " in by_grade
    tables = [d.value for d in open_tables(at).dataframe]
    table = next(t for t in tables if "District, same grade (%)" in t)
    assert set(table["Grade"]) <= {"6", "7", "8"} and len(table) >= 2
    peers_table = next(t for t in tables if "School" in t
                       and "Goal (%)" in t and "Level" not in t)
    assert peers_table["School"].str.endswith("(this school)").sum() == 1
    assert len(at.metric) >= 4          # the headline tiles, for this school


def test_groups_page_colours_status_and_change_and_says_which_gaps_close(use_demo_db):
    at = run_page("groups")
    titles = [s.value for s in at.subheader]
    assert any(t.startswith("Performance level (status and change together") for t in titles)
    # Colour is never the only signal: the chart's cells say the level and the goal status.
    figure = next(f for f in figures(at) if f["data"][0]["type"] == "heatmap")
    tables = [d.value for d in open_tables(at).dataframe]
    grid = next(t for t in tables if "Performance level" in t)
    coloured = grid[grid["Performance level"].notna()]
    assert len(coloured) and set(coloured["Performance level"]) <= {
        "Red", "Orange", "Yellow", "Green", "Blue"}
    # A level is never a not-met result's Blue (the colour of a goal met on every page).
    assert (coloured.loc[coloured["Performance level"] == "Blue", "Goal status"] == "met").all()
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    levels = [t for t in texts if t.startswith(("Red", "Orange", "Yellow", "Green", "Blue"))]
    assert levels and all(" level · " in t for t in levels)
    assert all(t.endswith(("· met", "· approaching", "· not met")) for t in levels)
    trend = next(t for t in titles if "closing" in t)
    assert "widening since" in trend
    gaps = next(t for t in tables if "Trend" in t)
    assert set(gaps["Trend"]) <= {"closing", "widening", "steady"}
    shrank = gaps["Gap now"].abs() < gaps["Gap last year"].abs() - 1
    assert (gaps.loc[shrank, "Trend"] == "closing").all()


def test_surveys_page_has_response_rates_schools_and_items_by_distance(use_demo_db):
    at = run_page("surveys")
    text = " ".join(m.value for m in at.markdown)
    assert "response rate" in text and "respondents of" in text
    tables = [d.value for d in open_tables(at).dataframe]
    schools = next(t for t in tables if "Response rate (%)" in t)
    rates = schools["Response rate (%)"].dropna()
    assert len(rates) and rates.between(0, 100).all()
    items = next(t for t in tables if "Points from goal" in t)
    distance = items["Points from goal"].dropna()
    assert distance.is_monotonic_increasing and len(items) >= 10
    assert any(s.value.startswith("Furthest from the") for s in at.subheader)
    constructs = next(t for t in tables if "Construct" in t and "Fall" in t and "Spring" in t)
    assert constructs["Fall"].notna().all()


def test_every_chart_offers_csv_and_png(use_demo_db):
    at = run_page("overview")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == labels.count("Download PNG") >= 3


def _config_with(tmp_path, monkeypatch, access: str):
    text = (PROJECT_ROOT / "config.toml").read_text().replace("\ndemo = true\n", f"\n{access}\n")
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("MONITOR_CONFIG", str(path))


def test_the_demo_says_plainly_that_it_has_no_sign_in(use_demo_db):
    at = run_page("overview")
    assert "Demo data, no sign-in" in at.warning[0].value
    assert "No sign-in · District analyst" in " ".join(c.value for c in at.sidebar.caption)


def test_real_data_without_sign_in_refuses_to_start(tmp_path, monkeypatch, use_demo_db):
    _config_with(tmp_path, monkeypatch, "demo = false")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "will not start without sign-in" in at.error[0].value
    assert not at.get("plotly_chart") and not at.metric and not at.sidebar.selectbox


def test_explicitly_allowed_without_sign_in_is_a_viewer(tmp_path, monkeypatch, use_demo_db):
    _config_with(tmp_path, monkeypatch, "demo = false\nallow_without_sign_in = true")
    at = run_page("overview")
    assert "No sign-in" in at.warning[0].value and "viewer" in at.warning[0].value
    titles = [s.value for s in at.subheader]
    assert not any(t.startswith(("What moved", "Nothing moved")) for t in titles)
    # The Data page is not among the viewer's pages at all.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/data.py")


def test_learning_walks_page_has_ratings_schools_leading_and_calibration(use_demo_db):
    at = run_page("learning_walks")
    titles = [s.value for s in at.subheader]
    assert any("rated Mostly or Yes" in t for t in titles), titles
    assert any("schools at or above the goal" in t for t in titles)
    leading = next(t for t in titles if "benchmark results at BM" in t)
    assert "r = " in leading and "schools" in leading
    calibration = next(d.value for d in open_tables(at).dataframe
                       if "Difference (points)" in d.value)
    # The demo user is a district analyst: observer names are shown.
    assert calibration["Observer"].str.contains("@").all()
    assert any(b.proto.label == "Present" for b in at.button)


def test_observer_names_are_for_analysts_only(tmp_path, monkeypatch, use_demo_db):
    _config_with(tmp_path, monkeypatch, 'demo = false\nallow_without_sign_in = true\n'
                                        'role_without_sign_in = "district"')
    at = run_page("learning_walks")
    assert not any("@" in json.dumps(f) for f in figures(at))
    calibration = next(d.value for d in open_tables(at).dataframe
                       if "Difference (points)" in d.value)
    assert calibration["Observer"].str.startswith("Observer ").all()


def test_presentation_mode_steps_through_slides_and_leaves(tmp_path, monkeypatch, use_demo_db):
    monkeypatch.setenv("MONITOR_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    at = run_page("learning_walks")
    at.button(key="present_on").click().run()
    assert at.query_params["present"] == "1" and at.query_params["slide"] == "1"
    assert at.title[0].value.startswith("Learning walk Q3 2026-27: District")
    assert not at.warning             # no app chrome on a slide: not even the demo banner
    assert "demo data (synthetic)" in at.caption[0].value
    titles = [at.title[0].value]
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        titles.append(at.title[0].value)
    assert len(titles) == len(set(titles)) >= 5
    assert at.query_params["slide"] == str(len(titles))
    at.button(key="slide_previous").click().run()
    assert at.title[0].value == titles[-2]
    # Nothing identifying on any slide: no observer or teacher names.
    assert not any("@" in json.dumps(f) for f in figures(at))
    at.button(key="slide_leave").click().run()
    assert "present" not in at.query_params
    assert at.title[0].value == "Learning walks"


def test_a_link_opens_straight_into_a_slide_and_notes_are_kept(tmp_path, monkeypatch,
                                                               use_demo_db):
    monkeypatch.setenv("MONITOR_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    at = run_page("learning_walks", {"present": "1", "slide": "2"})
    assert at.title[0].value.startswith("All indicators:")
    at.text_area(key="notice_trend").input("CA1 flat since Q1")
    at.text_area(key="steps_trend").input("Norm CA1 with coaches\nRevisit grade 3")
    at.button(key="FormSubmitter:notes_trend-Save notes").click().run()
    again = run_page("learning_walks", {"present": "1", "slide": "2"})
    assert again.text_area(key="notice_trend").value == "CA1 flat since Q1"
    assert "Revisit grade 3" in again.text_area(key="steps_trend").value
    # Who saved it is kept with it, and the store's record of changes has the save.
    assert any("by (no sign-in: District analyst)" in c.value for c in again.caption)
    changes = Store(os.environ["MONITOR_STORE_URL"]).history("note")
    assert [(c["changed_by"], c["after"]["notice"]) for c in changes] == [
        ("(no sign-in: District analyst)", "CA1 flat since Q1")]


def test_a_viewer_reads_the_notes_and_cannot_save_them(tmp_path, monkeypatch, use_demo_db):
    monkeypatch.setenv("MONITOR_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    Store(os.environ["MONITOR_STORE_URL"]).save_note(
        Author("coach@district.org", Scope(role="district")), "2026-27", "Q3", "district",
        "trend", Note(notice="written by the district"))
    _config_with(tmp_path, monkeypatch, 'demo = false\nallow_without_sign_in = true\n'
                                        'role_without_sign_in = "viewer"')
    at = run_page("learning_walks", {"present": "1", "slide": "2"})
    assert at.text_area(key="notice_trend").value == "written by the district"
    assert at.text_area(key="notice_trend").disabled
    assert at.button(key="FormSubmitter:notes_trend-Save notes").disabled
    assert "read only for your role" in " ".join(e.label for e in at.expander)


def test_the_window_filter_offers_only_windows_that_have_opened(use_demo_db):
    """As of February 15 BM3 (April) has not opened this year: nothing to show through it.
    Last year every window had."""
    at = run_page("overview")
    window = at.sidebar.selectbox(key="f_window")
    assert window.options == ["Latest results", "Through BM1", "Through BM2"]
    at.sidebar.selectbox(key="f_year").set_value("2025-26").run()
    assert at.sidebar.selectbox(key="f_window").options == [
        "Latest results", "Through BM1", "Through BM2", "Through BM3"]
    at.sidebar.selectbox(key="f_window").set_value("3").run()
    at.sidebar.selectbox(key="f_year").set_value("2026-27").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="f_window").value == "__all__"


def test_a_filter_a_page_does_not_read_is_not_offered_there(use_demo_db):
    """Surveys are chosen on the Surveys page: the sidebar's Subject is not offered there (the
    sidebar says why), keeps its value, and is back on the next page."""
    at = run_page("overview", {"subject": "Math"})
    assert at.sidebar.selectbox(key="f_subject").value == "Math"
    at.switch_page("app_pages/surveys.py").run()
    assert not at.exception
    assert "f_subject" not in [s.key for s in at.sidebar.selectbox]
    assert any("Subject: not used here" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/groups.py").run()
    assert at.sidebar.selectbox(key="f_subject").value == "Math"


@pytest.mark.parametrize("page_name", ["overview", "learning_walks", "surveys"])
def test_the_terms_a_page_uses_are_explained_on_it(page_name, use_demo_db):
    at = run_page(page_name)
    glossary = next(e for e in at.expander if e.label == "What the terms mean")
    text = " ".join(m.value for m in glossary.markdown)
    assert "points below" in text
    if page_name == "learning_walks":
        assert "HQIM" in text and "Core Action" in text and "1A" in text
    titles = " ".join(s.value for s in at.subheader)
    assert "approaching band" not in titles
