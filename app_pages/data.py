"""Data: what has been loaded, what was rejected, and which schools have which windows."""

import streamlit as st

from monitor import registry, text
from monitor.school_years import previous_school_year
from monitor.ui import components, data, filters, measures, upload
from monitor.views import sections

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
min_n = settings.privacy.min_n

st.title("Data", anchor=False)
counts = data.table_row_counts(scope).set_index("table_name")["row_count"]
TABLES = {"loads": "Loads", "roster": "Roster rows", "schools": "Schools",
          "assessment_results": "Assessment results", "iready_results": "i-Ready results",
          "walkthroughs": "Walkthrough observations", "survey_responses": "Survey answers"}
# Four numbers that fit at 1024 px; every table's count underneath.
cols = st.columns(4)
cols[0].metric("Loads", f"{int(counts['loads']):,}", help="Files loaded, all time")
cols[1].metric("Schools", f"{int(counts['schools']):,}")
cols[2].metric("Roster rows", f"{int(counts['roster']):,}", help="Students per school year")
results = int(counts.drop(["loads", "roster", "schools"], errors="ignore").sum())
cols[3].metric("Result rows", f"{results:,}",
               help="Assessment, i-Ready, walkthrough and survey rows")
with st.expander("Rows per table"):
    components.show_table(counts.rename(index=TABLES).rename_axis("Table").reset_index(
        name="Rows"), hide_index=True, key="data_tables")

# How fresh each source is: its last result, last load and cadence ([sources.<kind>]).
fresh = data.freshness(scope)
st.header("Freshness", anchor=False)
st.caption("Each source's last result and last load against how often it is expected "
           "(config.toml [sources.<kind>] expect_every_days) while one of its windows is open.")
for warning in fresh.warnings:
    st.warning(text.markdown(f"{warning}."), icon=":material/schedule:")
components.show_table(fresh.table, hide_index=True, key="data_freshness")

# Data health: whether what was loaded counts in the measures, and why not where it does not.
health_table, warnings = data.data_health(scope)
st.header("Data health", anchor=False)
for warning in warnings:
    st.warning(text.markdown(warning), icon=":material/warning:")
if health_table.empty:
    components.no_data("No assessment, walkthrough or survey rows are loaded yet.")
else:
    counted = int(health_table["counted"].sum())
    total = int(health_table["rows"].sum())
    st.subheader(f"{counted:,} of {total:,} loaded result rows count in a measure "
                 f"({100 * counted / total:.0f}%)" + (f"; {len(warnings)} warning(s)"
                                                       if warnings else ""), anchor=False)
    st.caption("Per source and school year: rows loaded, rows that count in a measure, and "
               "why the others do not (each reason a column). Baseline diagnostics count: "
               "growth is measured from them. Not on roster and no grade are counted rows "
               "placed by the file's own school and grade (no grade: in all-grades views only).")
    components.show_table(health_table.rename(columns={
        "source": "Source", "school_year": "School year", "rows": "Rows loaded",
        "counted": "Count in a measure", "share": "Counting (%)",
        "not_on_roster": "Not on roster", "no_grade": "No grade"}), hide_index=True,
        key="data_health")

# Coverage: one real measure per school and window, so gaps in arrival are plain to see.
st.header("Coverage", anchor=False)
source = st.selectbox("Source", list(registry.Source), key="data_source",
                      format_func=registry.SOURCE_LABELS.get)
measure = registry.measure_of(source)
covered = sections.coverage(
    data.coverage(scope, [previous_school_year(f.school_year), f.school_year]),
    data.schools(scope), source, registry.SOURCE_LABELS[source],
    settings.calendar_for(measure), f.school_year, as_of)
st.subheader(text.markdown(covered.title), anchor=False)
st.caption(covered.n_note)
components.show_table(covered.table, key="data_coverage")

frame = measures.trajectory(settings, measure, f)
label = measures.subject_label(settings, measure, f)
measures.render_trajectory(settings, measure, frame, label, key="data_trajectory")

st.header("Loads", anchor=False)
upload.render_upload()
history = data.loads_recent(scope)
st.subheader(sections.load_history_heading(history), anchor=False)
components.show_table(history.rename(columns={
    "file_name": "File", "source": "Kind", "loaded_at": "Loaded", "rows_read": "Rows read",
    "rows_loaded": "Rows loaded", "rows_rejected": "Rows rejected",
    "duplicates_skipped": "Duplicates skipped", "rows_replaced": "Rows replaced",
    "nearest_window": "Dated by nearest window", "not_on_roster": "Not on roster",
    "school_years": "School years", "windows": "Windows"}), hide_index=True, key="data_loads")
refused = data.load_rejections(scope)
if len(refused):
    st.subheader(f"Rows refused by the last {refused['load_id'].nunique()} load(s) with "
                 f"rejections: {int(refused['rows'].sum()):,}, by reason", anchor=False)
    components.show_table(refused.drop(columns=["load_id"]).rename(columns={
        "file_name": "File", "source": "Kind", "loaded_at": "Loaded", "column_name": "Column",
        "reason": "Reason", "rows": "Rows"}), hide_index=True, key="data_refused")
rejected = data.rejected_rows(scope)
if rejected is not None:
    st.subheader("Rejected rows of the last load that had any", anchor=False)
    components.show_table(rejected.head(200), hide_index=True, key="data_rejected")
