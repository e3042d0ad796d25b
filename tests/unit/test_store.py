"""The store of what people write (monitor.writing.store): notes saved and read back, who may write
what (checked in the store, for every role and scope), every change recorded with who and
when, several processes on one store, and an earlier release's notes file carried in once."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from monitor.access import AccessDenied, Scope
from monitor.writing.records import DISTRICT, LIMITS, Author, Commitment, CycleError, Indicator, Note, TooLong
from monitor.writing.store import Store, open_store

from ..postgres import cluster, new_database

SCHOOLS = ("0610011", "0610022", "0610033")
ROLES = {
    "district": Scope(role="district"),
    "analyst": Scope(role="district", analyst=True),
    "viewer": Scope(role="viewer"),
    "principal of one": Scope(role="principal", schools=SCHOOLS[:1]),
    "principal of two": Scope(role="principal", schools=SCHOOLS[:2]),
}


@pytest.fixture(scope="module")
def postgres():
    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def store(request, tmp_path):
    """Every test of the store runs on SQLite (the default) and on a real PostgreSQL."""
    if request.param == "sqlite":
        return Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    return Store(new_database(request.getfixturevalue("postgres")))


def test_notes_are_saved_updated_and_read_back_per_walk(store, tmp_path):
    me = Author("coach@district.org", ROLES["district"])
    assert store.notes_for_walk("2026-27", "Q1", DISTRICT) == {}
    store.save_note(me, "2026-27", "Q1", DISTRICT, "trend", Note("low CA3", "why?", "coach CA3"))
    store.save_note(me, "2026-27", "Q1", DISTRICT, "trend",
                    Note("low CA3", "why?", "coach CA3\nvisit"))
    store.save_note(me, "2026-27", "Q1", SCHOOLS[0], "trend", Note(notice="school's own"))
    again = Store(store.url).notes_for_walk("2026-27", "Q1", DISTRICT)
    assert list(again) == ["trend"] and again["trend"].next_steps == "coach CA3\nvisit"
    assert again["trend"].updated_at and again["trend"].updated_by == "coach@district.org"
    # Quotes and SQL in a note are just text; a note too long is refused whole, not cut.
    store.save_note(me, "2026-27", "Q2", DISTRICT, "x",
                    Note(notice="'); DROP TABLE debrief_notes;--", wonder="w" * 4000))
    saved = store.notes_for_walk("2026-27", "Q2", DISTRICT)["x"]
    assert saved.notice.startswith("');") and len(saved.wonder) == 4000
    changes = len(store.history())
    with pytest.raises(TooLong, match="wonder is 4,001 characters long; it can be at most 4,000"):
        store.save_note(me, "2026-27", "Q2", DISTRICT, "x", Note(wonder="w" * 4001))
    assert store.notes_for_walk("2026-27", "Q2", DISTRICT)["x"] == saved
    assert len(store.history()) == changes
    assert store.notes_for_walk("2026-27", "Q1", SCHOOLS[0])["trend"].notice == "school's own"


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("where", [DISTRICT, *SCHOOLS])
def test_who_may_write_which_notes_is_decided_by_the_store(store, role, where):
    """District staff write every school's notes and the district's; a principal their own
    schools' only; a viewer none. A refused save changes nothing and records nothing."""
    scope = ROLES[role]
    allowed = (scope.role == "district"
               or (scope.role == "principal" and where in (scope.schools or ())))
    author = Author(f"{role}@district.org", scope)
    assert author.may_write(where) == allowed
    if allowed:
        store.save_note(author, "2026-27", "Q1", where, "trend", Note(notice="ours"))
        assert store.notes_for_walk("2026-27", "Q1", where)["trend"].notice == "ours"
        assert len(store.history("note")) == 1
    else:
        with pytest.raises(AccessDenied):
            store.save_note(author, "2026-27", "Q1", where, "trend", Note(notice="not ours"))
        assert store.notes_for_walk("2026-27", "Q1", where) == {}
        assert store.history() == []


def test_every_change_is_recorded_with_who_when_and_what_it_was(store):
    first = Author("principal@school.org", ROLES["principal of one"])
    second = Author("coach@district.org", ROLES["district"])
    store.save_note(first, "2026-27", "Q1", SCHOOLS[0], "trend", Note(notice="first"))
    store.save_note(second, "2026-27", "Q1", SCHOOLS[0], "trend", Note(notice="second"))
    changes = store.history("note", SCHOOLS[0])
    assert [c["changed_by"] for c in changes] == ["principal@school.org", "coach@district.org"]
    assert [c["role"] for c in changes] == ["principal", "district"]
    assert changes[0]["before"] is None and changes[0]["after"]["notice"] == "first"
    assert changes[1]["before"]["notice"] == "first" and changes[1]["after"]["notice"] == "second"
    assert changes[1]["key"] == {"school_year": "2026-27", "window_id": "Q1",
                                 "scope": SCHOOLS[0], "slide": "trend"}
    assert all(c["changed_at"] for c in changes)


