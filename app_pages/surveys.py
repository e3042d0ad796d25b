"""Surveys: percent favorable by construct, fall and spring, with response counts."""

import streamlit as st

from monitor import charts, metrics
from monitor.items import CONSTRUCT_LABELS
from monitor.ui import components, data, filters, measures

settings = data.settings()
f = filters.current()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n

st.title("Surveys", anchor=False)
surveys = {"student": "Student survey", "teacher": "Teacher survey", "leader": "Leader survey"}
survey = st.segmented_control("Survey", list(surveys), format_func=surveys.__getitem__,
                              default="student", key="survey_kind") or "student"
st.caption("Favorable = Agree or Strongly agree; \"I don't know\" answers are left out of the "
           "denominator." + (" Student groups apply to the student survey only."
                             if survey != "student" and f.group != "all" else ""))
scoped = f.model_copy(update={"subject": survey,
                              "group": f.group if survey == "student" else "all"})
cells = data.cells("survey", scoped)
frame = metrics.trajectory(cells, settings, "survey", scoped)
label = f"{surveys[survey]}: % favorable"
measures.render_trajectory(settings, "survey", frame, label, key="survey_trajectory")

point = metrics.latest_point(frame)
if point is None:
    components.no_data("No survey responses this year yet.")
    st.stop()
merged = metrics.by_detail(cells, settings, scoped, point["window_id"])
target = metrics.goal_for(settings, "survey", point["window_id"], f.school)
labels = {k: v for k, v in CONSTRUCT_LABELS.items() if k in set(merged["detail"])}
lowest = merged.sort_values("value").head(1)
title = (f"{point['window']}: {CONSTRUCT_LABELS[lowest['detail'].iloc[0]]} is lowest at "
         f"{lowest['value'].iloc[0]:.0f}% favorable" if len(lowest) and lowest["value"].notna().all()
         else f"{point['window']} by construct")
table = merged.assign(construct=merged["detail"].map(CONSTRUCT_LABELS))[
    ["construct", "value", "n", "n_records", "last_year"]].rename(columns={
        "construct": "Construct", "value": "% favorable", "n": "Respondents",
        "n_records": "Responses", "last_year": "Same administration last year (%)"})
components.render_chart(
    title, charts.detail_chart(merged, labels, target, f"{point['window']} {f.school_year}",
                               f"{point['window']} last year"),
    table, as_of=as_of, n_note=f"n = {int(point['n']):,} respondents", key="survey_constructs")
