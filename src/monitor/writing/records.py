"""What people write, as records the store checks before it saves anything: a note, an
author and where they may write, a cycle with its indicators and commitments, the words they
may use (statuses, decisions) and how long each text may be."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from monitor import registry
from monitor.access import AccessDenied, Scope

DISTRICT = "district"          # the scope of the district's own notes (else a school code)


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
# A cycle follows a few indicators a team can hold in mind and a chart can show: at most three
# of adult practice and two of student results.
MOST_INDICATORS = {"leading": 3, "lagging": 2}
COMMITMENT_STATUSES = ("not started", "in progress", "done", "dropped")
DECISIONS = ("carry on", "adjust", "stop")


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
          "note": 4000, "evidence": 2000, "target_reason": 500, "goal_reason": 1000,
          "goal_basis": 300}
LABELS = {"focus": "focus", "practice": "practice", "what": "commitment", "owner_role": "owner",
          "link": "link", "decision_note": "decision's note", "notice": "notice",
          "wonder": "wonder", "next_steps": "next steps", "note": "note",
          "evidence": "evidence", "target_reason": "reason for the target",
          "goal_reason": "reason for the goal", "goal_basis": "suggestion"}


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
    # Why the target is not above the start (a target at or below it is refused without one).
    target_reason: str = ""

    @property
    def name(self) -> str:
        """How a message names it: 'Benchmark (ELA)', 'Learning walks ca2'."""
        return (registry.spec(self.measure).short + (f" {self.detail}" if self.detail else "")
                + (f" ({self.subject})" if self.subject else ""))

    @property
    def aims_above_start(self) -> bool:
        """Whether the target is above the start (or there is no start to compare with)."""
        return self.start_value is None or self.target > self.start_value

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
    for kind, most in MOST_INDICATORS.items():
        count = sum(i.kind == kind for i in indicators)
        if count > most:
            raise CycleError(f"A cycle follows at most {most} {kind} indicators, not {count}: "
                             "choose the ones the team will act on.")
    keys = [i.key for i in indicators]
    if len(set(keys)) != len(keys):
        raise CycleError("An indicator is chosen twice.")
    for i in indicators:
        if not 0 <= i.target <= 100:
            raise CycleError(f"The target of {i.name} is a percent from 0 to 100, not "
                             f"{i.target}.")
        checked_text("target_reason", i.target_reason)
        if not i.aims_above_start and not i.target_reason.strip():
            raise CycleError(
                f"The target of {i.name} ({i.target:.0f}%) is not above where it starts "
                f"({i.start_value:.0f}%): raise it, or say why holding or lowering it is right.")


def overdue(commitments, day: dt.date) -> list[Commitment]:
    """The commitments past their due date on `day` and neither done nor dropped."""
    return [c for c in commitments if not c.finished and c.due_on < day]


def _checked_commitment(c: Commitment) -> None:
    if not c.what.strip() or not c.owner_role.strip():
        raise CycleError("A commitment says what will be done and whose role does it.")
    for field in ("what", "owner_role", "link"):
        checked_text(field, getattr(c, field))
    if c.status not in COMMITMENT_STATUSES:
        raise CycleError(f"A commitment's status is one of {', '.join(COMMITMENT_STATUSES)}.")


def checked_review(cycle: Cycle, changes: dict[int, dict]) -> None:
    """A review's changes (indicator id -> new target, decision, note) as the rules allow: to
    adjust is to change the target; a target revised to or below where the indicator started
    needs the note to say why."""
    for indicator in cycle.indicators:
        change = changes.get(indicator.id)
        if change is None:
            continue
        target = change.get("target", indicator.target)
        if change.get("decision") == "adjust" and target == indicator.target:
            raise CycleError(f"To adjust {indicator.name} is to change its target: it is still "
                             f"{target:.0f}%. Change the target, or carry on.")
        note = change.get("decision_note", indicator.decision_note)
        if ("target" in change and indicator.start_value is not None
                and target <= indicator.start_value and not note.strip()):
            raise CycleError(f"The new target ({target:.0f}%) is not above where the indicator "
                             f"started ({indicator.start_value:.0f}%): say why in its note.")


def checked_close(cycle: Cycle, next_starts_on: dt.date, next_ends_on: dt.date,
                  early: bool) -> None:
    """A close on the day before `next_starts_on` as the rules allow: not before the cycle
    starts, before its end date only when confirmed (`early`), the next cycle ending after it
    starts."""
    closes_on = next_starts_on - dt.timedelta(days=1)
    if closes_on < cycle.starts_on:
        raise CycleError(f"A cycle that starts on {cycle.starts_on:%b %-d, %Y} cannot close on "
                         f"{closes_on:%b %-d, %Y}: the next starts the day after it closes.")
    if closes_on < cycle.ends_on and not early:
        days = (cycle.ends_on - closes_on).days
        raise CycleError(f"This cycle runs to {cycle.ends_on:%b %-d, %Y}: closing it on "
                         f"{closes_on:%b %-d} ends it {days} day(s) early. Confirm closing "
                         "early, or close it when it ends.")
    if next_ends_on <= next_starts_on:
        raise CycleError(f"The next cycle ends ({next_ends_on:%b %-d, %Y}) on or before it "
                         f"starts ({next_starts_on:%b %-d, %Y}).")


def checked_carried(kept: list[Indicator]) -> None:
    """The indicators carried into the next cycle: none may start at or above its target
    without a reason (its own, or the decision's note)."""
    behind = [i for i in kept if not i.aims_above_start and not i.target_reason.strip()]
    if behind:
        raise CycleError("The next cycle would start at or above its target for " + ", ".join(
            f"{i.name} (starts at {i.start_value:.0f}%, target {i.target:.0f}%)" for i in behind)
            + ": adjust the target, or say why in the decision's note.")


def cycles_of(rows, indicators, commitments) -> list[Cycle]:
    """Cycles from the store's rows (mappings of the cycles, indicators and commitments
    tables), each with its indicators and commitments in the order given."""
    by_cycle_i: dict[int, list[Indicator]] = {}
    for r in indicators:
        by_cycle_i.setdefault(r["cycle_id"], []).append(Indicator(
            r["kind"], r["measure"], r["target"], r["detail"], r["subject"], r["start_value"],
            r["decision"], r["decision_note"], r["id"], r["target_reason"]))
    by_cycle_c: dict[int, list[Commitment]] = {}
    for r in commitments:
        by_cycle_c.setdefault(r["cycle_id"], []).append(Commitment(
            r["what"], r["owner_role"], r["due_on"], r["status"], r["link"], r["done_on"],
            r["carried_from"], r["id"]))
    return [Cycle(r["id"], r["scope"], r["focus"], r["practice"], r["starts_on"], r["ends_on"],
                  r["status"], r["previous_id"], r["opened_by"], r["opened_at"], r["closed_at"],
                  tuple(by_cycle_i.get(r["id"], ())), tuple(by_cycle_c.get(r["id"], ())))
            for r in rows]
