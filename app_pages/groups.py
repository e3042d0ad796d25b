"""Student groups: where the gaps are, and whether they are closing."""

import pandas as pd
import streamlit as st

from monitor import registry
from monitor.measures import goals
from monitor.ui import components, data, figures, filters, measures
from monitor.views import breakdowns, trajectories

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

groups = measures.by_group(scope, measure, scoped, point["window_id"])
gaps = groups[(groups["group_id"] != "all") & groups["gap_to_all"].notna()]
widest = gaps.sort_values("gap_to_all").head(1)
title = (f"{label} at {point['window']}: widest gap is {widest['group'].iloc[0]}, "
         f"{widest['gap_to_all'].iloc[0]:+.0f} points" if len(widest)
         else f"{label} at {point['window']} by student group")
suppressed = int(groups["value"].isna().sum())
table = groups[["group", "value", "n", "gap_to_all"]].rename(
    columns={"group": "Group", "value": "Value (%)", "gap_to_all": "Gap to all students"})
components.render_chart(
    title, figures.group_gap_chart(groups), table, as_of=as_of,
    n_note=f"{trajectories.n_phrase(point['n'], point['hidden_label'], 'students')}; "
           f"{suppressed} groups under n={min_n} suppressed",
    key="groups_gaps")

# Every group on every measure at once, coloured the way the California School Dashboard does.
grid_measures = tuple(m for m in outcome_measures if registry.spec(m).in_grid)
grid = measures.dashboard_grid(scope, f, grid_measures)
if len(grid):
    counts = grid["colour"].value_counts()
    worst = [f"{counts[c]} {c.lower()}" for c in goals.DASHBOARD_ORDER[:2] if c in counts]
    title = ("Performance level (status and change together, as on the California School "
             "Dashboard): " + (" and ".join(worst) + " cells need attention" if worst
                               else "no red or orange cells"))
    table = grid.rename(columns={
        "group": "Group", "measure": "Measure", "window": "Window", "value": "Value (%)",
        "target": "Goal (%)", "change_last_year": "Change from last year",
        "status_level": "Status level", "change_level": "Change level",
        "colour": "Performance level", "status": "Goal status"}).drop(
        columns=["display", "suppressed"])
    components.render_chart(
        title, figures.dashboard_grid_chart(grid), table, as_of=as_of,
        n_note="A performance level is not the goal status: it combines the distance from "
               "the goal with the change from the same window last year (the California "
               "School Dashboard's five levels, Red to Blue); each cell also says its goal "
               "status (met, approaching, not met); each measure at its latest window",
        key="groups_dashboard")

# Which gaps are closing and which are widening, against the same window last year.
trend = measures.gap_changes(scope, measure, f)
if len(trend):
    closing, widening = (int((trend["trend"] == t).sum()) for t in ("closing", "widening"))
    title = (f"{label}: {closing} gap(s) closing, {widening} widening since "
             f"{trend['window'].iloc[0]} last year")
    table = trend.rename(columns={"group": "Group", "window": "Window", "gap": "Gap now",
                                  "gap_last_year": "Gap last year",
                                  "change": "Change in size (points)", "trend": "Trend"})
    components.render_chart(title, figures.gap_change_chart(trend), table, as_of=as_of,
                            n_note="Groups with a value this year and last; a gap is closing "
                                   "when it shrank by a point or more", key="groups_trend")

group = f.group if f.group != "all" else (widest["group_id"].iloc[0] if len(widest) else "all")
chosen = measures.trajectory(settings, measure, scoped.model_copy(update={"group": group}))
group_label = settings.group_labels[group]
change = pd.to_numeric(chosen["value"], errors="coerce") - pd.to_numeric(everyone["value"],
                                                                         errors="coerce")
measures.render_trajectory(
    settings, measure, chosen, f"{group_label}: {label}", key="groups_trajectory",
    comparison=everyone, comparison_label="All students",
    table=components.trajectory_table(chosen).assign(
        **{"Gap to all students": change.round(1)}))

# Catching up: of the students below standard at the year's first window, how many reach it.
first_window = settings.calendar_for(measure).ids[0]
if registry.spec(measure).has_catching_up and point["window_id"] != first_window:
    table = data.catching_up(scope, measure, scoped, first_window, point["window_id"])
    where = scoped.school or "__district__"
    rows = table[table["scope"] == where].copy()
    rows["group"] = rows["group_id"].map(settings.group_labels)
    rows = rows[rows["group"].notna()]
    everyone = rows[rows["group_id"] == "all"]
    first_label = settings.calendar_for(measure).label_of(first_window)
    if len(everyone) and pd.notna(everyone["value"].iloc[0]):
        title = (f"Catching up: {everyone['value'].iloc[0]:.0f}% of students below standard at "
                 f"{first_label} reached it by {point['window']}")
    else:
        title = f"Catching up from {first_label} to {point['window']}"
    st.subheader(title, anchor=False)
    st.caption(f"n = students below standard at {first_label}; 95% interval shown · as of "
               f"{as_of:%B %-d, %Y}")
    components.show_table(rows.assign(**{"Caught up": rows["display"]})[
        ["group", "n", "Caught up", "ci_low", "ci_high", "n_at_standard", "n_fell_behind"]].rename(
        columns={"group": "Group", "n": "Below at start", "ci_low": "95% low",
                 "ci_high": "95% high", "n_at_standard": "At standard at start",
                 "n_fell_behind": "Fell behind"}), hide_index=True, key="groups_catching_up")
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
