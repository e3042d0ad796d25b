"""The demo district's year of improvement cycles and reflection (monitor.demo.story): written
from the loaded data, chained quarter by quarter, and written once."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from monitor.cli import main
from monitor.db import Database
from monitor.demo import story as demo_story
from monitor.measures import goals as goal_rules
from monitor.writing import cycles, goalbook, reflection
from monitor.writing.records import DISTRICT
from monitor.writing.store import Store


def test_the_story_is_a_chain_of_reviewed_cycles_told_by_the_data(demo_db, settings, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    db = Database(demo_db)
    written = demo_story.write_story(store, db, settings)
    everything = store.cycles()
    assert written["cycles"] == len(everything) >= 6
    schools = db.query("schools")["school_code"].tolist()
    by_scope = {}
    for c in everything:
        by_scope.setdefault(c.scope, []).append(c)
    featured = max(by_scope, key=lambda s: len(by_scope[s]))
    chain = sorted(by_scope[featured], key=lambda c: c.starts_on)
    assert featured in schools and DISTRICT in by_scope
    assert [c.status for c in chain] == ["closed"] * (len(chain) - 1) + ["open"]
    assert all(b.previous_id == a.id for a, b in zip(chain, chain[1:], strict=False))
    assert all(b.starts_on == a.ends_on + dt.timedelta(days=1)
               for a, b in zip(chain, chain[1:], strict=False))
    # Every closed cycle was decided; an unfinished commitment was carried.
    assert all(i.decision for c in chain[:-1] for i in c.indicators)
    assert any(c.carried_from for cycle in chain[1:] for c in cycle.commitments)
    # Start values are the data's on each start day (the page computes the same).
    for c in chain[1:]:
        for i in c.indicators:
            points = demo_story._points(db, settings, featured, i, cycles.school_year_of(
                c.starts_on))
            assert i.start_value == cycles.value_on(points, c.starts_on)
    # The reflection: every lever each term begun, one lever moving back.
    framework_id, framework = reflection.framework(settings)
    recorded = pd.DataFrame(store.reflections(framework_id))
    assert written["reflections"] == len(recorded)
    assert recorded["term"].nunique() >= 4
    # Only terms that have begun by the as-of date (nothing recorded of a term to come).
    begun = {t for year in (cycles.school_year_of(settings.as_of_date()),)
             for t in reflection.terms_begun(settings, year, settings.as_of_date())}
    this_year = recorded[recorded["term"].str.startswith(settings.current_school_year())]
    assert set(this_year["term"]) == begun
    assert (recorded["note"] != "").sum() >= 3
    assert set(recorded["lever"]) == {lever.name for lever in framework.levers}
    management = recorded[recorded["lever"] == "Organizational management"].sort_values("term")
    assert "Plan" in set(management["stage"]) and "Test" in set(management["stage"])
    # The goals: the featured school's ELA goal in force, set in September from the suggestion
    # to close a third of the gap; another school's Math proposal waiting.
    year = settings.current_school_year()
    goals = goalbook.goals(store, year)
    assert written["goals"] == len(goals) == 2
    [set_goal] = [g for g in goals if g.status == goalbook.APPROVED]
    [proposal] = [g for g in goals if g.status == goalbook.PROPOSED]
    assert (set_goal.scope, set_goal.subject) == (featured, "ELA")
    assert set_goal.decided_at.startswith(f"{year[:4]}-09-03")
    assert set_goal.basis == "close a third of the gap to the absolute goal"
    assert proposal.scope != featured and proposal.proposer_role == "principal"
    in_force = goalbook.with_goals(settings, store)
    assert goal_rules.origin_text(in_force, "benchmark", featured, "ELA").startswith(
        f"set Sep 3, {year[:4]} by the district office: close a third of the gap")
    # Written once.
    assert demo_story.write_story(store, db, settings) == {"cycles": 0, "reflections": 0,
                                                           "goals": 0}
    assert len(store.cycles()) == len(everything)


def test_the_featured_school_is_the_one_whose_practice_moved_before_its_results(
        settings, monkeypatch):
    """On hand-made values: A's practice rose at the second walk and its results at the next
    benchmark; B's results rose first; C's practice rose but its results never did."""
    year = "2025-26"

    def points(dates_values):
        return pd.DataFrame({"date": [d for d, _ in dates_values],
                             "value": [v for _, v in dates_values],
                             "school_year": year, "window": "w"})

    walks = {"A": [(dt.date(2025, 9, 30), 50.0), (dt.date(2025, 12, 15), 58.0)],
             "B": [(dt.date(2025, 9, 30), 50.0), (dt.date(2026, 3, 15), 60.0)],
             "C": [(dt.date(2025, 9, 30), 40.0), (dt.date(2025, 12, 15), 60.0)]}
    bench = {"A": [(dt.date(2025, 10, 20), 60.0), (dt.date(2026, 1, 31), 66.0)],
             "B": [(dt.date(2025, 10, 20), 60.0), (dt.date(2026, 1, 31), 70.0)],
             "C": [(dt.date(2025, 10, 20), 60.0), (dt.date(2026, 1, 31), 59.0)]}
    monkeypatch.setattr(demo_story, "_points", lambda _db, _s, code, indicator, _y: points(
        (walks if indicator.kind == "leading" else bench)[code]))

    class Schools:
        def query(self, name):
            return pd.DataFrame({"school_code": ["A", "B", "C"], "level": ["Elementary"] * 3})

    assert demo_story.featured_school(Schools(), settings, year) == "A"


def test_the_command_writes_the_story_into_the_databases_store(demo_db, tmp_path, monkeypatch,
                                                              capsys):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    monkeypatch.setenv("MONITOR_STORE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert main(["demo-story"]) == 0
    assert "improvement cycles" in capsys.readouterr().out
    assert main(["demo-story"]) == 0
    assert "nothing written" in capsys.readouterr().out
