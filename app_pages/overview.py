"""District overview: is the district on its goal trajectory, and which schools are off track?"""


import streamlit as st

from monitor import registry, text
from monitor.measures import selection
from monitor.school_years import previous_school_year
from monitor.ui import components, cycle_view, data, figures, filters, measures
from monitor.ui import glance as first_screen
from monitor.ui import grid as status_grid
from monitor.views import sections, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
view_date = selection.view_date(settings, f)
min_n = settings.privacy.min_n
showing = "District" if f.school is None else data.schools(scope).set_index("school_code").loc[
    f.school, "school_name"]

st.title("District overview", anchor=False)
st.caption(f"{text.markdown(showing)} · {f.school_year} · {settings.group_labels[f.group]}"
           + (f" · {f.grade}" if f.grade else "")
           + (f" · as it stood when {selection.window_choices(settings)[f.window]} closed "
              f"({view_date:%B %-d, %Y}): windows still open then, and later ones, left out"
              if f.window else f" · as of {as_of:%B %-d, %Y}"))

# The first screen answers three questions: which schools are off track on which goal, what
# changed this week, and where to look next; the rest of the page is the detail behind them.
grid_measures = tuple(m for m in settings.measures if registry.spec(m).in_grid)
grid, attention = measures.status_grid(scope, f, grid_measures)
goals = measures.goals_off_track(scope, f)
week = data.week_changes(scope)
left, right = st.columns([3, 2], gap="medium")
with left:
    first_screen.render_goals(goals, key="glance")
with right:
    first_screen.render_week(week, key="glance")
    first_screen.render_next(attention, key="glance")
st.divider()

# A source overdue while its window is open, where everyone looks first; every source's dates
# one click away.
fresh = data.freshness(scope)
for warning in fresh.warnings:
    st.warning(text.markdown(f"Data not fresh: {warning}."), icon=":material/schedule:")
with st.expander("How fresh each source is" + (f" ({len(fresh.warnings)} overdue)"
                                                if fresh.warnings else "")):
    components.show_table(fresh.table, hide_index=True, key="overview_freshness")

if scope.analyst:
    # What was loaded but counts nowhere, where an analyst looks first.
    _, health_warnings = data.data_health(scope)
    for warning in health_warnings:
        st.warning(text.markdown(f"Data health: {warning}. See the Data page."),
                   icon=":material/warning:")

measures.render_tiles(settings, f)
cycle_view.render_summary(settings, scope, f.school)
components.glossary(settings, "status", "hidden", "projection")

choices = {m: settings.measures[m].label for m in settings.measures}
measure = st.selectbox("Measure", list(choices), format_func=choices.__getitem__,
                       key="overview_measure")
frame = measures.trajectory(settings, measure, f)
label = measures.subject_label(settings, measure, f)
st.caption(measures.goal_line(settings, measure, f))
measures.render_trajectory(settings, measure, frame, label, key="overview_trajectory")

point = trajectories.latest_point(frame)
if point is None:
    components.no_data("No school has results for this measure yet this year.")
else:
    scoped = measures.scoped_filters(measure, f)
    schools = sections.schools_at_window(
        measures.by_school(scope, measure, scoped, point["window_id"]),
        measures.schools_with_results(scope, measure, scoped), point["window"],
        settings.status.approaching_band)
    components.render_chart(schools.title, figures.school_status_chart(schools.rows, label),
                            schools.table, as_of=as_of, n_note=schools.n_note,
                            key="overview_schools")

# Schools x measures at each measure's latest window.
labels = sections.grid_measures(grid)
st.subheader(sections.grid_heading(grid, labels), anchor=False)
status_grid.render(grid, labels, f.subject, as_of)

ATTENTION_SHOWN = 15
st.subheader(sections.attention_heading(attention), anchor=False)
if len(attention):
    st.caption("Whole schools on the headline measures first, then other measures, then "
               "student groups; within each, by how many students short of the goal (the gap "
               "times n).")
    components.long_table(components.attention_table(attention), hide_index=True,
                          key="overview_attention", file_name="needs-attention", what="items",
                          height=35 * (min(len(attention), ATTENTION_SHOWN) + 1) + 3)

# The state test against the county and the state, from the public CAASPP research files.
state_year = previous_school_year(f.school_year) if f.school_year == settings.current_school_year() \
    else f.school_year
comparison = data.caaspp_comparison(scope, f, state_year)
state = sections.state_test(comparison, state_year, f.subject)
if state is not None:
    components.render_chart(state.title, figures.comparison_chart(state.rows), state.table,
                            as_of=as_of, n_note=state.n_note, key="overview_caaspp")

# The assessment calendar: which windows are closed, open now or coming, and what has arrived.
windows = sections.calendar(measures.calendar(scope, f))
components.render_chart(windows.title, figures.calendar_strip_chart(windows.rows, as_of),
                        windows.table, as_of=as_of, n_note=windows.n_note,
                        key="overview_calendar")

# What changed this week, in full (the first screen's lines come from it): every headline
# result (each school and the district) that changed between the last data version at least
# a week before the as-of date and now, this school year (monitor.views.changes). The files are on
# the Data page's load history.
st.subheader(text.markdown(week.heading()), anchor=False)
if len(week.changes):
    st.caption("Each school's and the district's headline results (all students) that "
               "changed; the district first, then the largest changes. A result resting on "
               "a few new students says it was updated, without the size of the change.")
    components.long_table(components.changes_table(week.changes), hide_index=True,
                          key="overview_moved", file_name="what-changed", what="changes")
