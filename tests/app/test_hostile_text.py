"""What people and links supply is shown as text on every page (AppTest): a cycle's focus and
practice, commitments, decisions' notes, the reflection's notes and evidence, the debrief's
notes, who wrote them, a school's name from a file, and the `school` query parameter. Each
carries a Markdown image and link, KaTeX, a colour directive and HTML; none of it may reach
a Markdown element, a widget or expander label, or a chart as anything but escaped text
(monitor.text). Text over a field's limit is refused through the page with a message, and
nothing is saved."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor import text
from monitor.access import Scope
from monitor.config import load_settings
from monitor.writing import goalbook
from monitor.writing.records import DISTRICT, LIMITS, Author, Commitment, Indicator, Note
from monitor.writing.store import Store

from .tabs import open_tables
from .test_pages import run_page
from .test_principal import principal_run

HOSTILE = ("![b](http://beacon.test/b.png) [Sign in again here](http://phish.test/login) "
           "$\\frac{1}{2}$ :red[alarm] :material/warning: <img src=x onerror=alert(1)> "
           "**bold** www.phish.test")
# What Markdown would make of it: none of these may reach a Markdown element as written (a
# character escaped with a backslash is shown as itself). (Tags are shown as text by
# Streamlit whatever the Markdown: the browser tests check no element is made of them.)
RENDERED = [re.compile(r"(?<!\\)" + re.escape(p)) for p in (
    "![b](", "](http", ":red[", ":material/warning:", "$\\frac", "**bold**", "http://", "www.")]
MARKDOWN_KINDS = ("title", "header", "subheader", "caption", "markdown", "error", "warning",
                  "info", "success", "toast")
WIDGETS = ("selectbox", "text_input", "text_area", "number_input", "multiselect", "button",
           "expander", "tab", "date_input", "segmented_control", "radio", "checkbox")


@pytest.fixture
def hostile(use_demo_db, tmp_path, monkeypatch, schools):
    """The demo with a school named HOSTILE, and a store holding HOSTILE in every field."""
    db = tmp_path / "monitor.duckdb"
    shutil.copy2(use_demo_db, db)
    code = schools.loc[schools["level"] == "Elementary", "school_code"].iloc[0]
    con = duckdb.connect(str(db))
    con.execute("UPDATE schools SET school_name = $name WHERE school_code = $code",
                {"name": HOSTILE, "code": code})
    con.close()
    monkeypatch.setenv("MONITOR_DB", str(db))
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("MONITOR_STORE_URL", url)
    store = Store(url)
    me = Author(HOSTILE, Scope(role="district"))
    D = dt.date
    indicators = [Indicator("leading", "walkthrough", 60.0, detail="ca2", start_value=40.0),
                  Indicator("lagging", "benchmark", 60.0, subject="ELA", start_value=50.0)]
    promise = Commitment(HOSTILE, HOSTILE[:120], D(2026, 12, 1), link=HOSTILE)
    first = store.open_cycle(me, code, HOSTILE, HOSTILE, D(2026, 8, 15), D(2026, 10, 31),
                             indicators, [promise])
    store.review(me, {i.id: ("adjust", HOSTILE) for i in first.indicators},
                 {i.id: i.target + 5 for i in first.indicators})
    store.close_cycle(me, first.id, D(2026, 11, 1), D(2027, 1, 31), {})
    store.open_cycle(me, DISTRICT, HOSTILE, HOSTILE, D(2026, 11, 1), D(2027, 3, 15),
                     indicators, [promise])
    store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Plan", HOSTILE,
                  HOSTILE)
    settings = load_settings()
    goals = goalbook.GoalDesk(store, me, settings)
    goals.set_goal("2026-27", "benchmark", code, "ELA", {"3": 85}, HOSTILE, HOSTILE)
    goals.set_goal("2026-27", "benchmark", DISTRICT, None, {"3": 81}, HOSTILE, HOSTILE)
    goalbook.GoalDesk(store, Author(HOSTILE, Scope(role="principal", schools=(code,))),
                      settings).set_goal("2026-27", "benchmark", code, "Math", {"3": 70},
                                         HOSTILE, HOSTILE)
    for scope in ("district", code):
        store.save_note(me, "2026-27", "Q2", scope, "trend",
                        Note(HOSTILE, HOSTILE, f"{HOSTILE}\n{HOSTILE}"))
        store.save_note(me, "2026-27", "Q3", scope, "trend", Note(HOSTILE, HOSTILE, HOSTILE))
    return code


def markdown_texts(at: AppTest) -> list[str]:
    """Every string a page gave Streamlit to render as Markdown: elements and labels."""
    found = [str(e.value) for kind in MARKDOWN_KINDS for e in at.get(kind)]
    for kind in WIDGETS:
        for element in at.get(kind):
            label = getattr(element, "label", None)
            if label:
                found.append(str(label))
    return found


def chart_texts(at: AppTest) -> list[str]:
    out = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return out


def assert_shown_as_text(at: AppTest, where: str) -> int:
    """No Markdown element or label holds the hostile text as written, no chart draws its
    tags; returns how many show it escaped (the words are shown, not dropped)."""
    texts = markdown_texts(at)
    for value in texts:
        for pattern in RENDERED:
            assert not pattern.search(value), (where, pattern.pattern, value[:300])
    for value in chart_texts(at):
        assert "<img" not in value and "<a " not in value, (where, value[:300])
    return sum(text.markdown(HOSTILE) in value for value in texts)


PAGES = [("overview", {}), ("school", {"school": None}), ("cycles", {"school": None}),
         ("cycles", {}), ("reflection", {}), ("learning_walks", {}),
         ("learning_walks", {"school": None}), ("groups", {"school": None}),
         ("surveys", {"school": None}), ("goals", {"school": None}), ("goals", {})]


@pytest.mark.parametrize(("page_name", "params"), PAGES,
                         ids=[f"{p}-{'school' if q else 'district'}" for p, q in PAGES])
def test_hostile_text_is_text_on_every_page(hostile, page_name, params):
    params = {k: (hostile if v is None else v) for k, v in params.items()}
    at = run_page(page_name, params)
    shown = assert_shown_as_text(at, page_name)
    # Where people's words or the school's name belong on the page, they are there.
    if page_name in ("overview", "cycles", "school", "reflection", "goals") or (
            page_name == "learning_walks" and params):
        assert shown or any(HOSTILE in str(frame.value.to_csv())
                         for frame in open_tables(at).dataframe), \
            page_name


@pytest.mark.parametrize("where", ["district", "school"])
def test_hostile_text_is_text_on_every_slide(hostile, where):
    params = {"present": "1", "slide": "1"} | ({"school": hostile} if where == "school" else {})
    at = run_page("learning_walks", params)
    assert_shown_as_text(at, "slide 1")
    # The opening slide lists the last walk's next steps (each cut to what a room reads).
    assert any(text.markdown(HOSTILE[:30]) in value for value in markdown_texts(at))
    number = 1
    while not at.button(key="slide_next").disabled:
        at.button(key="slide_next").click().run()
        number += 1
        assert_shown_as_text(at, f"slide {number}")
    assert number >= 5


def test_a_hostile_school_parameter_is_not_echoed(principal_config):
    at = principal_run("overview", {"school": HOSTILE})
    assert at.error and all(HOSTILE not in e.value and "phish" not in e.value
                            for e in at.error)
    assert_shown_as_text(at, "overview")


def test_a_megabyte_focus_saves_nothing_through_the_page(use_demo_db, tmp_path, monkeypatch,
                                                         schools):
    """The page's fields stop at the store's limits (the browser stops typing there); a
    megabyte pasted in is not taken, and nothing is saved (the store refuses anything longer
    in any case: tests/unit/test_store.py)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("MONITOR_STORE_URL", url)
    at = run_page("cycles", {"school": schools["school_code"].iloc[0]})
    assert at.text_area(key="cycle_focus").max_chars == LIMITS["focus"]
    assert at.text_input(key="cycle_practice").max_chars == LIMITS["practice"]
    at.text_area(key="cycle_focus").input("x" * 1_000_000)
    at.text_input(key="cycle_practice").input("Turn and talk")
    at.selectbox(key="cycle_leading_0").set_value("walkthrough|ca2|").run()
    at.selectbox(key="cycle_lagging_0").set_value("benchmark||ELA").run()
    at.button(key="cycle_open").click().run()
    assert at.error and Store(url).cycles() == [] and Store(url).history() == []
