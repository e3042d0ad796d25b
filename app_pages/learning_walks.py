"""Learning walks: implementation of the Instructional Practice Guide, walk by walk."""

import streamlit as st

from monitor import charts, metrics
from monitor.config import previous_school_year
from monitor.ingest.walkthroughs import INDICATOR_LABELS
from monitor.ui import components, data, filters, measures

settings = data.settings()
f = filters.current()
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
components.render_chart(
    metrics.finding(label, frame, min_n), charts.goal_trajectory_chart(frame, label),
    components.trajectory_table(frame, min_n), as_of=as_of,
    n_note=measures.n_note(frame, "walkthrough"), key="walk_trajectory")

point = metrics.latest_point(frame)
if point is None:
    components.no_data("No learning walk has been recorded this year yet.")
    st.stop()
details = metrics.by_detail(data.cells("walkthrough", walk_filters), settings, walk_filters)
now = details[(details["school_year"] == f.school_year) & (details["window_id"] == point["window_id"])]
then = details[(details["school_year"] == previous_school_year(f.school_year))
               & (details["window_id"] == point["window_id"])]
merged = now.merge(then[["detail", "value"]].rename(columns={"value": "last_year"}),
                   on="detail", how="left")
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
