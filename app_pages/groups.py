"""Student groups: where the gaps are, and whether they are closing."""

import streamlit as st

from monitor import keys, registry
from monitor.measures import goals
from monitor.ui import components, data, figures, filters, measures
from monitor.views import breakdowns, sections, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n

st.title("Student groups", anchor=False)
# Measures of students (learning walks and teacher growth count classrooms and teachers).
outcome_measures = [m for m in settings.measures if registry.spec(m).student_groups]
choices = {m: settings.measures[m].label for m in outcome_measures}
measure = st.selectbox("Measure", list(choices), format_func=choices.__getitem__,
                       key="groups_measure")
scoped = measures.scoped_filters(measure, f)
everyone = measures.trajectory(settings, measure, scoped.model_copy(update={"group": "all"}))
point = trajectories.latest_point(everyone)
label = measures.subject_label(settings, measure, scoped)
if point is None:
    components.no_data("No results for this measure yet this year.")
    st.stop()

gaps, widest = sections.group_gaps(
    measures.by_group(scope, measure, scoped, point["window_id"]), label, point["window"],
    trajectories.n_phrase(point["n"], point["hidden_label"], "students"), min_n)
components.render_chart(gaps.title, figures.group_gap_chart(gaps.rows), gaps.table, as_of=as_of,
                        n_note=gaps.n_note, key="groups_gaps")

# Every group on every measure at once, coloured the way the California School Dashboard does.
grid_measures = tuple(m for m in outcome_measures if registry.spec(m).in_grid)
grid = measures.dashboard_grid(scope, f, grid_measures)
if len(grid):
    levels = sections.dashboard(grid, goals.DASHBOARD_ORDER[:2])
    components.render_chart(levels.title, figures.dashboard_grid_chart(levels.rows), levels.table,
                            as_of=as_of, n_note=levels.n_note, key="groups_dashboard")

# Which gaps are closing and which are widening, against the same window last year.
trend = measures.gap_changes(scope, measure, f)
if len(trend):
    closing = sections.gap_trend(trend, label)
    components.render_chart(closing.title, figures.gap_change_chart(closing.rows), closing.table,
                            as_of=as_of, n_note=closing.n_note, key="groups_trend")

group = f.group if f.group != "all" else (widest or "all")
chosen = measures.trajectory(settings, measure, scoped.model_copy(update={"group": group}))
group_label = settings.group_labels[group]
measures.render_trajectory(
    settings, measure, chosen, f"{group_label}: {label}", key="groups_trajectory",
    comparison=everyone, comparison_label="All students",
    table=components.trajectory_table(chosen).assign(
        **{"Gap to all students": sections.gap_to_all(chosen, everyone)}))

# Catching up: of the students below standard at the year's first window, how many reach it.
first_window = settings.calendar_for(measure).ids[0]
if registry.spec(measure).has_catching_up and point["window_id"] != first_window:
    first_label = settings.calendar_for(measure).label_of(first_window)
    caught = sections.caught_up(
        data.catching_up(scope, measure, scoped, first_window, point["window_id"]),
        scoped.school or keys.DISTRICT, settings.group_labels, first_label, point["window"])
    st.subheader(caught.title, anchor=False)
    st.caption(f"{caught.n_note} · as of {as_of:%B %-d, %Y}")
    components.show_table(caught.table, hide_index=True, key="groups_catching_up")
    if registry.spec(measure).has_transitions:
        st.subheader(f"From level to level, {first_label} to {point['window']}", anchor=False)
        transitions = data.level_transitions(scope, measure, scoped, first_window,
                                             point["window_id"])
        where_text = "the district" if scoped.school is None else "this school"
        grades = " (every grade: this table is not split by grade)" if scoped.grade else ""
        st.caption(f"{scoped.subject or 'ELA'} students of {where_text}, "
                   f"{settings.group_labels[scoped.group]}{grades}: rows, level at "
                   f"{first_label}; columns, level at {point['window']}. n<{min_n}: fewer than "
                   f"{min_n} students; suppressed: hidden so that no small cell, nor a hidden "
                   "count of the catching-up table, can be worked out from the others.")
        if scoped.school and transitions.attrs.get("schools_not_shown"):
            components.no_data(f"In a district of more than {transitions.attrs['schools_limit']} "
                               "schools this table is shown for the district only: protecting "
                               "every school's table together would take minutes. The "
                               "catching-up table above is shown for this school.")
        elif transitions.attrs.get("hidden_for_viewer"):
            components.no_data("The district's table is not shown to a principal of several "
                               "schools here: the rest of the district is one school, or few "
                               "students, and the district less your schools would tell theirs.")
        elif transitions.isna().all().all() or transitions.fillna(0).to_numpy().sum() == 0:
            components.no_data(f"Too few students with a level at both {first_label} and "
                               f"{point['window']} here to show where they moved (fewer than "
                               f"{min_n}).")
        else:
            components.show_table(breakdowns.transitions_display(transitions),
                                  key="groups_transitions")
