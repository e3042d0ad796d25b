"""Improvement cycles: each school's (and the district's) cycle beside the data that tests it.

A cycle names a problem of practice, the practice the adults will change (leading indicators:
walkthrough indicators, HQIM use, survey constructs) and the student results that should
follow (lagging indicators), with the adults' commitments; its review shows each indicator's
start, now and target from the protected data, whether practice moved before results, and the
commitments done by their due dates; closing it opens the next with the decisions applied.
"""

import datetime as dt

import streamlit as st

from monitor import text
from monitor.present import charts
from monitor.ui import components, cycle_view, data, filters
from monitor.views import review
from monitor.writing import cycles as rules
from monitor.writing.records import (
    COMMITMENT_STATUSES,
    DECISIONS,
    DISTRICT,
    LIMITS,
    MOST_INDICATORS,
    Commitment,
    Indicator,
)

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
where = f.school or DISTRICT
desk = data.cycle_desk(scope)
can_write = desk.author.may_write(where)
names = dict(zip(data.schools(scope)["school_code"], data.schools(scope)["school_name"],
                 strict=True))
place = names.get(f.school, "the district") if f.school else "the district"


st.title("Improvement cycles", anchor=False)
st.caption(
    f"{place.capitalize() if place == 'the district' else text.markdown(place)} · as of "
    f"{as_of:%B %-d, %Y}. "
    "Each cycle names a problem of practice, the practice adults will change (leading "
    "indicators) and the student results that should follow (lagging), with the adults' "
    "commitments. Values are the dashboard's own protected numbers, for all students. "
    f"An indicator has moved when it has risen {settings.cycles.moved_points:g} points or "
    "more above its start.")

if f.school is None:
    # Every school's cycle at a glance.
    glance = review.at_a_glance([
        (names.get(c.scope, c.scope), c, cycle_view.review_of(settings, scope, c))
        for c in data.every_cycle(scope) if c.scope != DISTRICT and c.status == "open"])
    st.subheader(f"Schools with an open cycle: {len(glance)} of {len(names)}", anchor=False)
    if len(glance):
        components.show_table(glance, hide_index=True, key="cycles_schools")
    else:
        components.no_data("No school has an open cycle yet. Choose a school in the sidebar to "
                           "open one.")
    st.header("The district's own cycle", anchor=False)

every = data.cycles(scope, f.school)
current = next((c for c in every if c.status == "open"), None)

if current is not None:
    this = cycle_view.review_of(settings, scope, current)
    # What people wrote is shown as they wrote it: never Markdown (monitor.text).
    st.subheader(f"Focus: {text.markdown(current.focus)}", anchor=False)
    st.caption(f"Practice: {text.markdown(current.practice or '(not named)')} · "
               f"{cycle_view.dates(current)} · opened by {text.markdown(current.opened_by)}"
               + (f" · follows cycle {current.previous_id}" if current.previous_id else ""))
    components.render_chart(cycle_view.title(this),
                            charts.cycle_chart(this, "This cycle"), cycle_view.table(this),
                            as_of=as_of,
                            n_note="Circles: start values; stars: targets; shaded: the cycle",
                            key="cycle_review")
    for sentence in this.sentences(settings.cycles.moved_points):
        st.markdown(f"- {text.markdown(sentence)}")

    st.subheader("Commitments", anchor=False)
    if current.commitments:
        components.show_table(review.commitments_table(current, as_of), hide_index=True,
                              key="cycle_commitments")
    else:
        components.no_data("No commitments yet.")
    if can_write:
        with st.form("commitment_progress"):
            st.markdown("**Progress**")
            picks = {c.id: st.selectbox(text.markdown(c.what), COMMITMENT_STATUSES,
                                        index=COMMITMENT_STATUSES.index(c.status),
                                        key=f"status_{c.id}") for c in current.commitments}
            if st.form_submit_button("Save progress", disabled=not current.commitments):
                changed = [(i, s) for i, s in picks.items()
                           if s != next(c.status for c in current.commitments if c.id == i)]
                components.attempt(lambda: desk.set_commitment_statuses(dict(changed), as_of),
                         f"{len(changed)} commitment(s) updated.")
        with st.form("commitment_new", clear_on_submit=True):
            st.markdown("**Add a commitment**")
            what = st.text_input("What", key="commitment_what", max_chars=LIMITS["what"])
            owner = st.text_input("Owner (role)", key="commitment_owner",
                                  max_chars=LIMITS["owner_role"],
                                  placeholder="Principal, instructional coach, grade 3 team...")
            # Two weeks on from today or from the cycle's start, whichever is later.
            due = st.date_input("Due", value=min(current.ends_on, max(as_of, current.starts_on)
                                                 + dt.timedelta(days=14)),
                                key="commitment_due")
            link = st.text_input("Link to a dashboard view (optional)", key="commitment_link",
                                 max_chars=LIMITS["link"])
            if st.form_submit_button("Add commitment"):
                components.attempt(lambda: desk.add_commitment(current.id, Commitment(what, owner, due,
                                                                            link=link)),
                         "Commitment added.")

        st.subheader("Review: a decision on each indicator", anchor=False)
        st.caption("Carry on, adjust (change the target here: adjusting is changing it) or "
                   "stop; closing the cycle needs a decision on each. A target at or below "
                   "where the indicator started needs its note to say why.")
        with st.form("cycle_decisions"):
            decided, targets = {}, {}
            for r in this.indicators:
                left, middle, right = st.columns([2, 1, 3])
                choice = left.selectbox(r.label, ["(undecided)", *DECISIONS],
                                        index=(DECISIONS.index(r.indicator.decision) + 1
                                               if r.indicator.decision else 0),
                                        key=f"decision_{r.indicator.id}")
                targets[r.indicator.id] = middle.number_input(
                    "Target (%)", 0.0, 100.0, float(r.target), step=1.0,
                    key=f"target_{r.indicator.id}")
                note = right.text_input("Note", r.indicator.decision_note,
                                        key=f"decision_note_{r.indicator.id}",
                                        max_chars=LIMITS["decision_note"])
                decided[r.indicator.id] = (choice, note)
            if st.form_submit_button("Save decisions"):
                was = {r.indicator.id: r.target for r in this.indicators}
                components.attempt(lambda: desk.review(
                    {i: (c, n) for i, (c, n) in decided.items() if c != "(undecided)"},
                    {i: t for i, t in targets.items() if t != was[i]}), "Decisions saved.")
        with st.form("cycle_close"):
            st.markdown("**Close this cycle and open the next** (the next starts the day after "
                        "the close; unfinished commitments are carried; stopped indicators are "
                        "not)")
            left, right = st.columns(2)
            closes = left.date_input("Close on", min(max(as_of, current.starts_on),
                                                     current.ends_on),
                                     min_value=current.starts_on, key="close_on")
            _, next_end = rules.default_dates(settings, current.ends_on + dt.timedelta(days=1))
            ends = right.date_input("Next cycle ends", next_end, key="next_ends")
            days_early = (current.ends_on - closes).days
            early = st.checkbox(f"Yes, close {days_early} day(s) before its end date "
                                f"({current.ends_on:%b %-d, %Y})" if days_early > 0 else
                                "Yes, close it", key="close_confirm")
            if st.form_submit_button("Close and open the next", type="primary"):
                if not early:
                    st.error("Tick the box to confirm closing this cycle"
                             + (f": it has {days_early} day(s) to run." if days_early > 0
                                else "."), icon=":material/block:")
                else:
                    starts = closes + dt.timedelta(days=1)
                    year = rules.school_year_of(starts)
                    values = {i.key: rules.value_on(data.cycle_points(scope, where, i, year),
                                                    starts) for i in current.indicators}
                    components.attempt(lambda: desk.close_cycle(current.id, starts, ends, values,
                                                      early=days_early > 0),
                             f"Cycle closed on {closes:%b %-d}; the next is open from "
                             f"{starts:%b %-d}.")