WRITER = textwrap.dedent("""
    import sys
    from monitor.access import Scope
    from monitor.writing.store import Author, Note, Store
    store = Store(sys.argv[1])
    me = Author(sys.argv[2], Scope(role="district"))
    for i in range(int(sys.argv[3])):
        store.save_note(me, "2026-27", "Q1", "district", f"{sys.argv[2]}-{i}", Note(notice=str(i)))
    print(len(store.notes_for_walk("2026-27", "Q1", "district")))
""")


def test_two_processes_write_the_same_store_at_once_and_each_reads_the_other(store):
    """Two server processes on one SQLite store: every save of both lands (none lost to a
    locked database), and each reads what the other wrote."""
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, store.url, name, "40"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in ("first", "second")]
    results = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in results]
    notes = store.notes_for_walk("2026-27", "Q1", DISTRICT)
    assert len(notes) == 80
    assert {n.updated_by for n in notes.values()} == {"first", "second"}
    assert len(store.history("note")) == 80
    # The second to finish saw all of the first's.
    assert max(int(out) for out, _ in results) == 80


def test_an_earlier_releases_notes_file_is_carried_in_once(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_STORE_URL", raising=False)
    monkeypatch.delenv("MONITOR_NOTES", raising=False)
    database = tmp_path / "monitor.duckdb"
    old = sqlite3.connect(tmp_path / "debrief_notes.sqlite")
    old.execute("CREATE TABLE debrief_notes (school_year TEXT, window_id TEXT, scope TEXT,"
                " slide TEXT, notice TEXT, wonder TEXT, next_steps TEXT, updated_at TEXT,"
                " PRIMARY KEY (school_year, window_id, scope, slide))")
    old.executemany("INSERT INTO debrief_notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        ("2026-27", "Q1", "district", "trend", "old notice", "", "old step", "2026-10-01T09:00:00"),
        ("2026-27", "Q1", SCHOOLS[0], "ratings", "school note", "hm", "", "2026-10-02T10:00:00")])
    old.commit()
    old.close()
    store = open_store(database)
    assert store.url.endswith("monitor_store.sqlite")
    carried = store.notes_for_walk("2026-27", "Q1", DISTRICT)["trend"]
    assert (carried.notice, carried.next_steps, carried.updated_at) == (
        "old notice", "old step", "2026-10-01T09:00:00")
    assert carried.updated_by == "(earlier notes file)"
    assert store.notes_for_walk("2026-27", "Q1", SCHOOLS[0])["ratings"].wonder == "hm"
    assert len(store.history("note")) == 2
    # Edited since: opening again carries nothing over it, and records nothing more.
    store.save_note(Author("coach@district.org", ROLES["district"]), "2026-27", "Q1", DISTRICT,
                    "trend", Note(notice="new"))
    again = open_store(database)
    assert again.notes_for_walk("2026-27", "Q1", DISTRICT)["trend"].notice == "new"
    assert len(again.history("note")) == 3
    assert json.loads(json.dumps(again.history()[0]["after"]))["notice"] == "old notice"


# -- improvement cycles --------------------------------------------------------------------

D = dt.date
LEADING = Indicator("leading", "walkthrough", 60.0, detail="ca2", start_value=41.0)
LAGGING = Indicator("lagging", "benchmark", 55.0, subject="ELA", start_value=48.0)


def _open(store, author, where=SCHOOLS[0], focus="Students rarely explain their thinking",
          practice="Turn and talk with sentence frames", **kwargs):
    return store.open_cycle(author, where, focus, practice, D(2026, 8, 11), D(2026, 10, 31),
                            [LEADING, LAGGING], **kwargs)


