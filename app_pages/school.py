"""School: one school's measures against the district and its own goals, leading and lagging."""

import streamlit as st

from monitor import registry, text
from monitor.measures import selection
from monitor.ui import components, cycle_view, data, figures, filters, measures
from monitor.ui import glance as first_screen
from monitor.views import adults, breakdowns, sections, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n
schools = data.schools(scope)

if f.school is None:
    # No school chosen (the sidebar says "All schools"): every school at a glance and a choice,
    # never a school picked for the user.
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))

    def _open() -> None:
        st.session_state[filters.KEYS["school"]] = st.session_state["school_pick"]

    st.title("School", anchor=False)
    components.no_data("No school chosen yet: choose one here or under **School** in the "
                       "sidebar.")
    st.selectbox("Open a school", list(names), index=None, format_func=names.__getitem__,
                 key="school_pick", on_change=_open, placeholder="Choose a school")
    reference = selection.REFERENCE_MEASURE
    frame = measures.trajectory(settings, reference, f)
    point = trajectories.latest_point(frame)
    if point is not None:
        label = measures.subject_label(settings, reference, f)
        every = sections.every_school(measures.by_school(scope, reference, f, point["window_id"]),
                                      point["window"], label)
        components.render_chart(every.title, figures.school_status_chart(every.rows, label),
                                every.table, as_of=as_of, n_note=every.n_note, key="school_every")
    st.stop()
row = schools.set_index("school_code").loc[f.school]
st.title(text.markdown(row["school_name"]), anchor=False)
st.caption(f"{row['level']} school · {f.school_year} · {settings.group_labels[f.group]}"
           + (f" · {f.grade}" if f.grade else "") + f" · as of {as_of:%B %-d, %Y}")
# The first screen: the school's goals, what changed at the school this week, and what needs
# its attention (its groups, grades and measures); the tiles and charts after them.
goals_column, week_column, next_column = st.columns([4, 3, 4], gap="medium")
with goals_column:
    first_screen.render_scope_goals(measures.scope_goals(scope, f), title="Its goals")
with week_column:
    first_screen.render_week(data.week_changes(scope, f.school), key="school_glance",
                             title="What changed")
with next_column:
    first_screen.render_next(
        measures.school_attention(scope, f).rename(columns={"where": "who"}).assign(
            whole=True), key="school_glance", limit=4, title="Needs attention",
        nothing="Nothing off track: every group and grade at or near its goal.")
st.divider()
measures.render_tiles(settings, f)
cycle_view.render_summary(settings, scope, f.school)

outcome_measures = [m for m in settings.measures if m not in registry.LEADING]
choices = {m: settings.measures[m].label for m in outcome_measures}
measure = st.selectbox("Measure", list(choices), format_func=choices.__getitem__,
                       key="school_measure")
frame = measures.trajectory(settings, measure, f)
district = measures.trajectory(settings, measure, f.model_copy(update={"school": None}))
label = measures.subject_label(settings, measure, f)
st.caption(measures.goal_line(settings, measure, f))
measures.render_trajectory(settings, measure, frame, label, comparison=district, key="school_trajectory")

point = trajectories.latest_point(frame)
if point is not None:
    # Beside similar schools: the schools of the same level at the same window. Anyone limited
    # to some schools sees where theirs stands (rank, median), never another school's value.
    level = row["level"].lower()
    if scope.schools is None:
        peers = sections.peers(measures.by_school(scope, measure, f, point["window_id"],
                                                  row["level"]),
                               f.school, row["school_name"], row["level"], point["window"])
        components.render_chart(peers.title, figures.school_status_chart(peers.rows, label),
                                peers.table, as_of=as_of, n_note=peers.n_note,
                                key="school_peers")
    else:
        standing = data.peer_summary(scope, measure, f, point["window_id"], row["level"])
        if standing is not None and "rank" in standing:
            st.subheader(f"{text.markdown(row['school_name'])} is "
                         f"{trajectories.ordinal(standing['rank'])} of "
                         f"{standing['count']} {level} schools at {point['window']} (median "
                         f"{standing['median']:.0f}%)", anchor=False)
            st.caption("Other schools' results are not shown to school leaders; the rank and "
                       f"median are the district's · as of {as_of:%B %-d, %Y}")
        elif standing is not None:
            st.caption(f"{standing['count']} {level} school(s) have results at "
                       f"{point['window']}: a rank among fewer than {sections.PEER_MINIMUM} would "
                       "tell another school's result, so none is shown.")

    # By grade: this school's grades beside the district's same grade.
    grades = breakdowns.level_grades(row["level"])
    rows = measures.by_grade(scope, measure, f, point["window_id"], grades)
    if len(rows):
        by_grade = sections.by_grade(rows, point["window"])
        components.render_chart(
            by_grade.title, figures.detail_chart(by_grade.rows, {g: f"Grade {g}" for g in grades},
                                                 sections.target_or_none(point), "This school",
                                                 "District, same grade"),
            by_grade.table, as_of=as_of, n_note=by_grade.n_note, key="school_grades")

    groups = sections.groups(measures.by_group(scope, measure, f, point["window_id"]),
                             point["window"], trajectories.n_phrase(
                                 point["n"], point["hidden_label"], "students"))
    components.render_chart(groups.title, figures.group_gap_chart(groups.rows), groups.table,
                            as_of=as_of, n_note=groups.n_note, key="school_groups")

st.header("Leading indicators", anchor=False)
students_say = [m for m in registry.LEADING if m not in registry.ADULTS]
for column, measure in zip(st.columns(len(students_say)), students_say, strict=True):
    with column:
        frame = measures.trajectory(settings, measure, f)
        label = measures.subject_label(settings, measure, f)
        measures.render_trajectory(settings, measure, frame, label, key=f"school_{measure}",
                                   narrow=True)

st.header("Adults: practice and coaching", anchor=False)
st.caption("Teachers observed on the learning walks, and the coaching logs: counts of people, "
           "never names; fewer than the minimum are not shown.")
district_f = f.model_copy(update={"school": None})
shown = [adults.adults(measure, row["school_name"], measures.trajectory(settings, measure, f),
                       min_n) for measure in registry.ADULTS]
# Only the open tab is drawn (choosing another reruns the page).
adult_tabs = st.tabs([a.tab for a in shown], key="school_adults", on_change="rerun")
for tab, adult in zip(adult_tabs, shown, strict=True):
    if not tab.open:
        continue
    with tab:
        if adult.line:
            st.caption(text.markdown(adult.line))
        where = f if adult.school_shown else district_f
        frame = measures.trajectory(settings, adult.measure, where)
        label = measures.subject_label(settings, adult.measure, where)
        measures.render_trajectory(settings, adult.measure, frame, label,
                                   key=f"school_{adult.measure}")
