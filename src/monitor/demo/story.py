"""The demo district's year of improvement cycles and system reflection, written into the store
after the demo's exports are loaded (`python -m monitor demo-story`).

The story is told by the demo's own protected numbers, not written beside them: among the
elementary schools, the one whose learning-walk practice (every indicator pooled) rose first
last year, with its ELA benchmark rising after it, is the featured school. Its cycles run
quarter by quarter from last year's second learning-walk quarter (the first has no value before
it to start from), each reviewed, decided and closed into the next with its targets revised and
its unfinished commitments carried, to an open cycle this quarter; two more schools and the district
have an open cycle; the district's reflection runs from last fall to this year's latest term,
with one lever moving back. The district office set the featured school's ELA goal on the first
school day of September from last year's results (a third of the gap closed), and another
school's principal has proposed a Math goal the district has yet to decide. Nothing is written
into a store that already holds cycles.
"""

from __future__ import annotations

import datetime as dt

from monitor.access import Scope
from monitor.config import Settings
from monitor.db import Database
from monitor.measures import selection
from monitor.registry import MeasureId
from monitor.school_years import previous_school_year, school_year_of
from monitor.views import goal_setting, measures_table, reads
from monitor.writing import cycles, goalbook, reflection
from monitor.writing.records import DISTRICT, Author, Commitment, Cycle, Indicator
from monitor.writing.store import Store

FOCUS = "Students rarely explain their thinking in writing"
PRACTICE = "Turn and talk with sentence frames before every writing task"
LEADING = Indicator("leading", MeasureId.WALKTHROUGH, 0.0)          # every indicator pooled
LAGGING = Indicator("lagging", MeasureId.BENCHMARK, 0.0, subject="ELA")
DATA_TEAM = Author("(demo) District data team", Scope(role="district", analyst=True))


def _points(db: Database, settings: Settings, where: str, indicator: Indicator,
            school_year: str):
    return reads.indicator_points(db, settings, where, indicator, school_year)


def featured_school(db: Database, settings: Settings, school_year: str) -> str | None:
    """The elementary school whose learning-walk practice moved earliest in `school_year`, with
    its ELA benchmark moving after it; None if no school's data tell it."""
    schools = db.query("schools")
    threshold = settings.cycles.moved_points

    def first_move(points) -> tuple[dt.date | None, float]:
        """When the year's values first rose `threshold` above the year's first, and the
        largest rise."""
        year = points[(points["school_year"] == school_year) & points["value"].notna()]
        if len(year) < 2:
            return None, 0.0
        rise = year["value"] - year["value"].iloc[0]
        moved = year.loc[rise >= threshold, "date"]
        return (moved.iloc[0] if len(moved) else None), float(rise.max())

    best = None
    for code in schools.loc[schools["level"] == "Elementary", "school_code"]:
        walk_moved, rise = first_move(_points(db, settings, code, LEADING, school_year))
        bench_moved, _ = first_move(_points(db, settings, code, LAGGING, school_year))
        if walk_moved is None or bench_moved is None or walk_moved >= bench_moved:
            continue
        key = (walk_moved, -rise)
        if best is None or key < best[0]:
            best = (key, code)
    return None if best is None else best[1]


def _start_values(db, settings, where, indicators, day) -> dict:
    year = school_year_of(day)
    return {i.key: cycles.value_on(_points(db, settings, where, i, year), day)
            for i in indicators}


def _with_starts(db, settings, where, indicators, day) -> list[Indicator]:
    starts = _start_values(db, settings, where, indicators, day)
    return [Indicator(i.kind, i.measure, i.target, i.detail, i.subject, starts[i.key])
            for i in indicators]


def _target(start: float | None, rise: float) -> float:
    return float(min(100, round((start if start is not None else 50.0) + rise)))


def _decide(store: Store, author: Author, cycle: Cycle, review: cycles.Review) -> None:
    for r in review.indicators:
        change = r.change
        moved = f"{r.start:.0f}% to {r.now:.0f}%" if change is not None else "no new value yet"
        if r.reached:
            decision, note = "carry on", f"Reached the target ({moved}): keep the practice."
        elif r.moved:
            decision, note = "carry on", f"Moving ({moved}); keep going."
        else:
            # To adjust is to change the target: a nearer one while the practice takes hold.
            note = f"Not moved yet ({moved}); more modelling in PLCs, a nearer target."
            store.review(author, {r.indicator.id: ("adjust", note)},
                         {r.indicator.id: max(0.0, r.target - 2)})
            continue
        store.decide(author, r.indicator.id, decision, note)