def test_a_cycle_opens_takes_commitments_is_reviewed_and_closes_into_the_next(store):
    principal = Author("principal@school.org", ROLES["principal of one"])
    cycle = _open(store, principal, commitments=[
        Commitment("Model turn and talk in grade 3 PLC", "Instructional coach", D(2026, 9, 1))])
    assert cycle.status == "open" and cycle.opened_by == "principal@school.org"
    assert [i.start_value for i in cycle.indicators] == [41.0, 48.0]
    store.add_commitment(principal, cycle.id,
                         Commitment("Walk every grade 3 room weekly", "Principal", D(2026, 9, 15)))
    store.add_commitment(principal, cycle.id,
                         Commitment("Share frames with families", "Principal", D(2026, 10, 1)))
    cycle = store.cycle(cycle.id)
    first, walk, families = cycle.commitments
    store.set_commitment_status(principal, first.id, "done", D(2026, 8, 28))
    store.set_commitment_status(principal, families.id, "dropped", D(2026, 9, 20))
    store.set_commitment_status(principal, walk.id, "in progress", D(2026, 9, 20))
    with pytest.raises(CycleError, match="Decide on every indicator"):
        store.close_cycle(principal, cycle.id, D(2026, 11, 1), D(2027, 1, 31), {})
    leading, lagging = store.cycle(cycle.id).indicators
    store.decide(principal, leading.id, "carry on", "CA2 up 9 points; keep going")
    # To adjust is to change the target: refused while it is unchanged, nothing saved.
    with pytest.raises(CycleError, match="To adjust .* is to change its target"):
        store.decide(principal, lagging.id, "adjust", "too soon to see; aim lower")
    assert store.cycle(cycle.id).indicators[1].decision is None
    store.review(principal, {lagging.id: ("adjust", "too soon to see; aim lower")},
                 {lagging.id: 53.0})
    # Closed before its end date only when the person has confirmed it; the next cycle
    # starts the day after the close.
    with pytest.raises(CycleError, match="ends it 1 day\\(s\\) early"):
        store.close_cycle(principal, cycle.id, D(2026, 10, 31), D(2027, 1, 31), {})
    assert store.cycle(cycle.id).status == "open"
    following = store.close_cycle(principal, cycle.id, D(2026, 11, 1), D(2027, 1, 31),
                                  {LEADING.key: 50.0, LAGGING.key: None})
    # The target is revised again in the next cycle, and the revision recorded.
    adjusted = following.indicators[1]
    store.set_target(principal, adjusted.id, 52.0)
    assert store.cycle(following.id).indicators[1].target == 52.0
    assert store.history("indicator")[-1]["before"] == {str(adjusted.id): {"target": 53.0}}
    with pytest.raises(CycleError, match="percent"):
        store.set_target(principal, adjusted.id, 120.0)
    store.set_target(principal, adjusted.id, 55.0)
    following = store.cycle(following.id)
    assert store.cycle(cycle.id).status == "closed"
    assert following.previous_id == cycle.id and following.status == "open"
    assert (following.focus, following.practice) == (cycle.focus, cycle.practice)
    # The unfinished commitment is carried (due no earlier than the new start), the done and
    # dropped ones are not.
    assert [(c.what, c.status, c.carried_from, c.due_on) for c in following.commitments] == [
        ("Walk every grade 3 room weekly", "in progress", walk.id, D(2026, 11, 1))]
    assert [(i.measure, i.start_value, i.target, i.decision) for i in following.indicators] == [
        ("walkthrough", 50.0, 60.0, None), ("benchmark", None, 55.0, None)]
    # A closed cycle's review stands.
    with pytest.raises(CycleError, match="closed"):
        store.decide(principal, leading.id, "stop")


def test_a_cycle_needs_a_focus_both_kinds_of_indicator_and_one_open_at_a_time(store):
    me = Author("coach@district.org", ROLES["district"])
    with pytest.raises(CycleError, match="leading indicator"):
        store.open_cycle(me, SCHOOLS[0], "focus", "", D(2026, 8, 11), D(2026, 10, 31), [LEADING])
    with pytest.raises(CycleError, match="focus"):
        store.open_cycle(me, SCHOOLS[0], " ", "", D(2026, 8, 11), D(2026, 10, 31),
                         [LEADING, LAGGING])
    with pytest.raises(CycleError, match="before it starts"):
        store.open_cycle(me, SCHOOLS[0], "focus", "", D(2026, 10, 31), D(2026, 8, 11),
                         [LEADING, LAGGING])
    _open(store, me)
    with pytest.raises(CycleError, match="already has an open cycle"):
        _open(store, me)
    _open(store, me, where=DISTRICT)           # the district's own cycle beside the school's
    assert {c.scope for c in store.cycles()} == {SCHOOLS[0], DISTRICT}
    assert len(store.history("cycle")) == 2


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_change_a_cycle_is_decided_by_the_store(store, role):
    """Every change to a school's cycle, by every role: district staff and that school's
    principal may; another school's principal and viewers may not, and change nothing."""
    owner = Author("coach@district.org", ROLES["district"])
    cycle = _open(store, owner, commitments=[Commitment("Plan", "Coach", D(2026, 9, 1))])
    scope = ROLES[role]
    allowed = scope.role == "district" or (scope.schools is not None
                                           and SCHOOLS[0] in scope.schools)
    me = Author(f"{role}@district.org", scope)
    changes = [
        lambda: store.add_commitment(me, cycle.id, Commitment("More", "Coach", D(2026, 9, 2))),
        lambda: store.set_commitment_status(me, cycle.commitments[0].id, "done", D(2026, 9, 1)),
        lambda: store.decide(me, cycle.indicators[0].id, "stop"),
        lambda: _open(store, me, where=SCHOOLS[0]),
    ]
    before = len(store.history())
    for change in changes[:3]:
        if allowed:
            change()
        else:
            with pytest.raises(AccessDenied):
                change()
    if not allowed:
        assert len(store.history()) == before
        assert store.cycle(cycle.id) == cycle
        with pytest.raises(AccessDenied):
            changes[3]()
    other = Author("other@school.org", Scope(role="principal", schools=(SCHOOLS[2],)))
    with pytest.raises(AccessDenied):
        store.decide(other, cycle.indicators[0].id, "stop")


