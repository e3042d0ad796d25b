"""What people write, kept apart from the read-only database versions every load replaces: the
debrief's notes, improvement cycles with their indicators and commitments, and reflections.

One store for every server process: SQLite beside the database by default
(`monitor_store.sqlite`), or the SQLAlchemy URL in MONITOR_STORE_URL (PostgreSQL for a district
running several servers). Every change
is kept with who made it and when (`changes`: the row before and after, as JSON), and who may
change what is checked here, not by the pages: district staff everything, a principal their
own schools, a viewer nothing. Values are bound parameters (SQLAlchemy Core); each save is one
transaction, with its record of the change.

A notes file of an earlier release (`debrief_notes.sqlite` beside the database, or the file
MONITOR_NOTES named) is carried into the store the first time it is opened, once."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import sqlalchemy as sa

from monitor.writing.engines import engine_for, legacy_notes_path, now_text, store_url
from monitor.writing.legacy import carry_legacy_notes
from monitor.writing.records import (
    COMMITMENT_STATUSES,
    DECISIONS,
    DISTRICT,
    KINDS,
    Author,
    Commitment,
    Cycle,
    CycleError,
    Indicator,
    Note,
    _checked_commitment,
    _checked_indicators,
    checked_carried,
    checked_close,
    checked_review,
    checked_text,
    cycles_of,
)
from monitor.writing.tables import (
    changes_table,
    commitments_table,
    cycles_table,
    indicators_table,
    notes_table,
    reflections_table,
)

OPEN, CLOSED = "open", "closed"


class Store:
    """The store at `url` (see `store_url`).

    Every change is one operation: checked whole first (who may, what the rules allow, how
    long each text is), then written in one transaction with one record in `changes` (what it
    touched before and after). A refused or failed operation changes nothing and records
    nothing."""

    def __init__(self, url: str, legacy_notes: Path | None = None):
        self.url = url
        self.engine = engine_for(url)
        if legacy_notes is not None:
            carry_legacy_notes(self.engine, Path(legacy_notes))

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
                     checked_text("next_steps", note.next_steps), now_text(), author.name)
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
               "previous_id": previous_id, "opened_by": author.name, "opened_at": now_text(),
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
               "decision": None, "decision_note": "", "target_reason": i.target_reason.strip()}
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
        return cycles_of(rows, indicators, commitments)

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
        revised targets (indicator -> target), all of one cycle. To adjust is to change the
        target; a target revised to or below where the indicator started needs the note to
        say why."""
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
        if not changes:
            return
        checked_review(self._cycle_of(author, indicators_table, "indicator", list(changes)),
                       changes)
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
                    start_values: dict[tuple[str, str | None, str | None], float | None],
                    *, early: bool = False) -> Cycle:
        """Close a reviewed cycle on the day before `next_starts_on` and open the next, as one
        change: its focus and practice, the indicators not stopped (their start values from
        `start_values`, by Indicator.key, the data at the next cycle's start; their targets as
        they were, revised where the decision was to adjust) and the commitments not done or
        dropped (carried, each pointing at the one it continues). Every indicator needs its
        decision first; a close before the cycle's end date needs `early` (the person has
        confirmed it); a carried indicator whose new start is at or above its target needs a
        new target or a note saying why. Where the next cycle cannot open, this one stays
        open, unchanged."""
        cycle = self._writable_cycle(author, cycle_id)
        checked_close(cycle, next_starts_on, next_ends_on, early)
        undecided = [i for i in cycle.indicators if i.decision is None]
        if undecided:
            raise CycleError("Decide on every indicator before closing the cycle (carry on, "
                             "adjust or stop): " + ", ".join(i.name for i in undecided) + ".")
        kept = [Indicator(i.kind, i.measure, i.target, i.detail, i.subject,
                          start_values.get(i.key), target_reason=i.target_reason
                          or i.decision_note) for i in cycle.indicators
                if i.decision != "stop"]
        if {i.kind for i in kept} != set(KINDS):
            raise CycleError("Every leading or every lagging indicator was stopped: the next "
                             "cycle needs one of each. Adjust one instead, or open a new "
                             "cycle yourself once this one is closed.")
        checked_carried(kept)
        carried = [Commitment(c.what, c.owner_role, max(c.due_on, next_starts_on), c.status,
                              c.link, None, c.id) for c in cycle.commitments if not c.finished]
        t = cycles_table
        with self._operation(author, "cycle", cycle.scope) as (con, record):
            closed = {"status": CLOSED, "closed_at": now_text()}
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
        from monitor.writing.reflection import STAGES

        author.check_may_write(DISTRICT)
        rows = {}
        for (lever, element), (stage, note, evidence) in stages.items():
            if stage not in STAGES:
                raise CycleError(f"A stage is one of {', '.join(STAGES)}.")
            rows[(lever, element)] = {
                "stage": stage, "note": checked_text("note", note.strip()),
                "evidence": checked_text("evidence", evidence.strip()),
                "recorded_by": author.name, "recorded_at": now_text()}
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
            changed_at=now_text(), changed_by=author.name, role=author.scope.role, kind=kind,
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


def open_store(database: Path) -> Store:
    """The store for the database at `database` (its earlier notes file carried in)."""
    return Store(store_url(database), legacy_notes=legacy_notes_path(database))