def write_story(store: Store, db: Database, settings: Settings) -> dict[str, int]:
    """Write the demo's cycles and reflection into `store` (only when it holds no cycle).
    Returns what was written: {"cycles": n, "reflections": n, "goals": n} (zeros when it held
    some)."""
    if store.cycles():
        return {"cycles": 0, "reflections": 0, "goals": 0}
    as_of = settings.as_of_date()
    this_year = school_year_of(as_of)
    last_year = previous_school_year(this_year)
    schools = db.query("schools")
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))
    code = featured_school(db, settings, last_year) or schools.loc[
        schools["level"] == "Elementary", "school_code"].iloc[0]
    principal = Author(f"(demo) Principal, {names[code]}",
                       Scope(role="principal", schools=(code,)))
    # From last year's second quarter: the first has no value before it to start from.
    quarters = [q for q in cycles.quarters(settings, last_year)[1:]
                + cycles.quarters(settings, this_year) if q[0] <= as_of]
    starts = _with_starts(db, settings, code, [LEADING, LAGGING], quarters[0][0])
    indicators = [Indicator(i.kind, i.measure, _target(i.start_value, 8 if i.kind == "leading"
                                                        else 5), i.detail, i.subject,
                            i.start_value) for i in starts]
    first, last = quarters[0]
    cycle = store.open_cycle(principal, code, FOCUS, PRACTICE, first, last, indicators, [
        Commitment("Model turn and talk in every grade-level PLC", "Instructional coach",
                   first + dt.timedelta(days=14)),
        Commitment("Walk every classroom weekly with the CA2 look-fors", "Principal",
                   first + dt.timedelta(days=28)),
        Commitment("Share the sentence frames with families at back-to-school night",
                   "Family engagement lead", first + dt.timedelta(days=21))])
    written = 1
    for number, (next_start, next_end) in enumerate(quarters[1:], start=1):
        # Each quarter: most commitments done on time, one late, one carried.
        for n, c in enumerate(cycle.commitments):
            if c.status in ("done", "dropped"):
                continue
            if n == 0 or number % 2 == 0:
                store.set_commitment_status(principal, c.id, "done", c.due_on)
            elif n == 2 and number == 1:
                store.set_commitment_status(principal, c.id, "done",
                                            c.due_on + dt.timedelta(days=10))
            else:
                store.set_commitment_status(principal, c.id, "in progress", c.due_on)
        review = cycles.review(cycle, {
            i.id: _points(db, settings, code, i, school_year_of(cycle.starts_on))
            for i in cycle.indicators}, settings, as_of)
        _decide(store, principal, cycle, review)
        cycle = store.close_cycle(principal, cycle.id, next_start, next_end, _start_values(
            db, settings, code, list(cycle.indicators), next_start))
        # Targets revised from the new start values.
        for i in cycle.indicators:
            if i.start_value is not None:
                store.set_target(principal, i.id, _target(i.start_value, 5))
        store.add_commitment(principal, cycle.id, Commitment(
            f"Peer visits: each grade team watches one turn-and-talk lesson ({number + 1})",
            "Grade-level team leads", min(next_end, next_start + dt.timedelta(days=30))))
        cycle = store.cycle(cycle.id)
        written += 1
    # Two more schools and the district have this quarter's cycle open.
    now_start, now_end = quarters[-1]
    others = [c for c in schools.loc[schools["level"] != "High", "school_code"] if c != code][:2]
    for other, (detail, focus) in zip(others, [
            ("hqim", "Adopted materials are used unevenly across classrooms"),
            ("ca3", "Few students do the thinking in math lessons")], strict=False):
        leading = Indicator("leading", MeasureId.WALKTHROUGH, 0.0, detail=detail)
        lagging = Indicator("lagging", MeasureId.BENCHMARK, 0.0, subject="Math" if detail == "ca3"
                            else "ELA")
        chosen = _with_starts(db, settings, other, [leading, lagging], now_start)
        store.open_cycle(DATA_TEAM, other, focus, "Weekly coaching cycles on the adopted "
                         "materials" if detail == "hqim" else "Number talks three times a week",
                         now_start, now_end,
                         [Indicator(i.kind, i.measure, _target(i.start_value, 5), i.detail,
                                    i.subject, i.start_value) for i in chosen],
                         [Commitment("Coach visits every classroom twice", "Instructional coach",
                                     now_start + dt.timedelta(days=21))])
        written += 1
    district = _with_starts(db, settings, DISTRICT, [
        Indicator("leading", MeasureId.WALKTHROUGH, 0.0, detail="hqim"),
        Indicator("lagging", MeasureId.BENCHMARK, 0.0, subject="ELA")], now_start)
    store.open_cycle(DATA_TEAM, DISTRICT, "High-quality materials in every classroom",
                     "Principal walkthroughs with the HQIM look-fors, weekly", now_start, now_end,
                     [Indicator(i.kind, i.measure, _target(i.start_value, 5), i.detail,
                                i.subject, i.start_value) for i in district],
                     [Commitment("Principal PLC on the HQIM look-fors", "Chief academic officer",
                                 now_start + dt.timedelta(days=14))])
    written += 1
    return {"cycles": written, "reflections": _write_reflection(store, settings, last_year,
                                                               this_year, as_of),
            "goals": _write_goals(store, db, settings, this_year, code, others[:1])}