# -- the system's reflection -----------------------------------------------------------------

def test_the_reflection_is_recorded_per_term_and_kept_with_who_changed_it(store):
    me = Author("chief@district.org", ROLES["district"])
    store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Plan", "new")
    store.reflect(me, "tntp", "2026-27 Spring", "Organizational management", "", "Test")
    store.reflect(me, "tntp", "2026-27 Spring", "Organizational management", "", "Plan",
                  "moved back: the new schedule did not hold")
    rows = store.reflections("tntp")
    assert [(r["term"], r["stage"]) for r in rows] == [("2026-27 Fall", "Plan"),
                                                      ("2026-27 Spring", "Plan")]
    changes = store.history("reflection")
    assert [c["after"]["stage"] for c in changes] == ["Plan", "Test", "Plan"]
    assert changes[2]["before"]["stage"] == "Test"
    with pytest.raises(CycleError, match="stage"):
        store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Rated 4")


@pytest.mark.parametrize("role", list(ROLES))
def test_only_district_staff_record_the_reflection(store, role):
    me = Author(f"{role}@district.org", ROLES[role])
    if ROLES[role].role == "district":
        store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Plan")
        assert len(store.reflections("tntp")) == 1
    else:
        with pytest.raises(AccessDenied):
            store.reflect(me, "tntp", "2026-27 Fall", "Organizational management", "", "Plan")
        assert store.reflections("tntp") == [] and store.history() == []


# -- one operation, one transaction, one record ----------------------------------------------

def _reviewed(store, me):
    cycle = _open(store, me, commitments=[
        Commitment("Model turn and talk", "Coach", D(2026, 9, 1)),
        Commitment("Walk grade 3 weekly", "Principal", D(2026, 9, 15))])
    store.review(me, {i.id: ("carry on", "keep going") for i in cycle.indicators}, {})
    return store.cycle(cycle.id)


def test_a_refused_close_leaves_the_cycle_open_and_unchanged(store):
    """Closing with the next cycle's dates the wrong way round is refused before anything is
    written: the cycle stays open, its commitments stay, no successor, nothing recorded."""
    me = Author("coach@district.org", ROLES["district"])
    cycle = _reviewed(store, me)
    changes = store.history()
    with pytest.raises(CycleError, match="on or before it starts"):
        store.close_cycle(me, cycle.id, D(2026, 11, 1), D(2026, 10, 1), {})
    assert store.cycle(cycle.id) == cycle
    assert [c.id for c in store.cycles([SCHOOLS[0]])] == [cycle.id]
    assert store.history() == changes


def test_a_close_that_fails_half_way_writes_nothing(store, monkeypatch):
    """A failure after the cycle was marked closed (here: writing the second carried
    commitment) rolls the whole change back."""
    me = Author("coach@district.org", ROLES["district"])
    cycle = _reviewed(store, me)
    changes = store.history()
    real = Store._insert_commitment
    written = []

    def fail_on_second(self, con, cycle_id, commitment):
        written.append(commitment)
        if len(written) == 2:
            raise RuntimeError("the disk is full")
        return real(self, con, cycle_id, commitment)
    monkeypatch.setattr(Store, "_insert_commitment", fail_on_second)
    with pytest.raises(RuntimeError, match="disk is full"):
        store.close_cycle(me, cycle.id, D(2026, 11, 1), D(2027, 1, 31), {})
    monkeypatch.setattr(Store, "_insert_commitment", real)
    assert store.cycle(cycle.id) == cycle
    assert [c.id for c in store.cycles([SCHOOLS[0]])] == [cycle.id]
    assert store.history() == changes
    # And done again, it closes and opens the next in one change.
    following = store.close_cycle(me, cycle.id, D(2026, 11, 1), D(2027, 1, 31), {})
    last = store.history()
    assert len(last) == len(changes) + 1
    assert last[-1]["key"] == {"cycle": cycle.id, "next": following.id}
    assert len(last[-1]["after"]["next"]["commitments"]) == 2


