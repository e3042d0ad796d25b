"""Learning walks: implementation of the Instructional Practice Guide, walk by walk."""

import streamlit as st

from monitor import charts, metrics
from monitor.ingest.walkthroughs import INDICATOR_LABELS
from monitor.ui import components, data, filters, measures

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n
calendar = settings.calendar_for("walkthrough")

st.title("Learning walks", anchor=False)
st.caption("Percent of classroom observations meeting each indicator (Yes, or a rating of "
           "Mostly/Yes). Walkthroughs observe classrooms, so the student-group filter does not "
           "apply here." + (f" Subject: {f.subject}." if f.subject else ""))
walk_filters = f.model_copy(update={"group": "all"})
frame = measures.trajectory(settings, "walkthrough", walk_filters)
label = "All indicators: % of observations meeting"
measures.render_trajectory(settings, "walkthrough", frame, label, key="walk_trajectory")

point = metrics.latest_point(frame)
if point is None:
    components.no_data("No learning walk has been recorded this year yet.")
    st.stop()
cells = data.cells(scope, "walkthrough", walk_filters)
merged = metrics.by_detail(cells, settings, walk_filters, point["window_id"])
target = metrics.goal_for(settings, "walkthrough", point["window_id"], f.school)
below = merged[merged["value"] < (target or 0)]
title = (f"{point['window']}: {len(below)} of {len(merged)} indicators below the "
         f"{target:.0f}% goal" if target is not None else f"{point['window']} by indicator")
table = merged.assign(indicator=merged["detail"].map(INDICATOR_LABELS))[
    ["indicator", "value", "n", "last_year"]].rename(columns={
        "indicator": "Indicator", "value": "Value (%)", "n": "Observations",
        "last_year": "Same walk last year (%)"})
components.render_chart(
    title, charts.detail_chart(merged, INDICATOR_LABELS, target, f"{point['window']} {f.school_year}",
                               f"{calendar.label_of(point['window_id'])} last year"),
    table, as_of=as_of, n_note=f"n = {int(point['n']):,} observations", key="walk_indicators")
