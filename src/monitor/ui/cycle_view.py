"""An improvement cycle's review as the pages draw it: on the Improvement cycles page, the
School page and the overview, and as a slide of the learning-walk debrief."""

from __future__ import annotations

import pandas as pd

from monitor import charts
from monitor import cycles as rules
from monitor import text as plain
from monitor.access import Scope
from monitor.config import Settings
from monitor.debrief import Slide
from monitor.store import DISTRICT, Cycle
from monitor.ui import data


def review_of(settings: Settings, scope: Scope, cycle: Cycle) -> rules.Review:
    """The cycle's review on the as-of date, from the protected data."""
    year = rules.school_year_of(cycle.starts_on)
    points = {i.id: data.cycle_points(scope, cycle.scope, i, year) for i in cycle.indicators}
    return rules.review(cycle, points, settings, settings.as_of_date())


def current_cycle(scope: Scope, school: str | None) -> Cycle | None:
    """The open cycle of a school (None: the district's), else its latest, else None."""
    every = data.cycles(scope, school)
    return next((c for c in every if c.status == "open"), every[0] if every else None)


def dates(cycle: Cycle) -> str:
    return f"{cycle.starts_on:%b %-d} - {cycle.ends_on:%b %-d, %Y}"


def percent(value) -> str:
    return "not shown" if value is None else f"{value:.0f}%"


def title(review: rules.Review) -> str:
    return (f"{review.finding} ({review.commitments_on_time} of {review.commitments_due} "
            "commitments due done on time)")


def table(review: rules.Review) -> pd.DataFrame:
    return pd.DataFrame([{
        "Indicator": r.label, "Kind": r.indicator.kind,
        "Start": percent(r.start),
        "Now": percent(r.now) + (f" ({r.now_window})" if r.now_window else ""),
        "Target": f"{r.target:.0f}%",
        "Moved": f"yes, by {r.moved_on:%b %-d}" if r.moved else "not yet",
        "Decision": r.indicator.decision or "", "Note": r.indicator.decision_note}
        for r in review.indicators])


def slide(settings: Settings, scope: Scope, school: str | None) -> Slide | None:
    """The cycle review slide for the debrief room: the open (else latest) cycle of the
    school or the district; None when there is none."""
    cycle = current_cycle(scope, school)
    if cycle is None:
        return None
    review = review_of(settings, scope, cycle)
    where = "District" if cycle.scope == DISTRICT else "School"
    # The focus is the people's own words: a line of the slide (shown as text on the page, in
    # the PDF and the PowerPoint), not part of its caption.
    return Slide("cycle", f"Cycle review: {review.finding}",
                 f"{where} cycle {dates(cycle)} · {review.commitments_on_time} of "
                 f"{review.commitments_due} commitments due done on time · as of "
                 f"{settings.as_of_date():%B %-d, %Y}",
                 charts.cycle_chart(review, "This cycle"), table=table(review),
                 lines=[f"Focus: {cycle.focus}"])


def render_summary(settings: Settings, scope: Scope, school: str | None) -> None:
    """A few lines on the School page (school) or the overview (None: every school's open
    cycles, then the district's), with a link to the Improvement cycles page."""
    import streamlit as st

    if school is None:
        every = [c for c in data.every_cycle(scope) if c.status == "open"]
        schools = [c for c in every if c.scope != DISTRICT]
        reviews = [review_of(settings, scope, c) for c in schools]
        first = sum(r.practice_first is True for r in reviews)
        moved = sum(any(x.moved for x in r.indicators if x.indicator.kind == "leading")
                    for r in reviews)
        text = (f"**Improvement cycles:** {len(schools)} of {len(data.schools(scope))} schools "
                f"have an open cycle; practice has moved in {moved} of them, before results "
                f"in {first}.") if schools else "**Improvement cycles:** no school has an open "\
            "cycle."
        district = next((c for c in every if c.scope == DISTRICT), None)
        if district is not None:
            text += f" The district's: {plain.markdown(district.focus)} ({dates(district)})."
    else:
        cycle = current_cycle(scope, school)
        if cycle is None:
            text = "**Improvement cycle:** none opened yet."
        else:
            review = review_of(settings, scope, cycle)
            state = "open" if cycle.status == "open" else "latest, closed"
            text = (f"**Improvement cycle** ({state}, {dates(cycle)}): "
                    f"{plain.markdown(cycle.focus)}. {plain.markdown(title(review))}.")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(text)
        st.page_link("app_pages/cycles.py", label="Open the cycle review",
                     icon=":material/autorenew:",
                     query_params={"school": school} if school else None)
