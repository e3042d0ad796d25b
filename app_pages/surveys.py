"""Surveys: percent favorable by construct, fall and spring, with response counts."""

import streamlit as st

from monitor.measures import goals, privacy
from monitor.registry import MeasureId
from monitor.ui import components, data, figures, filters, measures
from monitor.views import breakdowns, survey_sections, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n


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
answered = survey_sections.respondents(rates, f.school or privacy.DISTRICT, point["window_id"],
                                       point["window"])
if answered is not None:
    st.markdown(f":material/how_to_vote: {answered}.")

# By school: percent favorable at the window, with respondents and response rate.
if f.school is None:
    schools = survey_sections.schools(
        measures.by_school(scope, MeasureId.SURVEY, scoped, point["window_id"]), rates,
        point["window_id"], point["window"], survey == "student",
        settings.status.approaching_band)
    components.render_chart(schools.title, figures.school_status_chart(schools.rows, label),
                            schools.table, as_of=as_of, n_note=schools.n_note,
                            key="survey_schools")

target = goals.goal_for(settings, MeasureId.SURVEY, point["window_id"], f.school, survey)
# Fall against spring this year: each window's value per construct, side by side.
by_construct, labels = survey_sections.constructs(
    measures.by_detail(scope, MeasureId.SURVEY, scoped, point["window_id"]),
    {w.label: measures.by_detail(scope, MeasureId.SURVEY, scoped, w.id)
     for w in settings.calendar_for(MeasureId.SURVEY).windows},
    point["window"], trajectories.n_phrase(point["n"], point["hidden_label"], "respondents"))
components.render_chart(
    by_construct.title, figures.detail_chart(by_construct.rows, labels, target,
                                             f"{point['window']} {f.school_year}",
                                             f"{point['window']} last year"),
    by_construct.table, as_of=as_of, n_note=by_construct.n_note, key="survey_constructs")

# Items, furthest below the goal first: where the conversation should start.
found = survey_sections.items(measures.survey_items(scope, scoped, point["window_id"]), target,
                              settings.surveys.wording, point["window"])
if found is not None:
    items, statements = found
    components.render_chart(
        items.title, figures.detail_chart(items.rows, statements, target,
                                          f"{point['window']} {f.school_year}",
                                          f"{point['window']} last year"),
        items.table, as_of=as_of, n_note=items.n_note, key="survey_items")
