"""District overview: is the district on its goal trajectory, and which schools are off track?"""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from monitor import registry, text
from monitor.measures import selection
from monitor.school_years import previous_school_year
from monitor.ui import components, cycle_view, data, figures, filters, measures
from monitor.ui import glance as first_screen
from monitor.views import sections, trajectories

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
view_date = selection.view_date(settings, f)
min_n = settings.privacy.min_n
# Above this many schools the schools x measures grid shows status in columns, not colour.
COLOURED_ROWS = 200
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
labels = [label for label in grid.columns                 # the measures with results
          if f"{label} status" in grid.columns and grid[label].notna().any()]
met = {label: (int((grid[f"{label} status"] == "met").sum()),
               int(grid[f"{label} status"].notna().sum())) for label in labels}
st.subheader("Schools at goal, latest window: " + ", ".join(
    f"{label} {m} of {n}" for label, (m, n) in met.items() if n), anchor=False)
# A school's link keeps the user's filters (the URL holds them), with the school added.
kept = {k: v for k, v in st.query_params.to_dict().items() if k in filters.KEYS}
shown = grid.assign(Page=[f"/school?{urlencode(kept | {'school': code})}"
                          for code in grid["school_code"]])
marks = {"met": "✓", "approaching": "≈", "not met": "✗"}
# Narrow link and level columns, so that every measure fits beside them at 1366 px.
columns = {"Page": st.column_config.LinkColumn("Open", display_text="open", width=48,
                                               help="Open the school's page"),
           "school_name": "School",
           "level": st.column_config.TextColumn("Level", width=80)}
# The subject is said once, above the grid, not in every column's header.
short = {label: label.removesuffix(f" {f.subject}") if f.subject else label
         for label in labels}
of_subject = f"{f.subject} " if f.subject else ""
if len(grid) <= COLOURED_ROWS:
    st.caption(f"Each school at each {of_subject}measure's latest window with results; status "
               "by colour and "
               "mark: ✓ met, ≈ approaching, ✗ not met; blank: no results there. Sort by any "
               f"column; open a school from the link in its row. As of {as_of:%B %-d, %Y}.")
    fills = {"met": "background-color: #cce3f2", "approaching": "background-color: #fbe6b8",
             "not met": "background-color: #f6d0b8"}
    styled = shown[["Page", "school_name", "level", *labels]].style.format(
        na_rep="", subset=labels)
    for label in labels:
        status = grid[f"{label} status"]
        styled = styled.apply(lambda _, s=status: [fills.get(v, "") for v in s], subset=[label])
        # The value stays a number underneath, so sorting a column sorts by value.
        for name, mark in marks.items():
            rows = grid.index[status == name]
            if len(rows):
                styled = styled.format(f"{{:.0f}}% {mark}", subset=pd.IndexSlice[rows, [label]])
        plain = grid.index[status.isna() & grid[label].notna()]
        if len(plain):
            styled = styled.format("{:.0f}%", subset=pd.IndexSlice[plain, [label]])
    columns |= {label: st.column_config.Column(short[label], help=label) for label in labels}
    components.show_table(styled, hide_index=True, key="overview_grid", column_config=columns)
else:
    # A large district: colouring every cell costs about 0.1 ms a cell on each rerun, so the
    # status is a column of its own beside each value (both sortable).
    st.caption(f"Each school at each {of_subject}measure's latest window with results; status "
               "beside each "
               "value: ✓ met, ≈ approaching, ✗ not met; blank: no results there. Sort by any "
               f"column; open a school from the link in its row. As of {as_of:%B %-d, %Y}.")
    order = ["Page", "school_name", "level"]
    for label in labels:
        shown[f"{label} status"] = grid[f"{label} status"].map(
            lambda v: f"{marks[v]} {v}" if v in marks else None)
        order += [label, f"{label} status"]
        columns[label] = st.column_config.NumberColumn(short[label], format="%.0f%%",
                                                       help=label)
    components.show_table(shown[order], hide_index=True, key="overview_grid",
                          column_config=columns)

ATTENTION_SHOWN = 15
whole = attention[attention["whole"]]
st.subheader(f"Needs attention: {len(whole)} school result(s) and "
             f"{len(attention) - len(whole)} student group result(s) off track"
             if len(attention) else "Needs attention: nothing off track", anchor=False)
if len(attention):
    st.caption("Whole schools on the headline measures first, then other measures, then "
               "student groups; within each, by how many students short of the goal (the gap "
               "times n)." + (f" {len(attention)} in all: scroll the table, or download it "
                              "as CSV." if len(attention) > ATTENTION_SHOWN else ""))
    components.show_table(components.attention_table(attention), hide_index=True,
                          key="overview_attention",
                          height=35 * (min(len(attention), ATTENTION_SHOWN) + 1) + 3)

# The state test against the county and the state, from the public CAASPP research files.
state_year = previous_school_year(f.school_year) if f.school_year == settings.current_school_year() \
    else f.school_year
comparison = data.caaspp_comparison(scope, f, state_year)
reference = comparison[comparison["level"] != "School"].set_index("level")["pct_met_above"]
if "District" in reference and pd.notna(reference["District"]):
    parts = [f"{level.lower()} {reference[level]:.0f}%" for level in ("State", "County")
             if level in reference and pd.notna(reference[level])]
    title = (f"State test {state_year}, {f.subject}: district {reference['District']:.0f}% met or "
             f"exceeded" + (f" (vs {', '.join(parts)})" if parts else ""))
    shown = comparison.assign(
        students_tested=comparison["students_tested"].map(
            lambda v: "" if pd.isna(v) else f"{v:,.0f}").where(
            ~comparison["suppressed"], comparison["hidden_label"]),
        pct_met_above=comparison["pct_met_above"].map(
            lambda v: "" if pd.isna(v) else f"{v:.1f}").where(
            ~comparison["suppressed"], comparison["hidden_label"]))
    table = shown.drop(columns=["suppressed", "hidden_label"]).rename(columns={
        "level": "Level", "entity": "Entity", "school_code": "School code",
        "students_tested": "Students tested", "pct_met_above": "% met or exceeded"})
    components.render_chart(title, figures.comparison_chart(comparison), table, as_of=as_of,
                            n_note=f"n = {int(comparison['students_tested'].max()):,} tested "
                                   "(largest entity) · CAASPP research file",
                            key="overview_caaspp")

# The assessment calendar: which windows are closed, open now or coming, and what has arrived.
calendar = measures.calendar(scope, f)
open_now = calendar[calendar["state"] == "open"]
if len(open_now):
    waiting = open_now[open_now["schools_with_results"] < open_now["schools_expected"]]
    title = (f"{len(open_now)} window(s) open now; " + (
        ", ".join(f"{r.window} ({r.label.split(':')[0]}): {r.schools_with_results} of "
                  f"{r.schools_expected} schools in" for r in waiting.itertuples())
        if len(waiting) else "every school's results are in"))
else:
    title = "No assessment window is open on the as-of date"
table = calendar.rename(columns={"label": "Measure", "window": "Window", "start": "Opens",
                                 "end": "Closes", "state": "State",
                                 "schools_with_results": "Schools with results",
                                 "schools_expected": "Schools taking it"}).drop(
    columns=["measure", "source", "calendar", "window_id"])
components.render_chart(title, figures.calendar_strip_chart(calendar, as_of), table, as_of=as_of,
                        n_note=f"{calendar['schools_expected'].max()} schools",
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
    components.show_table(components.changes_table(week.changes), hide_index=True,
                          key="overview_moved")