else:
    components.no_data(f"No open cycle for {place}."
                       + ("" if can_write else " Your role reads cycles but does not open them."))
    if can_write:
        st.subheader("Open a cycle", anchor=False)
        start_default, end_default = rules.default_dates(settings, as_of)
        focus = st.text_area("Focus: the problem of practice", key="cycle_focus",
                             max_chars=LIMITS["focus"])
        practice = st.text_input("The high-yield practice to change", key="cycle_practice",
                                 max_chars=LIMITS["practice"])
        left, right = st.columns(2)
        starts = left.date_input("Starts", start_default, key="cycle_starts")
        ends = right.date_input("Ends", end_default, key="cycle_ends")
        year = rules.school_year_of(starts)
        st.caption(f"Choose up to {MOST_INDICATORS['leading']} indicators of adult practice and "
                   f"{MOST_INDICATORS['lagging']} of student results, one at a time; only those "
                   "measured between the cycle's dates are offered. Set each target above "
                   "where it starts, or say why not.")
        indicators = []
        for kind, heading in (("leading", "Leading indicator (adult practice)"),
                              ("lagging", "Lagging indicator (student results)")):
            choices = rules.indicator_choices(settings, kind, starts, ends)
            taken: list[str] = []
            for number in range(MOST_INDICATORS[kind]):
                if number and not taken[-1:]:
                    break           # the next appears once this one is chosen
                offered = [k for k in choices if k not in taken]
                key = st.selectbox(f"{heading} {number + 1}", offered, index=None,
                                   placeholder="(none)" if number else "Choose one",
                                   format_func=lambda k, c=choices: rules.indicator_label(
                                       settings, c[k]), key=f"cycle_{kind}_{number}")
                if key is None:
                    break
                taken.append(key)
                choice = choices[key]
                start = rules.value_on(data.cycle_points(scope, where, choice, year), starts)
                left, right = st.columns([1, 2])
                target = left.number_input(
                    f"Target at the cycle's end (%) · starts at {cycle_view.percent(start)}",
                    min_value=0.0, max_value=100.0,
                    value=float(min(100, round(start + 5))) if start is not None else 50.0,
                    step=1.0, key=f"cycle_target_{kind}_{number}")
                reason = ""
                if start is not None and target <= start:
                    reason = right.text_input("The target is not above the start: why?",
                                              key=f"cycle_reason_{kind}_{number}",
                                              max_chars=LIMITS["target_reason"])
                indicators.append(Indicator(choice.kind, choice.measure, target, choice.detail,
                                            choice.subject, start, target_reason=reason))
        if st.button("Open the cycle", type="primary", key="cycle_open"):
            components.attempt(lambda: desk.open_cycle(where, focus, practice, starts, ends, indicators),
                     "Cycle opened.")

closed = [c for c in every if c.status == "closed"]
if closed:
    st.header("Earlier cycles", anchor=False)
    for cycle in closed:
        past = cycle_view.review_of(settings, scope, cycle)
        with st.expander(f"{cycle_view.dates(cycle)}: {text.markdown(cycle.focus)}"):
            st.markdown(past.finding)
            components.show_table(review.closed_table(past), hide_index=True,
                                  key=f"cycle_past_{cycle.id}")
