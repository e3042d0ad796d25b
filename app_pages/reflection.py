"""System reflection: each term, where each lever of the district's framework stands (Plan,
Test, Scale, Deepen), beside the headline leading and lagging indicators. A reflection the
district records about itself, not a rating of anyone."""

import pandas as pd
import streamlit as st

from monitor import registry, text
from monitor.access import AccessDenied
from monitor.present import charts
from monitor.registry import MeasureId
from monitor.ui import components, data, filters, measures
from monitor.views import trajectories
from monitor.writing import reflection
from monitor.writing.records import DISTRICT, LIMITS, Refused

settings = data.settings()
f = filters.current().model_copy(update={"school": None, "group": "all", "grade": None})
scope = filters.scope()
as_of = settings.as_of_date()
framework_id, framework = reflection.framework(settings)
desk = data.cycle_desk(scope)
can_write = desk.author.may_write(DISTRICT)
recorded = pd.DataFrame(data.reflections(scope, framework_id),
                        columns=["term", "lever", "element", "stage", "note", "evidence",
                                 "recorded_by", "recorded_at"])


def _row(lever: str, element: str) -> str:
    return lever if not element else f"{lever}: {element}"


st.title("System reflection", anchor=False)
st.caption(f"{framework.label} · as of {as_of:%B %-d, %Y}. Each term the district records "
           "where each lever stands: Plan, Test, Scale or Deepen. This is a reflection on our "
           "own system, not a rating: levers, and parts of one, stand at different stages and "
           "can move back as well as forward. Improvement of practice comes before growth in "
           "student results; the headline indicators are beside it to see whether it did.")

years = sorted({t.rsplit(" ", 1)[0] for t in recorded["term"]} | {f.school_year})
terms = [t for year in years for t in reflection.terms(settings, year)]
rows = [_row(lever, element) for lever, element in reflection.parts(framework)]
shown = recorded.assign(row=[_row(a, b) for a, b in zip(recorded["lever"], recorded["element"],
                                                       strict=True)])
shown = shown[shown["row"].isin(rows)]
used_terms = [t for t in terms if t in set(shown["term"])]
if shown.empty:
    components.no_data("No reflection has been recorded yet."
                       + (" Record this term's below." if can_write else ""))
else:
    latest = used_terms[-1]
    now = shown[shown["term"] == latest]
    counts = now["stage"].value_counts()
    title = (f"{latest}: " + ", ".join(f"{counts[s]} at {s}" for s in reflection.STAGES
                                       if s in counts)
             + f" of {len(rows)} levers" + (" and elements" if len(rows) > len(
                 framework.levers) else ""))
    table = shown.sort_values(["term", "row"])[
        ["term", "row", "stage", "note", "evidence", "recorded_by", "recorded_at"]].rename(
        columns={"term": "Term", "row": "Lever", "stage": "Stage", "note": "Note",
                 "evidence": "Evidence", "recorded_by": "Recorded by",
                 "recorded_at": "Recorded at"})
    # A lever in bold, its elements beneath it in their own words.
    labels = [f"<b>{lever}</b>" if not element else element
              for lever, element in reflection.parts(framework)]
    components.render_chart(title, charts.reflection_chart(shown, rows, used_terms,
                                                           reflection.STAGES, labels),
                            table, as_of=as_of, n_note=f"{len(used_terms)} term(s) recorded; "
                            "↑ / ↓: moved since the term before", key="reflection")

st.subheader("Headline indicators this year", anchor=False)
headline = [m for m, spec in settings.measures.items() if spec.headline]
lines = []
for measure, subject in [(m, s) for m in headline for s in registry.spec(m).subjects]:
    shown_for = f.model_copy(update={"subject": subject if measure != MeasureId.SURVEY else None})
    frame = measures.trajectory(settings, measure, shown_for)
    values = frame[frame["value"].notna()]
    if values.empty:
        continue
    first, last = values.iloc[0], values.iloc[-1]
    lines.append({
        "Indicator": measures.subject_label(settings, measure, shown_for),
        "Kind": "practice (leading)" if measure in (MeasureId.WALKTHROUGH, MeasureId.SURVEY)
        else "results (lagging)",
        "First this year": f"{first['value']:.0f}% at {first['window']}",
        "Latest": f"{last['value']:.0f}% at {last['window']}",
        "Change (points)": trajectories.signed_points(last["value"] - first["value"])})
if lines:
    components.show_table(pd.DataFrame(lines), hide_index=True, key="reflection_headline")
else:
    components.no_data("No headline indicator has a value this year yet.")

if can_write:
    st.subheader("Record a term", anchor=False)
    this_year = reflection.terms(settings, f.school_year)
    missing = [t for t in this_year if t not in set(shown["term"])]
    term = st.selectbox("Term", this_year, index=this_year.index(missing[0]) if missing else 0,
                        key="reflection_term")
    before = shown[shown["term"] == term].set_index("row")
    with st.form("reflection_form"):
        choices = {}
        for lever, element in reflection.parts(framework):
            row = _row(lever, element)
            stage = before["stage"].get(row) if row in before.index else None
            left, middle, right = st.columns([2, 3, 2])
            picked = left.selectbox(row, ["(not recorded)", *reflection.STAGES],
                                    index=(reflection.STAGES.index(stage) + 1) if stage else 0,
                                    key=f"stage_{term}_{row}")
            note = middle.text_input("Note", before["note"].get(row, "") if row in before.index
                                     else "", key=f"note_{term}_{row}", max_chars=LIMITS["note"])
            evidence = right.text_input("Evidence (a link to a view)",
                                        before["evidence"].get(row, "") if row in before.index
                                        else "", key=f"evidence_{term}_{row}",
                                        max_chars=LIMITS["evidence"])
            choices[(lever, element)] = (picked, note, evidence)
        if st.form_submit_button("Save the reflection", type="primary"):
            try:
                desk.reflect_term(framework_id, term, {
                    part: (picked, note, evidence)
                    for part, (picked, note, evidence) in choices.items()
                    if picked != "(not recorded)"})
            except (Refused, AccessDenied) as refusal:
                st.error(text.markdown(refusal), icon=":material/block:")
            else:
                st.toast(f"Reflection for {term} saved.", icon=":material/check:")
                st.rerun()
else:
    st.caption("The district's staff record the reflection; your role reads it.")
