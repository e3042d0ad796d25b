"""What people write, kept apart from the read-only database versions every load replaces: the
debrief's notes today (improvement cycles, commitments and reflections join them here).

One store for every server process: SQLite beside the database by default
(`monitor_store.sqlite`), or the SQLAlchemy URL in MONITOR_STORE_URL (PostgreSQL for a district
running several servers). Every change
is kept with who made it and when (`changes`: the row before and after, as JSON), and who may
change what is checked here, not by the pages: district staff everything, a principal their
own schools, a viewer nothing. Values are bound parameters (SQLAlchemy Core); each save is one
transaction, with its record of the change.

A notes file of an earlier release (`debrief_notes.sqlite` beside the database, or the file
MONITOR_NOTES named) is carried into the store the first time it is opened, once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

from monitor.access import AccessDenied, Scope

DISTRICT = "district"          # the scope of the district's own notes (else a school code)
LEGACY_NOTES = "debrief_notes.sqlite"
STORE_FILE = "monitor_store.sqlite"

metadata = sa.MetaData()

notes_table = sa.Table(
    "debrief_notes", metadata,
    sa.Column("school_year", sa.String(16), primary_key=True),
    sa.Column("window_id", sa.String(32), primary_key=True),
    sa.Column("scope", sa.String(64), primary_key=True),      # a school code, or 'district'
    sa.Column("slide", sa.String(64), primary_key=True),
    sa.Column("notice", sa.Text, nullable=False, default=""),
    sa.Column("wonder", sa.Text, nullable=False, default=""),
    sa.Column("next_steps", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
)

changes_table = sa.Table(
    "changes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("changed_by", sa.String(320), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),           # what changed: 'note', ...
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("key", sa.Text, nullable=False),                  # the row's key, as JSON
    sa.Column("before", sa.Text),                               # the row as JSON (NULL: new)
    sa.Column("after", sa.Text),                                # the row as JSON (NULL: gone)
)

cycles_table = sa.Table(
    "cycles", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(64), nullable=False, index=True),   # a school, or 'district'
    sa.Column("focus", sa.Text, nullable=False),            # the problem of practice
    sa.Column("practice", sa.Text, nullable=False),         # the high-yield practice to change
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),     # open / closed
    sa.Column("previous_id", sa.Integer, sa.ForeignKey("cycles.id")),
    sa.Column("opened_by", sa.String(320), nullable=False),
    sa.Column("opened_at", sa.String(32), nullable=False),
    sa.Column("closed_at", sa.String(32)),
)

indicators_table = sa.Table(
    "cycle_indicators", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycles.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),       # leading / lagging
    sa.Column("measure", sa.String(32), nullable=False),
    sa.Column("detail", sa.String(64)),                     # an indicator, construct or item
    sa.Column("subject", sa.String(64)),                    # a subject, or the survey
    sa.Column("start_value", sa.Float),                     # from the data when the cycle opened
    sa.Column("target", sa.Float, nullable=False),
    sa.Column("decision", sa.String(16)),                   # carry on / adjust / stop
    sa.Column("decision_note", sa.Text, nullable=False, default=""),
)

commitments_table = sa.Table(
    "commitments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycles.id"), nullable=False, index=True),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("owner_role", sa.String(120), nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("done_on", sa.Date),
    sa.Column("link", sa.Text, nullable=False, default=""),   # a dashboard view and its filters
    sa.Column("carried_from", sa.Integer, sa.ForeignKey("commitments.id")),
)

reflections_table = sa.Table(
    "reflections", metadata,
    sa.Column("framework", sa.String(64), primary_key=True),
    sa.Column("term", sa.String(64), primary_key=True),        # '2026-27 Fall'
    sa.Column("lever", sa.String(200), primary_key=True),
    sa.Column("element", sa.String(200), primary_key=True),    # '' for the lever as a whole
    sa.Column("stage", sa.String(16), nullable=False),         # Plan / Test / Scale / Deepen
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("evidence", sa.Text, nullable=False, default=""),  # links to dashboard views
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)

meta_table = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Note:
    notice: str = ""
    wonder: str = ""
    next_steps: str = ""
    updated_at: str = ""
    updated_by: str = ""

    def is_empty(self) -> bool:
        return not (self.notice.strip() or self.wonder.strip() or self.next_steps.strip())


@dataclass(frozen=True)
class Author:
    """Who is writing: their name as signed in (an email) and their scope."""

    name: str
    scope: Scope

    def may_write(self, where: str) -> bool:
        try:
            self.check_may_write(where)
        except AccessDenied:
            return False
        return True

    def check_may_write(self, where: str) -> None:
        """AccessDenied unless this author may change what belongs to `where` (a school code,
        or DISTRICT)."""
        scope = self.scope
        if scope.role == "viewer":
            raise AccessDenied("Your role reads notes and cycles but does not change them.")
        if scope.schools is not None and where not in scope.schools:
            raise AccessDenied("You may change only your own school's notes and cycles"
                               + ("" if where != DISTRICT else ", not the district's") + ".")


# -- improvement cycles ------------------------------------------------------------------------

KINDS = ("leading", "lagging")
COMMITMENT_STATUSES = ("not started", "in progress", "done", "dropped")
DECISIONS = ("carry on", "adjust", "stop")
OPEN, CLOSED = "open", "closed"


class Refused(ValueError):
    """A change the store does not make; the message says why, for the user. Nothing of it
    was saved."""


class CycleError(Refused):
    """A change to a cycle its rules do not allow; the message says why, for the user."""


class TooLong(Refused):
    """Text longer than its field takes: refused whole, never cut."""


# The longest text each field takes, in characters. A page's widgets stop typing there too;
# the store refuses anything longer (a 20 MB focus once made the School page take 34 s).
LIMITS = {"focus": 500, "practice": 500, "what": 500, "owner_role": 120, "link": 2000,
          "decision_note": 1000, "notice": 4000, "wonder": 4000, "next_steps": 4000,
          "note": 4000, "evidence": 2000}
LABELS = {"focus": "focus", "practice": "practice", "what": "commitment", "owner_role": "owner",
          "link": "link", "decision_note": "decision's note", "notice": "notice",
          "wonder": "wonder", "next_steps": "next steps", "note": "note",
          "evidence": "evidence"}


def checked_text(field: str, value: str) -> str:
    """`value` if it fits `field` (LIMITS), else TooLong naming the field and its limit."""
    value = "" if value is None else str(value)
    limit = LIMITS[field]
    if len(value) > limit:
        raise TooLong(f"The {LABELS[field]} is {len(value):,} characters long; it can be at "
                      f"most {limit:,}. Nothing was saved: shorten it and save again.")
    return value


@dataclass(frozen=True)
class Indicator:
    """An indicator a cycle follows: a leading one (a walkthrough indicator, HQIM use, a survey
    construct or item) or a lagging one (a student measure), with its value when the cycle
    opened (from the data; None where hidden or not yet measured) and its target at the
    cycle's end; at the review, a decision and a note."""

    kind: str
    measure: str
    target: float
    detail: str | None = None
    subject: str | None = None
    start_value: float | None = None
    decision: str | None = None
    decision_note: str = ""
    id: int | None = None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.measure, self.detail, self.subject)


