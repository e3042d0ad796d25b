"""An improvement cycle's review as the pages draw it: on the Improvement cycles page, the
School page and the overview, and as a slide of the learning-walk debrief."""

from __future__ import annotations

from monitor import text as plain
from monitor.access import Scope
from monitor.config import Settings
from monitor.ui import data
from monitor.views import review
from monitor.writing import cycles as rules
from monitor.writing.records import DISTRICT, Cycle, overdue


def review_of(settings: Settings, scope: Scope, cycle: Cycle) -> rules.Review:  # noqa: ARG001
    """The cycle's review on the as-of date, from the protected data."""
    return review.cycle_review(data.PageSource(scope), cycle)


def current_cycle(scope: Scope, school: str | None) -> Cycle | None:
    """The open cycle of a school (None: the district's), else its latest, else None."""
    return review.current_cycle(data.PageSource(scope), school)


dates = review.cycle_dates
table = review.cycle_table
percent = review.percent


def title(review: rules.Review) -> str:
    return (f"{review.finding} ({review.commitments_on_time} of {review.commitments_due} "
            "commitments due done on time)")


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
        late = sum(bool(overdue(c.commitments, settings.as_of_date())) for c in schools)
        text = (f"**Improvement cycles:** {len(schools)} of {len(data.schools(scope))} schools "
                f"have an open cycle; practice has moved in {moved} of them, before results "
                f"in {first}" + (f"; :orange[**{late} with overdue commitments**]" if late
                                 else "") + ".") if schools else \
            "**Improvement cycles:** no school has an open cycle."
        district = next((c for c in every if c.scope == DISTRICT), None)
        if district is not None:
            text += f" The district's: {plain.markdown(district.focus)} ({dates(district)})."
    else:
        cycle = current_cycle(scope, school)
        if cycle is None:
            text = "**Improvement cycle:** none opened yet."
        else:
            found = review_of(settings, scope, cycle)
            state = "open" if cycle.status == "open" else "latest, closed"
            late = review.overdue_text(cycle, settings.as_of_date()) if cycle.status == "open" \
                else ""
            text = (f"**Improvement cycle** ({state}, {dates(cycle)}): "
                    f"{plain.markdown(cycle.focus)}. {plain.markdown(title(found))}."
                    + (f" :orange[**{late} commitment(s)**]" if late else ""))
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(text)
        st.page_link("app_pages/cycles.py", label="Open the cycle review",
                     icon=":material/autorenew:",
                     query_params={"school": school} if school else None)