def _write_goals(store: Store, db: Database, settings: Settings, this_year: str, code: str,
                 others: list[str]) -> int:
    """The featured school's ELA goal, set by the district office from the suggestion to close
    a third of the gap (early September); a Math goal another school's principal proposed
    (waiting for the district)."""
    september = f"{this_year[:4]}-09-03T09:00:00"
    written = 0
    for where, subject, key, author, reason in [
            (code, "ELA", goal_setting.THIRD, DATA_TEAM,
             "Agreed with the principal at the September goal conversation: the cycles on "
             "turn and talk should move writing first."),
            *[(other, "Math", goal_setting.TOP_QUARTER, Author(
                f"(demo) Principal of {other}", Scope(role="principal", schools=(other,))),
               "Number talks three times a week: we expect the growth the strongest schools "
               "had.") for other in others]]:
        filters = selection.Filters(school_year=this_year, subject=subject)
        table = measures_table.measure_table(reads.measure_cells(
            db, settings, MeasureId.BENCHMARK, filters), settings, MeasureId.BENCHMARK,
            subject, None)
        _, offered = goal_setting.suggestions(table, settings, MeasureId.BENCHMARK, subject,
                                              where, this_year)
        chosen = next((s for s in offered if s.key == key and s.value is not None), None)
        if chosen is None:
            continue
        targets = {**goal_setting.interim_goals(settings, MeasureId.BENCHMARK, subject,
                                                chosen.value),
                   settings.calendar_for(MeasureId.BENCHMARK).ids[-1]: chosen.value}
        goalbook.GoalDesk(store, author, settings).set_goal(
            this_year, MeasureId.BENCHMARK, where, subject, targets, chosen.basis, reason,
            at=september)
        written += 1
    return written


# Where each TNTP lever stood, term by term: materials and educator support move forward with
# the cycles; organizational management moves back a step in the winter (a schedule that did
# not hold), then recovers.
STAGES_BY_TERM = {
    "Vision for the student experience": ["Plan", "Test", "Test", "Scale", "Scale", "Scale"],
    "High-quality instructional materials": ["Test", "Test", "Scale", "Scale", "Deepen",
                                             "Deepen"],
    "Educator experience, selection, support and collaboration": ["Plan", "Plan", "Test", "Test",
                                                                  "Scale", "Scale"],
    "Authentic community and stakeholder engagement": ["Plan", "Plan", "Plan", "Test", "Test",
                                                       "Test"],
    "Organizational management": ["Test", "Plan", "Test", "Test", "Test", "Scale"],
    "Equity-centered policies and daily practices": ["Plan", "Plan", "Test", "Test", "Test",
                                                     "Scale"],
}


def _write_reflection(store: Store, settings: Settings, last_year: str, this_year: str,
                      as_of: dt.date) -> int:
    framework_id, framework = reflection.framework(settings)
    if framework_id != "tntp":
        return 0
    # Last year's terms, and this year's that have begun by the as-of date.
    terms = reflection.terms(settings, last_year) + reflection.terms_begun(settings, this_year,
                                                                           as_of)
    written = 0
    for number, term in enumerate(terms):
        for lever in framework.levers:
            stages = STAGES_BY_TERM[lever.name]
            stage = stages[min(number, len(stages) - 1)]
            store.reflect(DATA_TEAM, framework_id, term, lever.name, "", stage,
                          NOTES.get((lever.name, number), ""),
                          "?page=cycles" if "materials" in lever.name else "")
            written += 1
    return written


# What the district wrote beside a stage (by lever and term number, from last fall).
NOTES = {
    ("Organizational management", 1): "The new master schedule did not hold: PLC time was "
                                      "lost to coverage.",
    ("High-quality instructional materials", 2): "Every elementary school teaches the "
                                                 "adopted ELA units; middle schools start in "
                                                 "the fall.",
    ("Vision for the student experience", 1): "Learning walks at four pilot schools used the "
                                              "new look-fors.",
    ("High-quality instructional materials", 4): "Coaching cycles now start from the "
                                                 "materials' own lessons.",
    ("Equity-centered policies and daily practices", 4): "Grading policy drafted with two "
                                                         "school teams.",
}
