"""Goals set in the product: district staff set a school's (or the district's) goals per measure,
subject and window; a principal proposes their own school's, and district staff approve or
decline. Each goal is kept with who set it, when, from which suggestion and why; every change is
one operation of the store with its record in the store's history. The approved goals of a
school year replace config.toml's defaults (`with_goals`; monitor.measures.goals reads them)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from monitor.access import AccessDenied
from monitor.config import SetGoal, Settings
from monitor.measures.goals import goal_subjects
from monitor.writing.engines import now_text
from monitor.writing.records import DISTRICT, Author, Refused, checked_text
from monitor.writing.store import Store
from monitor.writing.tables import changes_table, goals_table

PROPOSED, APPROVED, DECLINED = "proposed", "approved", "declined"
KIND = "goal"                     # the kind of change in the store's history
DISTRICT_OFFICE = "the district office"
PRINCIPAL = "the school's principal"


class GoalError(Refused):
    """A goal the rules do not take; the message says why, for the user."""


@dataclass(frozen=True)
class GoalRecord:
    """One goal as the store keeps it (every one, proposed, approved or declined)."""
    id: int
    school_year: str
    measure: str
    scope: str                     # a school code, or DISTRICT
    subject: str | None
    targets: dict[str, float]
    basis: str
    reason: str
    status: str
    proposed_by: str
    proposer_role: str
    proposed_at: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str

    def as_set_goal(self) -> SetGoal:
        """The approved goal as the settings hold it, with where it came from in words."""
        day = dt.date.fromisoformat((self.decided_at or self.proposed_at)[:10])
        return SetGoal(measure=self.measure,
                       school=None if self.scope == DISTRICT else self.scope,
                       subject=self.subject, targets=self.targets, set_on=day,
                       set_by=DISTRICT_OFFICE,
                       proposed_by=PRINCIPAL if self.proposer_role == "principal" else "",
                       basis=self.basis, reason=self.reason)


def may_decide(author: Author) -> bool:
    """District staff (every school in scope) set goals and decide on proposals."""
    return author.scope.role == "district" and author.scope.schools is None


def may_propose(author: Author, where: str) -> bool:
    """A principal proposes their own school's goals (never the district's)."""
    return where != DISTRICT and author.scope.role == "principal" and author.may_write(where)


class GoalDesk:
    """Goals as one author sets, proposes and decides them; each change checked whole, then
    written with its record in one transaction (nothing of a refused change is saved)."""

    def __init__(self, store: Store, author: Author, settings: Settings):
        self.store, self.author, self.settings = store, author, settings

    def set_goal(self, school_year: str, measure: str, where: str, subject: str | None,
                 targets: dict[str, float], basis: str, reason: str,
                 at: str | None = None) -> GoalRecord:
        """District staff: the goal, approved at once. A principal, for their own school: a
        proposal for district staff to decide. Anyone else: AccessDenied."""
        author = self.author
        deciding = may_decide(author)
        if not deciding and not may_propose(author, where):
            raise AccessDenied(
                "Goals are set by district staff; a principal proposes their own school's."
                if author.scope.role != "viewer" else "Your role reads goals but does not set "
                "them.")
        row = self._checked(school_year, measure, where, subject, targets, basis, reason)
        stamp = at or now_text()
        row |= {"status": APPROVED if deciding else PROPOSED, "proposed_by": author.name,
                "proposer_role": author.scope.role, "proposed_at": stamp,
                "decided_by": author.name if deciding else None,
                "decided_at": stamp if deciding else None, "decision_note": ""}
        with self.store._operation(author, KIND, where) as (con, record):
            goal_id = con.execute(goals_table.insert().values(**row)).inserted_primary_key[0]
            record.update(key={"goal": goal_id, "measure": measure, "subject": row["subject"],
                               "school_year": school_year}, after=row)
        return goal(self.store, goal_id)

    def decide(self, goal_id: int, approve: bool, note: str = "",
               at: str | None = None) -> GoalRecord:
        """District staff approve or decline a principal's proposal (a decline says why)."""
        if not may_decide(self.author):
            raise AccessDenied("Only district staff approve or decline a proposed goal.")
        proposed = goal(self.store, goal_id)
        if proposed.status != PROPOSED:
            raise GoalError(f"This goal was {proposed.status} already; nothing was changed.")
        note = checked_text("decision_note", note.strip())
        if not approve and not note:
            raise GoalError("Say why the proposal is declined: the principal reads it.")
        after = {"status": APPROVED if approve else DECLINED, "decided_by": self.author.name,
                 "decided_at": at or now_text(), "decision_note": note}
        with self.store._operation(self.author, KIND, proposed.scope) as (con, record):
            con.execute(goals_table.update().where(goals_table.c.id == goal_id,
                                                   goals_table.c.status == PROPOSED)
                        .values(**after))
            record.update(key={"goal": goal_id}, before={"status": PROPOSED}, after=after)
        return goal(self.store, goal_id)

    def _checked(self, school_year: str, measure: str, where: str, subject: str | None,
                 targets: dict[str, float], basis: str, reason: str) -> dict:
        settings = self.settings
        if measure not in settings.measures:
            raise GoalError(f"There is no measure called {measure!r}.")
        subjects = goal_subjects(measure)
        if subject not in subjects:
            raise GoalError(f"{settings.measures[measure].label} has no subject {subject!r} "
                            f"(it has {', '.join(s or 'every subject' for s in subjects)}).")
        calendar = settings.calendar_for(measure)
        kept = {w: float(v) for w, v in targets.items() if v is not None}
        if not kept:
            raise GoalError("Give a goal for at least the year-end window.")
        unknown = sorted(set(kept) - set(calendar.ids))
        if unknown:
            raise GoalError(f"{', '.join(unknown)}: not a window of the {calendar.label} "
                            "calendar.")
        for window, value in kept.items():
            if not 0 <= value <= 100:
                raise GoalError(f"{calendar.label_of(window)}: {value:g} is not a percent "
                                "from 0 to 100.")
        reason = checked_text("goal_reason", reason.strip())
        if not reason:
            raise GoalError("Say why this goal: the reason is kept with it and shown where "
                            "it is used.")
        ordered = {w: kept[w] for w in calendar.ids if w in kept}
        return {"school_year": school_year, "measure": measure, "scope": where,
                "subject": subject or "", "targets": json.dumps(ordered),
                "basis": checked_text("goal_basis", basis.strip()), "reason": reason}