@dataclass(frozen=True)
class Commitment:
    """What adults commit to in a cycle: what, whose role, by when, how far it has got."""

    what: str
    owner_role: str
    due_on: dt.date
    status: str = "not started"
    link: str = ""
    done_on: dt.date | None = None
    carried_from: int | None = None
    id: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "dropped")


@dataclass(frozen=True)
class Cycle:
    id: int
    scope: str
    focus: str
    practice: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    previous_id: int | None
    opened_by: str
    opened_at: str
    closed_at: str | None
    indicators: tuple[Indicator, ...]
    commitments: tuple[Commitment, ...]


def _checked_indicators(indicators: list[Indicator]) -> None:
    kinds = {i.kind for i in indicators}
    unknown = kinds - set(KINDS)
    if unknown:
        raise CycleError(f"An indicator is leading or lagging, not {sorted(unknown)}.")
    if kinds != set(KINDS):
        raise CycleError("A cycle follows at least one leading indicator (adult practice) and "
                         "one lagging indicator (a student measure).")
    for i in indicators:
        if not 0 <= i.target <= 100:
            raise CycleError(f"The target of {i.measure} is a percent from 0 to 100, not "
                             f"{i.target}.")


def _checked_commitment(c: Commitment) -> None:
    if not c.what.strip() or not c.owner_role.strip():
        raise CycleError("A commitment says what will be done and whose role does it.")
    for field in ("what", "owner_role", "link"):
        checked_text(field, getattr(c, field))
    if c.status not in COMMITMENT_STATUSES:
        raise CycleError(f"A commitment's status is one of {', '.join(COMMITMENT_STATUSES)}.")


