"""An improvement cycle as the pages and the debrief show it: the school's (or district's)
current cycle, its review (each indicator from its start against its target), its dates, its
table and its slide."""

from __future__ import annotations

import pandas as pd

from monitor.present import charts
from monitor.present.debrief import MAX_LABELS, ChartData, Slide
from monitor.views.source import Source
from monitor.writing import cycles as cycle_rules
from monitor.writing.records import DISTRICT, Cycle, overdue


def cycle_review(source: Source, cycle: Cycle) -> cycle_rules.Review:
    """The cycle's review on the as-of date, from the protected data."""
    year = cycle_rules.school_year_of(cycle.starts_on)
    points = {i.id: source.cycle_points(cycle.scope, i, year) for i in cycle.indicators}
    return cycle_rules.review(cycle, points, source.settings, source.settings.as_of_date())


def current_cycle(source: Source, school: str | None) -> Cycle | None:
    """The open cycle of a school (None: the district's), else its latest, else None."""
    every = source.cycles(school)
    return next((c for c in every if c.status == "open"), every[0] if every else None)


def cycle_dates(cycle: Cycle) -> str:
    return f"{cycle.starts_on:%b %-d} - {cycle.ends_on:%b %-d, %Y}"


def cycle_table(review: cycle_rules.Review) -> pd.DataFrame:
    return pd.DataFrame([{
        "Indicator": r.label, "Kind": r.indicator.kind,
        "Start": percent(r.start),
        "Now": percent(r.now) + (f" ({r.now_window})" if r.now_window else ""),
        "Target": f"{r.target:.0f}%",
        "Moved": f"yes, by {r.moved_on:%b %-d}" if r.moved else "not yet",
        "Decision": r.indicator.decision or "", "Note": r.indicator.decision_note}
        for r in review.indicators])


def cycle_slide(source: Source, school: str | None) -> Slide | None:
    """The cycle review slide: the open (else latest) cycle of the school or the district;
    None when there is none. Its indicators at the start, now and their targets."""
    cycle = current_cycle(source, school)
    if cycle is None:
        return None
    review = cycle_review(source, cycle)
    where = "District" if cycle.scope == DISTRICT else "School"
    reviews = list(review.indicators)[:MAX_LABELS]
    chart = ChartData("bars", [r.label for r in reviews], [
        ("Now", [r.now for r in reviews]), ("Start", [r.start for r in reviews]),
        ("Target", [r.target for r in reviews])])
    # The focus is the people's own words: a line of the slide (shown as text on the page, in
    # the PDF and the PowerPoint), not part of its caption.
    return Slide("cycle", f"Cycle review: {review.finding}",
                 f"{where} cycle {cycle_dates(cycle)} · {review.commitments_on_time} of "
                 f"{review.commitments_due} commitments due done on time · as of "
                 f"{source.settings.as_of_date():%B %-d, %Y}",
                 charts.cycle_chart(review, "This cycle"), table=cycle_table(review),
                 lines=[f"Focus: {cycle.focus}"], chart=chart if reviews else None)


def percent(value) -> str:
    """A cycle's value as its tables say it."""
    return "not shown" if value is None else f"{value:.0f}%"


def at_a_glance(reviews: list[tuple[str, Cycle, cycle_rules.Review]]) -> pd.DataFrame:
    """Each school's open cycle in a row (the district's at a glance): its focus, dates, how
    many of its practices and results moved, whether practice moved first, commitments on
    time. `reviews`: (school name, cycle, its review)."""
    rows = []
    for name, cycle, review in reviews:
        leading = [x for x in review.indicators if x.indicator.kind == "leading"]
        lagging = [x for x in review.indicators if x.indicator.kind == "lagging"]
        rows.append({
            "School": name, "Focus": cycle.focus, "Dates": cycle_dates(cycle),
            "Practice moved": f"{sum(x.moved for x in leading)} of {len(leading)}",
            "Results moved": f"{sum(x.moved for x in lagging)} of {len(lagging)}",
            "Practice first": {True: "yes", False: "no", None: "not yet"}[review.practice_first],
            "Commitments on time": f"{review.commitments_on_time} of {review.commitments_due} due",
            "Overdue": overdue_text(cycle, review.as_of)})
    return pd.DataFrame(rows, columns=["School", "Focus", "Dates", "Practice moved",
                                       "Results moved", "Practice first", "Commitments on time",
                                       "Overdue"])


def overdue_text(cycle: Cycle, day) -> str:
    """How many of a cycle's commitments are past due on `day` ('' when none)."""
    late = overdue(cycle.commitments, day)
    return f"⚠ {len(late)} overdue" if late else ""


def commitments_table(cycle: Cycle, day) -> pd.DataFrame:
    """A cycle's commitments: what, whose, due (flagged where overdue on `day`), status,
    done, carried, link."""
    late = {c.id for c in overdue(cycle.commitments, day)}
    return pd.DataFrame([{
        "What": c.what, "Owner": c.owner_role, "Due": c.due_on,
        "Overdue": f"⚠ {(day - c.due_on).days} days" if c.id in late else "",
        "Status": c.status, "Done on": c.done_on, "Carried": "yes" if c.carried_from else "",
        "Link": c.link} for c in cycle.commitments])


def closed_table(review: cycle_rules.Review) -> pd.DataFrame:
    """A closed cycle's indicators: start, end, target and the decision taken."""
    return pd.DataFrame([{
        "Indicator": r.label, "Start": percent(r.start), "End": percent(r.now),
        "Target": f"{r.target:.0f}%", "Decision": r.indicator.decision or "",
        "Note": r.indicator.decision_note} for r in review.indicators])
