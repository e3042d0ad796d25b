"""School: one school's measures against the district and its own goals, leading and lagging."""

import streamlit as st

from monitor import charts, metrics
from monitor.ui import components, data, filters, measures

settings = data.settings()
f = filters.current()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n
schools = data.schools()

if f.school is None:
    school = schools["school_code"].iloc[0]
    st.info("Showing the first school: choose yours under **School** in the sidebar.",
            icon=":material/info:")
    f = f.model_copy(update={"school": school})
row = schools.set_index("school_code").loc[f.school]
st.title(row["school_name"], anchor=False)
st.caption(f"{row['level']} school · {f.school_year} · {settings.group_labels[f.group]}"
           + (f" · {f.grade}" if f.grade else ""))

outcome_measures = [m for m in settings.measures if m not in ("walkthrough", "survey")]
choices = {m: settings.measures[m].label for m in outcome_measures}
measure = st.selectbox("Measure", list(choices), format_func=choices.__getitem__,
                       key="school_measure")
frame = measures.trajectory(settings, measure, f)
district = measures.trajectory(settings, measure, f.model_copy(update={"school": None}))
label = measures.subject_label(settings, measure, f)
measures.render_trajectory(settings, measure, frame, label, comparison=district, key="school_trajectory")

point = metrics.latest_point(frame)
if point is not None:
    groups = metrics.by_group(data.cells(measure, f), settings, f, point["window_id"])
    worst = groups[groups["gap_to_all"].notna()].sort_values("gap_to_all").head(1)
    title = (f"Largest gap at {point['window']}: {worst['group'].iloc[0]} "
             f"({worst['gap_to_all'].iloc[0]:+.0f} points)" if len(worst)
             and worst["group_id"].iloc[0] != "all" else f"Student groups at {point['window']}")
    table = groups[["group", "value", "n", "gap_to_all"]].rename(
        columns={"group": "Group", "value": "Value (%)", "gap_to_all": "Gap to all students"})
    components.render_chart(title, charts.group_gap_chart(groups), table, as_of=as_of,
                            n_note=f"n = {int(point['n']):,} students", key="school_groups")

st.header("Leading indicators", anchor=False)
left, right = st.columns(2)
for column, measure in ((left, "walkthrough"), (right, "survey")):
    with column:
        frame = measures.trajectory(settings, measure, f)
        label = measures.subject_label(settings, measure, f)
        measures.render_trajectory(settings, measure, frame, label, key=f"school_{measure}")
