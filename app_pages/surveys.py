"""Surveys: percent favorable by construct, fall and spring, with response counts."""

import pandas as pd
import streamlit as st

from monitor.items import CONSTRUCT_LABELS, ITEMS_BY_ID, statement
from monitor.measures import goals, privacy
from monitor.registry import MeasureId
from monitor.ui import components, data, figures, filters, measures
from monitor.views import breakdowns, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n


def _short(statement: str, width: int = 60) -> str:
    return statement if len(statement) <= width else statement[:width - 1].rstrip() + "…"


st.title("Surveys", anchor=False)
surveys = {"student": "Student survey", "teacher": "Teacher survey", "leader": "Leader survey"}
survey = st.segmented_control("Survey", list(surveys), format_func=surveys.__getitem__,
                              default="student", key="survey_kind") or "student"
st.caption("Favorable = Agree or Strongly agree; \"I don't know\" answers are left out of the "
           "denominator." + (" Student groups apply to the student survey only."
                             if survey != "student" and f.group != "all" else ""))
components.glossary(settings, "favorable", "status", "hidden")
scoped = f.model_copy(update={"subject": survey,
                              "group": f.group if survey == "student" else "all"})
frame = measures.trajectory(settings, MeasureId.SURVEY, scoped)
label = f"{surveys[survey]}: % favorable"
measures.render_trajectory(settings, MeasureId.SURVEY, frame, label, key="survey_trajectory")

point = trajectories.latest_point(frame)
if point is None:
    components.no_data("No survey responses this year yet.")
    st.stop()

# Who answered: respondents and, for the student survey, the share of students enrolled in
# the surveyed grades.
rates = breakdowns.response_rates_shown(data.response_rates(scope, scoped, survey))
here = rates[(rates["scope"] == (f.school or privacy.DISTRICT))
             & (rates["window_id"] == point["window_id"])]
if len(here):
    answered = here.iloc[0]
    if answered["suppressed"]:
        text = (f"{point['window']}: respondents {answered['respondents_shown']} (hidden to "
                "protect a small group)")
    else:
        text = f"{point['window']}: {answered['respondents_shown']} respondents"
        if pd.notna(answered["rate"]):
            text += (f" of {answered['enrolled_shown']} students enrolled in the surveyed "
                     f"grades ({answered['rate_shown']}% response rate)")
    st.markdown(f":material/how_to_vote: {text}.")

# By school: percent favorable at the window, with respondents and response rate.
if f.school is None:
    schools = measures.by_school(scope, MeasureId.SURVEY, scoped, point["window_id"])
    schools = schools[schools["present"]].merge(
        rates[rates["window_id"] == point["window_id"]].rename(columns={
            "scope": "school_code", "suppressed": "counts_suppressed",
            "hidden_label": "counts_label"}), on="school_code", how="left")
    below = int((schools["status"] == "not met").sum())
    low_rate = schools[schools["rate"] < 50] if survey == "student" else schools.iloc[:0]
    title = (f"{point['window']}: {below} of {len(schools)} schools not met (more than "
             f"{settings.status.approaching_band:.0f} points below the goal)"
             + (f"; {len(low_rate)} with under half their students responding"
                if len(low_rate) else ""))
    schools["counts_hidden"] = schools["counts_label"].where(
        schools["counts_suppressed"].astype("boolean").fillna(False).astype(bool), "")
    table = schools[["school_name", "level", "value", "n", "respondents", "enrolled", "rate",
                     "counts_hidden", "target", "status"]].rename(columns={
        "school_name": "School", "level": "Level", "value": "% favorable", "n": "Respondents "
        "(answered)", "respondents": "Respondents", "enrolled": "Enrolled (surveyed grades)",
        "rate": "Response rate (%)", "counts_hidden": "Response counts hidden",
        "target": "Goal (%)", "status": "Status"})
    components.render_chart(title, figures.school_status_chart(schools, label), table,
                            as_of=as_of, n_note=f"n = {len(schools)} schools with respondents",
                            key="survey_schools")

merged = measures.by_detail(scope, MeasureId.SURVEY, scoped, point["window_id"])
target = goals.goal_for(settings, MeasureId.SURVEY, point["window_id"], f.school)
labels = {k: v for k, v in CONSTRUCT_LABELS.items() if k in set(merged["detail"])}
lowest = merged.sort_values("value").head(1)
title = (f"{point['window']}: {CONSTRUCT_LABELS[lowest['detail'].iloc[0]]} is lowest at "
         f"{lowest['value'].iloc[0]:.0f}% favorable" if len(lowest) and lowest["value"].notna().all()
         else f"{point['window']} by construct")
# Fall against spring this year: each window's value per construct, side by side.
windows = settings.calendar_for(MeasureId.SURVEY).windows
for window in windows:
    values = measures.by_detail(scope, MeasureId.SURVEY, scoped, window.id).set_index("detail")["value"]
    merged[window.label] = merged["detail"].map(values)
table = merged.assign(construct=merged["detail"].map(CONSTRUCT_LABELS))[
    ["construct", "value", "n", "n_records", "last_year", *(w.label for w in windows)]].rename(
    columns={"construct": "Construct", "value": "% favorable", "n": "Respondents",
             "n_records": "Responses", "last_year": "Same administration last year (%)"})
components.render_chart(
    title, figures.detail_chart(merged, labels, target, f"{point['window']} {f.school_year}",
                               f"{point['window']} last year"),
    table, as_of=as_of,
    n_note=trajectories.n_phrase(point['n'], point['hidden_label'], "respondents"),
    key="survey_constructs")

# Items, furthest below the goal first: where the conversation should start.
items = measures.survey_items(scope, scoped, point["window_id"])
items = items[items["detail"].isin(ITEMS_BY_ID)].copy()
if len(items):
    items["distance"] = (items["value"] - target).round(1) if target is not None else None
    items = items.sort_values(["distance" if target is not None else "value"],
                              na_position="last").reset_index(drop=True)
    wording = settings.surveys.wording
    statements = {i: _short(statement(i, wording)) for i in items["detail"]}
    first = items.iloc[0]
    title = (f"Furthest from the {target:.0f}% goal: \"{statements[first['detail']]}\" at "
             f"{first['value']:.0f}% favorable" if target is not None and pd.notna(first["value"])
             else f"{point['window']} by item")
    table = items.assign(
        item=items["detail"].map(lambda i: statement(i, wording)),
        construct=items["detail"].map(lambda i: CONSTRUCT_LABELS[ITEMS_BY_ID[i].construct]))[
        ["item", "construct", "value", "distance", "n", "last_year"]].rename(columns={
            "item": "Item", "construct": "Construct", "value": "% favorable",
            "distance": "Points from goal", "n": "Respondents",
            "last_year": "Same administration last year (%)"})
    components.render_chart(
        title, figures.detail_chart(items, statements, target,
                                   f"{point['window']} {f.school_year}",
                                   f"{point['window']} last year"),
        table, as_of=as_of, n_note=f"{len(items)} items, ordered by distance from the goal",
        key="survey_items")