def test_each_operation_is_one_record_of_the_change(store):
    me = Author("coach@district.org", ROLES["district"])
    count = len(store.history())

    def one_more(change):
        nonlocal count
        change()
        assert len(store.history()) == count + 1, change
        count += 1
    cycle = None

    def opened():
        nonlocal cycle
        cycle = _open(store, me, commitments=[Commitment("A", "Coach", D(2026, 9, 1)),
                                              Commitment("B", "Coach", D(2026, 9, 2))])
    one_more(opened)
    first, second = cycle.commitments
    one_more(lambda: store.add_commitment(me, cycle.id, Commitment("C", "Coach",
                                                                   D(2026, 9, 3))))
    one_more(lambda: store.set_commitment_statuses(me, {first.id: "done",
                                                        second.id: "in progress"},
                                                   D(2026, 9, 1)))
    one_more(lambda: store.review(me, {i.id: ("adjust", "") for i in cycle.indicators},
                                  {i.id: i.target + 1 for i in cycle.indicators}))
    one_more(lambda: store.close_cycle(me, cycle.id, D(2026, 11, 1), D(2027, 1, 31), {}))
    one_more(lambda: store.reflect_term(me, "tntp", "2026-27 Fall", {
        ("Organizational management", ""): ("Plan", "a note", ""),
        ("Instructional leadership", ""): ("Test", "", "")}))
    one_more(lambda: store.save_note(me, "2026-27", "Q1", DISTRICT, "trend", Note("n")))
    # A refusal anywhere in a batch refuses all of it.
    following = next(c for c in store.cycles([SCHOOLS[0]]) if c.status == "open")
    with pytest.raises(CycleError, match="decision is one of"):
        store.review(me, {following.indicators[0].id: ("carry on", ""),
                          following.indicators[1].id: ("maybe", "")}, {})
    assert store.cycle(following.id) == following and len(store.history()) == count


@pytest.mark.parametrize("field", ["focus", "practice", "what", "owner_role", "link",
                                   "decision_note", "notice", "wonder", "next_steps", "note",
                                   "evidence"])
def test_every_field_refuses_text_over_its_limit_and_saves_nothing(store, field):
    """A megabyte through each field: refused with its name and limit, nothing saved."""
    me = Author("coach@district.org", ROLES["district"])
    huge = "x" * 1_000_000
    cycle = _open(store, me, where=DISTRICT, commitments=[Commitment("A", "Coach",
                                                                     D(2026, 9, 1))])
    before = (store.cycles(), store.history(), store.reflections("tntp"),
              store.notes_for_walk("2026-27", "Q1", DISTRICT))
    attempts = {
        "focus": lambda: _open(store, me, focus=huge),
        "practice": lambda: _open(store, me, practice=huge),
        "what": lambda: store.add_commitment(me, cycle.id, Commitment(huge, "Coach",
                                                                      D(2026, 9, 1))),
        "owner_role": lambda: store.add_commitment(me, cycle.id, Commitment("A", huge,
                                                                            D(2026, 9, 1))),
        "link": lambda: store.add_commitment(me, cycle.id, Commitment("A", "Coach",
                                                                      D(2026, 9, 1), link=huge)),
        "decision_note": lambda: store.decide(me, cycle.indicators[0].id, "stop", huge),
        "notice": lambda: store.save_note(me, "2026-27", "Q1", DISTRICT, "t", Note(notice=huge)),
        "wonder": lambda: store.save_note(me, "2026-27", "Q1", DISTRICT, "t", Note(wonder=huge)),
        "next_steps": lambda: store.save_note(me, "2026-27", "Q1", DISTRICT, "t",
                                              Note(next_steps=huge)),
        "note": lambda: store.reflect(me, "tntp", "2026-27 Fall", "Organizational management",
                                      "", "Plan", huge),
        "evidence": lambda: store.reflect(me, "tntp", "2026-27 Fall",
                                          "Organizational management", "", "Plan", "", huge),
    }
    with pytest.raises(TooLong, match=f"at most {LIMITS[field]:,}"):
        attempts[field]()
    assert (store.cycles(), store.history(), store.reflections("tntp"),
            store.notes_for_walk("2026-27", "Q1", DISTRICT)) == before
