"""The learning walk's deck for each reader (monitor.views.walks through a Direct source): the
district's, and each school's as its principal sees it. Every value on a slide's chart is the
protected one the pages show, a principal's deck names no other school and sets their school
beside the district, and `monitor deck` writes the same slides as PDF and PowerPoint."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from monitor.access import Scope
from monitor.config import PROJECT_ROOT
from monitor.db import Database
from monitor.measures import selection
from monitor.present.debrief import MAX_LABELS
from monitor.views import measures, trajectories, walks
from monitor.views.source import Direct

from ..conftest import AS_OF


@pytest.fixture(scope="module")
def db(demo_db) -> Database:
    return Database(demo_db)


def deck(db, settings, scope: Scope, school: str | None):
    source = Direct(db, settings, scope)
    f = selection.Filters(school_year=settings.current_school_year(), school=school)
    walk = walks.current_walk(source, f)
    return source, f, walk, ([] if walk is None else walks.slides(source, f, walk))


def words(slide) -> str:
    """Everything a slide says: title, caption, lines, table, chart labels and point names."""
    parts = [slide.title, slide.caption, *slide.lines]
    if slide.table is not None:
        parts.append(slide.table.to_csv())
    if slide.chart is not None:
        parts += [*slide.chart.categories, *(name for name, _ in slide.chart.series)]
        if slide.chart.points is not None:
            parts += list(slide.chart.points["name"])
    return "\n".join(map(str, parts))


def test_the_districts_deck_draws_the_protected_values(db, settings):
    source, f, walk, slides = deck(db, settings, Scope(role="district"), None)
    assert walk is not None and [s.key for s in slides][:2] == ["opening", "trend"]
    by_key = {s.key: s for s in slides}
    trend = measures.trajectory(source, "walkthrough", f)
    drawn = dict(by_key["trend"].chart.series)["This year"]
    assert drawn == [None if pd.isna(v) else float(v) for v in trend["value"]]
    schools = measures.by_school(source, "walkthrough", f, walk.window_id)
    shown = schools[schools["present"] & schools["value"].notna()]
    strip = by_key["schools"].chart
    assert strip.kind == "strip"
    assert dict(zip(strip.points["name"], strip.points["x"], strict=True)) == dict(
        zip(shown["school_name"], shown["value"], strict=True))
    assert 0 < len(strip.labelled) <= 3 and not strip.marked
    # The named are the furthest below.
    assert set(strip.labelled) == set(shown.sort_values("value")["school_name"].head(3))
    for slide in slides:
        if slide.chart is not None:
            assert len(slide.chart.categories) <= MAX_LABELS
            assert len({*slide.chart.marked, *slide.chart.labelled}) <= MAX_LABELS


def test_each_principals_deck_holds_their_school_and_the_district_only(db, settings):
    schools = db.query("schools")
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))
    decks = 0
    for code, name in names.items():
        scope = Scope(role="principal", schools=(code,))
        source, f, walk, slides = deck(db, settings, scope, code)
        if walk is None:
            continue
        decks += 1
        assert name in slides[0].title
        said = "\n".join(words(s) for s in slides)
        others = [n for c, n in names.items() if c != code and n not in name]
        assert [n for n in others if n in said] == [], code
        keys = [s.key for s in slides]
        assert "leading" not in keys          # one school's point relates nothing
        beside = next(s for s in slides if s.key == "schools")
        district = measures.trajectory(source, "walkthrough", f.model_copy(
            update={"school": None}))
        here = district[district["window_id"] == walk.window_id]
        mine = measures.trajectory(source, "walkthrough", f)
        mine = mine[mine["window_id"] == walk.window_id]
        if beside.chart is not None:
            values = beside.chart.series[0][1]
            expected = [None if pd.isna(v) else float(v)
                        for v in (mine["value"].iloc[0], here["value"].iloc[0])]
            assert beside.chart.categories == [name, "District"] and values == expected
            if expected[1] is not None:
                assert "district's" in beside.title
        else:
            assert trajectories.shown_n(mine["n"].iloc[0]) is None or pd.isna(
                mine["value"].iloc[0])
    assert decks >= 3


def run_deck(db_path, *args) -> subprocess.CompletedProcess:
    env = os.environ | {"MONITOR_DB": str(db_path), "MONITOR_AS_OF": AS_OF.isoformat()}
    return subprocess.run([sys.executable, "-m", "monitor", "deck", *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=600)


@pytest.mark.slow
def test_the_deck_command_writes_the_slides_as_pptx_and_pdf(demo_db, db, settings, tmp_path):
    import pypdfium2
    from pptx import Presentation

    code = db.query("schools")["school_code"].iloc[0]
    run = run_deck(demo_db, "--school", code, "--format", "pptx", "--out",
                   str(tmp_path / "deck.pptx"))
    assert run.returncode == 0, run.stderr
    listed = [line.split(". ", 1)[1] for line in run.stdout.splitlines()[1:]]
    _, _, _, slides = deck(db, settings, Scope(role="principal", schools=(code,)), code)
    assert listed == [s.title for s in slides]
    shown = Presentation(str(tmp_path / "deck.pptx"))
    assert [s.shapes.title.text for s in shown.slides] == listed
    run = run_deck(demo_db, "--format", "pdf", "--out", str(tmp_path / "deck.pdf"))
    assert run.returncode == 0, run.stderr
    pages = pypdfium2.PdfDocument(tmp_path / "deck.pdf")
    assert len(pages) == len(run.stdout.splitlines()) - 1
    missing = run_deck(demo_db, "--school", "NOPE", "--format", "pdf", "--out",
                       str(tmp_path / "x.pdf"))
    assert missing.returncode == 2 and "No school 'NOPE'" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_opening_slide_shows_as_many_next_steps_as_a_room_reads(db, settings, tmp_path):
    """The walk before's next steps on the opening slide: six at most, each cut to a line or
    two, and the rest counted with where they are (nothing dropped without a word)."""
    from monitor.writing.records import Author, Note
    from monitor.writing.store import Store

    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    source = Direct(db, settings, Scope(role="district"), store)
    f = selection.Filters(school_year=settings.current_school_year())
    walk = walks.current_walk(source, f)
    ids = settings.calendar_for("walkthrough").ids
    before = ids[ids.index(walk.window_id) - 1]
    steps = [f"Step {i}" for i in range(1, 10)] + ["x" * 500]
    store.save_note(Author("coach", Scope(role="district")), walk.school_year, before,
                    "district", "trend", Note("", "", "\n".join(steps)))
    lines = walks.slides(source, f, walk)[0].lines
    listed = [line for line in lines if line.startswith("- ")]
    assert listed == [f"- Step {i}" for i in range(1, walks.STEPS_SHOWN + 1)]
    assert lines[-1].startswith(f"…and {len(steps) - walks.STEPS_SHOWN} more, in the notes")
    store.save_note(Author("coach", Scope(role="district")), walk.school_year, before,
                    "district", "trend", Note("", "", "x" * 500))
    long = [line for line in walks.slides(source, f, walk)[0].lines if line.startswith("- ")]
    assert len(long) == 1 and len(long[0]) <= walks.STEP_CHARS + 2 and long[0].endswith("…")