def store_url(database: Path) -> str:
    """MONITOR_STORE_URL, else SQLite in monitor_store.sqlite beside the database."""
    return (os.environ.get("MONITOR_STORE_URL")
            or f"sqlite:///{Path(database).with_name(STORE_FILE).resolve()}")


def legacy_notes_path(database: Path) -> Path:
    """Where an earlier release kept the debrief's notes."""
    return Path(os.environ.get("MONITOR_NOTES") or Path(database).with_name(LEGACY_NOTES))


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()


def _engine(url: str) -> sa.Engine:
    """One engine (and pool) per URL per process; the schema made on first use."""
    with _LOCK:
        if url in _ENGINES:
            return _ENGINES[url]
        if url.startswith("sqlite:"):
            Path(sa.engine.make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(connection, _record):
                # Readers do not wait for a writer; writers queue on the timeout above.
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
        metadata.create_all(engine)
        _ENGINES[url] = engine
        return engine


class Store:
    """The store at `url` (see `store_url`).

    Every change is one operation: checked whole first (who may, what the rules allow, how
    long each text is), then written in one transaction with one record in `changes` (what it
    touched before and after). A refused or failed operation changes nothing and records
    nothing."""

    def __init__(self, url: str, legacy_notes: Path | None = None):
        self.url = url
        self.engine = _engine(url)
        if legacy_notes is not None:
            self._carry_legacy_notes(Path(legacy_notes))

    @contextlib.contextmanager
    def _operation(self, author: Author, kind: str, scope: str) -> Iterator[tuple]:
        """One transaction and its one record of the change: yields (connection, record),
        where the body sets record["key"], ["before"] and ["after"]."""
        record: dict = {"key": {}, "before": None, "after": None}
        with self.engine.begin() as con:
            yield con, record
            self._record(con, author, kind, scope, record["key"], record["before"],
                         record["after"])

    # -- debrief notes ------------------------------------------------------------------------

    def notes_for_walk(self, school_year: str, window_id: str, scope: str) -> dict[str, Note]:
        """Every slide's note of one walk, by slide key."""
        t = notes_table
        with self.engine.connect() as con:
            rows = con.execute(sa.select(
                t.c.slide, t.c.notice, t.c.wonder, t.c.next_steps, t.c.updated_at,
                t.c.updated_by).where(
                t.c.school_year == school_year, t.c.window_id == window_id,
                t.c.scope == scope)).all()
        return {row.slide: Note(row.notice, row.wonder, row.next_steps, row.updated_at,
                                row.updated_by) for row in rows}

    def save_note(self, author: Author, school_year: str, window_id: str, scope: str,
                  slide: str, note: Note) -> Note:
        """Write one slide's note and its record of the change, in one transaction.
        AccessDenied unless `author` may write `scope`'s notes; TooLong for a field over its
        limit (nothing saved)."""
        author.check_may_write(scope)
        t = notes_table
        key = {"school_year": school_year, "window_id": window_id, "scope": scope,
               "slide": slide}
        saved = Note(checked_text("notice", note.notice), checked_text("wonder", note.wonder),
                     checked_text("next_steps", note.next_steps), _now(), author.name)
        values = asdict(saved)
        with self._operation(author, "note", scope) as (con, record):
            where = [t.c[k] == v for k, v in key.items()]
            before = con.execute(sa.select(t.c.notice, t.c.wonder, t.c.next_steps,
                                           t.c.updated_at, t.c.updated_by).where(*where)
                                 ).mappings().first()
            if before is None:
                con.execute(t.insert().values(**key, **values))
            else:
                con.execute(t.update().where(*where).values(**values))
            record.update(key=key, before=dict(before) if before is not None else None,
                          after=values)
        return saved

    # -- improvement cycles ---------------------------------------------------------------------

    def open_cycle(self, author: Author, scope: str, focus: str, practice: str,
                   starts_on: dt.date, ends_on: dt.date, indicators: list[Indicator],
                   commitments: list[Commitment] = (), previous_id: int | None = None) -> Cycle:
        """Open a cycle for `scope` (a school, or DISTRICT): one open cycle per scope at a
        time. CycleError for what a cycle cannot be; AccessDenied unless `author` may."""
        author.check_may_write(scope)
        with self._operation(author, "cycle", scope) as (con, record):
            cycle_id, row = self._insert_cycle(con, author, scope, focus, practice, starts_on,
                                               ends_on, indicators, commitments, previous_id)
            record.update(key={"cycle": cycle_id}, after=row)
        return self.cycle(cycle_id)

    def _insert_cycle(self, con, author: Author, scope: str, focus: str, practice: str,
                      starts_on: dt.date, ends_on: dt.date, indicators: list[Indicator],
                      commitments: list[Commitment], previous_id: int | None,
                      ) -> tuple[int, dict]:
        """Check and write a new cycle with its indicators and commitments on `con`: its id
        and what was written (for the record of the change)."""
        if not focus.strip():
            raise CycleError("A cycle names its focus: the problem of practice it works on.")
        checked_text("focus", focus.strip())
        checked_text("practice", practice.strip())
        if ends_on <= starts_on:
            raise CycleError(f"The cycle ends ({ends_on}) on or before it starts ({starts_on}).")
        _checked_indicators(indicators)
        for c in commitments:
            _checked_commitment(c)
        if self._open_cycle_id(con, scope) is not None:
            raise CycleError("This school already has an open cycle: close it (with a "
                             "decision on each indicator) before opening the next."
                             if scope != DISTRICT else "The district already has an open "
                             "cycle: close it before opening the next.")
        row = {"scope": scope, "focus": focus.strip(), "practice": practice.strip(),
               "starts_on": starts_on, "ends_on": ends_on, "status": OPEN,
               "previous_id": previous_id, "opened_by": author.name, "opened_at": _now(),
               "closed_at": None}
        cycle_id = con.execute(cycles_table.insert().values(**row)).inserted_primary_key[0]
        written = [self._insert_indicator(con, cycle_id, i) for i in indicators]
        promised = [self._insert_commitment(con, cycle_id, c) for c in commitments]
        return cycle_id, {**row, "indicators": written, "commitments": promised}

    def _open_cycle_id(self, con, scope: str) -> int | None:
        t = cycles_table
        found = con.execute(sa.select(t.c.id).where(t.c.scope == scope,
                                                    t.c.status == OPEN)).first()
        return None if found is None else found[0]

    def _insert_indicator(self, con, cycle_id: int, i: Indicator) -> dict:
        row = {"cycle_id": cycle_id, "kind": i.kind, "measure": i.measure, "detail": i.detail,
               "subject": i.subject, "start_value": i.start_value, "target": float(i.target),
               "decision": None, "decision_note": ""}
        new = con.execute(indicators_table.insert().values(**row)).inserted_primary_key[0]
        return {"id": new, **row}

    def _insert_commitment(self, con, cycle_id: int, c: Commitment) -> dict:
        row = {"cycle_id": cycle_id, "what": c.what.strip(), "owner_role": c.owner_role.strip(),
               "due_on": c.due_on, "status": c.status, "done_on": c.done_on, "link": c.link,
               "carried_from": c.carried_from}
        new = con.execute(commitments_table.insert().values(**row)).inserted_primary_key[0]
        return {"id": new, **row}

    def cycles(self, scopes: list[str] | None = None) -> list[Cycle]:
        """Every cycle (of `scopes` only, when given), newest first within each scope."""
        t = cycles_table
        query = sa.select(t).order_by(t.c.scope, t.c.starts_on.desc(), t.c.id.desc())
        if scopes is not None:
            query = query.where(t.c.scope.in_(list(scopes)))
        with self.engine.connect() as con:
            rows = con.execute(query).mappings().all()
            ids = [r["id"] for r in rows]
            indicators = con.execute(sa.select(indicators_table).where(
                indicators_table.c.cycle_id.in_(ids)).order_by(indicators_table.c.id)
            ).mappings().all() if ids else []
            commitments = con.execute(sa.select(commitments_table).where(
                commitments_table.c.cycle_id.in_(ids)).order_by(
                commitments_table.c.due_on, commitments_table.c.id)).mappings().all() if ids \
                else []
        by_cycle_i: dict[int, list[Indicator]] = {}
        for r in indicators:
            by_cycle_i.setdefault(r["cycle_id"], []).append(Indicator(
                r["kind"], r["measure"], r["target"], r["detail"], r["subject"],
                r["start_value"], r["decision"], r["decision_note"], r["id"]))
        by_cycle_c: dict[int, list[Commitment]] = {}
        for r in commitments:
            by_cycle_c.setdefault(r["cycle_id"], []).append(Commitment(
                r["what"], r["owner_role"], r["due_on"], r["status"], r["link"], r["done_on"],
                r["carried_from"], r["id"]))
        return [Cycle(r["id"], r["scope"], r["focus"], r["practice"], r["starts_on"],
                      r["ends_on"], r["status"], r["previous_id"], r["opened_by"],
                      r["opened_at"], r["closed_at"], tuple(by_cycle_i.get(r["id"], ())),
                      tuple(by_cycle_c.get(r["id"], ()))) for r in rows]

    def cycle(self, cycle_id: int) -> Cycle:
        t = cycles_table
        with self.engine.connect() as con:
            scope = con.execute(sa.select(t.c.scope).where(t.c.id == cycle_id)).scalar()
        if scope is None:
            raise CycleError(f"There is no cycle {cycle_id}.")
        return next(c for c in self.cycles([scope]) if c.id == cycle_id)

    def _writable_cycle(self, author: Author, cycle_id: int) -> Cycle:
        cycle = self.cycle(cycle_id)
        author.check_may_write(cycle.scope)
        if cycle.status != OPEN:
            raise CycleError("This cycle is closed: its review stands as it was decided.")
        return cycle

    def _cycle_of(self, author: Author, table: sa.Table, kind: str, ids: list[int]) -> Cycle:
        """The one open cycle the indicators or commitments `ids` belong to, which `author`
        may change."""
        with self.engine.connect() as con:
            found = dict(con.execute(sa.select(table.c.id, table.c.cycle_id).where(
                table.c.id.in_(list(ids)))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise CycleError(f"There is no {kind} {missing[0]}.")
        if len(set(found.values())) > 1:
            raise CycleError(f"These {kind}s belong to different cycles: change one at a time.")
        return self._writable_cycle(author, next(iter(found.values())))

    def add_commitment(self, author: Author, cycle_id: int, commitment: Commitment) -> int:
        cycle = self._writable_cycle(author, cycle_id)
        _checked_commitment(commitment)
        with self._operation(author, "commitment", cycle.scope) as (con, record):
            row = self._insert_commitment(con, cycle_id, commitment)
            record.update(key={"cycle": cycle_id, "commitment": row["id"]}, after=row)
        return row["id"]

    def set_commitment_status(self, author: Author, commitment_id: int, status: str,
                              on: dt.date) -> None:
        """A commitment's progress; `on` is the day it was marked done (kept only for
        done)."""
        self.set_commitment_statuses(author, {commitment_id: status}, on)

    def set_commitment_statuses(self, author: Author, statuses: dict[int, str],
                                on: dt.date) -> None:
        """Several commitments' progress at once (one cycle's), as one change."""
        for status in statuses.values():
            if status not in COMMITMENT_STATUSES:
                raise CycleError("A commitment's status is one of "
                                 f"{', '.join(COMMITMENT_STATUSES)}.")
        if not statuses:
            return
        self._change(author, commitments_table, "commitment", {
            i: {"status": s, "done_on": on if s == "done" else None}
            for i, s in statuses.items()})

    def decide(self, author: Author, indicator_id: int, decision: str, note: str = "") -> None:
        """The review's decision on one indicator: carry on, adjust or stop, with a note."""
        self.review(author, {indicator_id: (decision, note)}, {})

    def set_target(self, author: Author, indicator_id: int, target: float) -> None:
        """Revise an indicator's target for its cycle's end (a decision to adjust, carried into
        the next cycle, is revised here)."""
        self.review(author, {}, {indicator_id: target})

    def review(self, author: Author, decisions: dict[int, tuple[str, str]],
               targets: dict[int, float]) -> None:
        """A cycle's review as one change: decisions (indicator -> (decision, note)) and
        revised targets (indicator -> target), all of one cycle."""
        changes: dict[int, dict] = {}
        for indicator_id, target in targets.items():
            if not 0 <= target <= 100:
                raise CycleError(f"A target is a percent from 0 to 100, not {target}.")
            changes.setdefault(indicator_id, {})["target"] = float(target)
        for indicator_id, (decision, note) in decisions.items():
            if decision not in DECISIONS:
                raise CycleError(f"A decision is one of {', '.join(DECISIONS)}.")
            changes.setdefault(indicator_id, {}).update(
                decision=decision, decision_note=checked_text("decision_note", note.strip()))
        if changes:
            self._change(author, indicators_table, "indicator", changes)

    def _change(self, author: Author, table: sa.Table, kind: str,
                changes: dict[int, dict]) -> None:
        """Change indicators or commitments (id -> new values) of one open cycle `author` may
        change, as one operation: its record holds each row's changed values before and
        after, by id."""
        cycle = self._cycle_of(author, table, kind, list(changes))
        with self._operation(author, kind, cycle.scope) as (con, record):
            before = {}
            for row_id, after in changes.items():
                was = con.execute(sa.select(table).where(table.c.id == row_id)
                                  ).mappings().first()
                before[row_id] = {k: was[k] for k in after}
                con.execute(table.update().where(table.c.id == row_id).values(**after))
            record.update(key={"cycle": cycle.id, f"{kind}s": sorted(changes)},
                          before=before, after=changes)

    def close_cycle(self, author: Author, cycle_id: int, next_starts_on: dt.date,
                    next_ends_on: dt.date,
                    start_values: dict[tuple[str, str | None, str | None], float | None]
                    ) -> Cycle:
        """Close a reviewed cycle and open the next, as one change: its focus and practice,
        the indicators not stopped (their start values from `start_values`, by
        Indicator.key, the data at the next cycle's start; their targets as they were, to be
        revised where the decision was to adjust) and the commitments not done or dropped
        (carried, each pointing at the one it continues). Every indicator needs its decision
        first. Where the next cycle cannot open, this one stays open, unchanged."""
        cycle = self._writable_cycle(author, cycle_id)
        undecided = [i for i in cycle.indicators if i.decision is None]
        if undecided:
            raise CycleError("Decide on every indicator before closing the cycle (carry on, "
                             "adjust or stop): " + ", ".join(
                                 f"{i.measure}{' ' + i.detail if i.detail else ''}"
                                 for i in undecided) + ".")
        kept = [Indicator(i.kind, i.measure, i.target, i.detail, i.subject,
                          start_values.get(i.key)) for i in cycle.indicators
                if i.decision != "stop"]
        if {i.kind for i in kept} != set(KINDS):
            raise CycleError("Every leading or every lagging indicator was stopped: the next "
                             "cycle needs one of each. Adjust one instead, or open a new "
                             "cycle yourself once this one is closed.")
        carried = [Commitment(c.what, c.owner_role, max(c.due_on, next_starts_on), c.status,
                              c.link, None, c.id) for c in cycle.commitments if not c.finished]
        t = cycles_table
        with self._operation(author, "cycle", cycle.scope) as (con, record):
            closed = {"status": CLOSED, "closed_at": _now()}
            changed = con.execute(t.update().where(t.c.id == cycle_id, t.c.status == OPEN)
                                  .values(**closed)).rowcount
            if changed != 1:          # closed by someone else meanwhile
                raise CycleError("This cycle is closed: its review stands as it was decided.")
            next_id, row = self._insert_cycle(
                con, author, cycle.scope, cycle.focus, cycle.practice, next_starts_on,
                next_ends_on, kept, carried, cycle_id)
            record.update(key={"cycle": cycle_id, "next": next_id},
                          before={"status": OPEN, "closed_at": None},
                          after={**closed, "next": row})
        return self.cycle(next_id)

    # -- the system's reflection -----------------------------------------------------------------

    def reflect(self, author: Author, framework: str, term: str, lever: str, element: str,
                stage: str, note: str = "", evidence: str = "") -> None:
        """Record where one lever (or one element of it) stands this term. The district's
        reflection: district staff only."""
        self.reflect_term(author, framework, term, {(lever, element): (stage, note, evidence)})

    def reflect_term(self, author: Author, framework: str, term: str,
                     stages: dict[tuple[str, str], tuple[str, str, str]]) -> None:
        """Record one term's stages ((lever, element) -> (stage, note, evidence)) as one
        change."""
        from monitor.reflection import STAGES

        author.check_may_write(DISTRICT)
        rows = {}
        for (lever, element), (stage, note, evidence) in stages.items():
            if stage not in STAGES:
                raise CycleError(f"A stage is one of {', '.join(STAGES)}.")
            rows[(lever, element)] = {
                "stage": stage, "note": checked_text("note", note.strip()),
                "evidence": checked_text("evidence", evidence.strip()),
                "recorded_by": author.name, "recorded_at": _now()}
        if not rows:
            return
        t = reflections_table
        with self._operation(author, "reflection", DISTRICT) as (con, record):
            befores, afters = {}, {}
            for (lever, element), values in rows.items():
                key = {"framework": framework, "term": term, "lever": lever,
                       "element": element}
                where = [t.c[k] == v for k, v in key.items()]
                before = con.execute(sa.select(t.c.stage, t.c.note, t.c.evidence,
                                               t.c.recorded_by, t.c.recorded_at).where(*where)
                                     ).mappings().first()
                if before is None:
                    con.execute(t.insert().values(**key, **values))
                else:
                    con.execute(t.update().where(*where).values(**values))
                name = f"{lever}: {element}" if element else lever
                befores[name] = dict(before) if before is not None else None
                afters[name] = values
            if len(rows) == 1:
                ((lever, element),) = rows
                record.update(key={"framework": framework, "term": term, "lever": lever,
                                   "element": element},
                              before=next(iter(befores.values())),
                              after=next(iter(afters.values())))
            else:
                record.update(key={"framework": framework, "term": term,
                                   "levers": sorted(afters)}, before=befores, after=afters)

    def reflections(self, framework: str) -> list[dict]:
        """Every recorded stage of `framework`: term, lever, element, stage, note, evidence,
        recorded_by, recorded_at."""
        t = reflections_table
        with self.engine.connect() as con:
            rows = con.execute(sa.select(t).where(t.c.framework == framework).order_by(
                t.c.term, t.c.lever, t.c.element)).mappings().all()
        return [dict(r) for r in rows]

    # -- the record of changes ------------------------------------------------------------------

    def _record(self, con, author: Author, kind: str, scope: str, key: dict,
                before: dict | None, after: dict | None) -> None:
        con.execute(changes_table.insert().values(
            changed_at=_now(), changed_by=author.name, role=author.scope.role, kind=kind,
            scope=scope, key=json.dumps(key, sort_keys=True, default=str),
            before=None if before is None else json.dumps(before, sort_keys=True, default=str),
            after=None if after is None else json.dumps(after, sort_keys=True, default=str)))

    def version(self) -> int:
        """The number of the last change recorded (0: none): what people have written, as of
        now (a cache of what shows it is keyed on it)."""
        with self.engine.connect() as con:
            return con.execute(sa.select(sa.func.max(changes_table.c.id))).scalar() or 0

    def history(self, kind: str | None = None, scope: str | None = None) -> list[dict]:
        """Every change recorded (optionally of one kind and scope), oldest first: changed_at,
        changed_by, role, kind, scope, key, before and after (dicts, or None)."""
        t = changes_table
        query = sa.select(t).order_by(t.c.id)
        if kind is not None:
            query = query.where(t.c.kind == kind)
        if scope is not None:
            query = query.where(t.c.scope == scope)
        with self.engine.connect() as con:
            rows = con.execute(query).mappings().all()
        return [{**row, "key": json.loads(row["key"]),
                 "before": json.loads(row["before"]) if row["before"] else None,
                 "after": json.loads(row["after"]) if row["after"] else None} for row in rows]

    # -- an earlier release's notes file ------------------------------------------------------------

    def _carry_legacy_notes(self, path: Path) -> None:
        """Notes of an earlier release's file, carried once (a note already in the store is
        kept as it is), each with a record of the change made by "(earlier notes file)"."""
        marker = f"legacy_notes:{path.resolve()}"
        if not path.exists():
            return
        with self.engine.connect() as con:
            if con.execute(sa.select(meta_table.c.value).where(
                    meta_table.c.key == marker)).first() is not None:
                return
        old = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = old.execute("SELECT school_year, window_id, scope, slide, notice, wonder,"
                               " next_steps, updated_at FROM debrief_notes").fetchall()
        except sqlite3.DatabaseError:
            rows = []          # not a notes file we know: left as it is, nothing carried
        finally:
            old.close()
        t = notes_table
        carried = "(earlier notes file)"
        with self.engine.begin() as con:
            if con.execute(sa.select(meta_table.c.value).where(
                    meta_table.c.key == marker)).first() is not None:
                return          # another process carried them meanwhile
            for year, window, scope, slide, notice, wonder, steps, at in rows:
                key = {"school_year": year, "window_id": window, "scope": scope,
                       "slide": slide}
                if con.execute(sa.select(t.c.slide).where(
                        *[t.c[k] == v for k, v in key.items()])).first() is not None:
                    continue
                values = {"notice": notice, "wonder": wonder, "next_steps": steps,
                          "updated_at": at, "updated_by": carried}
                con.execute(t.insert().values(**key, **values))
                con.execute(changes_table.insert().values(
                    changed_at=_now(), changed_by=carried, role="district", kind="note",
                    scope=scope, key=json.dumps(key, sort_keys=True), before=None,
                    after=json.dumps(values, sort_keys=True)))
            con.execute(meta_table.insert().values(
                key=marker, value=json.dumps({"at": _now(), "notes": len(rows)})))


def open_store(database: Path) -> Store:
    """The store for the database at `database` (its earlier notes file carried in)."""
    return Store(store_url(database), legacy_notes=legacy_notes_path(database))


class Notebook:
    """The debrief's notes as one author reads and writes them (monitor.ui.data hands these
    out): every save is checked against the author's scope by the store."""

    def __init__(self, store: Store, author: Author):
        self.store, self.author = store, author

    def for_walk(self, school_year: str, window_id: str, scope: str) -> dict[str, Note]:
        return self.store.notes_for_walk(school_year, window_id, scope)

    def save(self, school_year: str, window_id: str, scope: str, slide: str,
             note: Note) -> Note:
        return self.store.save_note(self.author, school_year, window_id, scope, slide, note)


class Desk:
    """Improvement cycles and the system's reflection as one author changes them
    (monitor.ui.data hands these out): each of the store's changes (WRITES) is made as them,
    and checked and recorded by the store; `desk.close_cycle(cycle_id, ...)` is
    `store.close_cycle(author, cycle_id, ...)`."""

    WRITES = frozenset({"open_cycle", "add_commitment", "set_commitment_status",
                        "set_commitment_statuses", "decide", "set_target", "review",
                        "close_cycle", "reflect", "reflect_term"})

    def __init__(self, store: Store, author: Author):
        self.store, self.author = store, author

    def __getattr__(self, name: str):
        if name not in Desk.WRITES:
            raise AttributeError(name)
        return functools.partial(getattr(self.store, name), self.author)