def _record(row) -> GoalRecord:
    return GoalRecord(
        id=row.id, school_year=row.school_year, measure=row.measure, scope=row.scope,
        subject=row.subject or None, targets=json.loads(row.targets), basis=row.basis,
        reason=row.reason, status=row.status, proposed_by=row.proposed_by,
        proposer_role=row.proposer_role, proposed_at=row.proposed_at,
        decided_by=row.decided_by, decided_at=row.decided_at, decision_note=row.decision_note)


def goal(store: Store, goal_id: int) -> GoalRecord:
    with store.engine.connect() as con:
        row = con.execute(sa.select(goals_table).where(goals_table.c.id == goal_id)).first()
    if row is None:
        raise GoalError(f"There is no goal number {goal_id}.")
    return _record(row)


def goals(store: Store, school_year: str, scopes: list[str] | None = None) -> list[GoalRecord]:
    """Every goal of a school year (optionally of some scopes), oldest first."""
    t = goals_table
    query = sa.select(t).where(t.c.school_year == school_year).order_by(t.c.id)
    if scopes is not None:
        query = query.where(t.c.scope.in_(scopes))
    with store.engine.connect() as con:
        return [_record(row) for row in con.execute(query)]


def approved(store: Store, school_year: str) -> list[SetGoal]:
    """The goals in force for a school year: the latest approved one for each measure,
    school and subject."""
    latest: dict[tuple, GoalRecord] = {}
    for record in goals(store, school_year):
        if record.status == APPROVED:
            key = (record.measure, record.scope, record.subject)
            if key not in latest or (record.decided_at or "", record.id) >= (
                    latest[key].decided_at or "", latest[key].id):
                latest[key] = record
    return [record.as_set_goal() for record in latest.values()]


def with_goals(settings: Settings, store: Store, school_year: str | None = None) -> Settings:
    """`settings` with the goals in force set in the product (the current school year's)
    over config.toml's: what every page, export and command works from."""
    year = school_year or settings.current_school_year()
    found = tuple(goal for goal in approved(store, year) if goal.measure in settings.measures)
    return settings.model_copy(update={"goals_set": found}) if found else settings


def version(store: Store) -> int:
    """The last change to goals recorded (0: none): the settings' goals are keyed on it."""
    with store.engine.connect() as con:
        return con.execute(sa.select(sa.func.max(changes_table.c.id)).where(
            changes_table.c.kind == KIND)).scalar() or 0
