"""System reflection: each term, where each lever of the district's framework stands (Plan,
Test, Scale, Deepen), beside the headline leading and lagging indicators. A reflection the
district records about itself, not a rating of anyone."""

import streamlit as st

from monitor import registry, text
from monitor.access import AccessDenied
from monitor.present import charts
from monitor.registry import MeasureId
from monitor.ui import components, data, filters, measures
from monitor.views import reflections
from monitor.writing import cycles as cycle_rules
from monitor.writing import reflection
from monitor.writing.records import DISTRICT, LIMITS, Refused

settings = data.settings()
f = filters.current().model_copy(update={"school": None, "group": "all", "grade": None})
scope = filters.scope()
as_of = settings.as_of_date()
framework_id, framework = reflection.framework(settings)
desk = data.cycle_desk(scope)
can_write = desk.author.may_write(DISTRICT)
records = data.reflections(scope, framework_id)


st.title("System reflection", anchor=False)
st.caption(f"{framework.label} · as of {as_of:%B %-d, %Y}. Each term the district records "
           "where each lever stands. This is a reflection on our own system, not a rating: "
           "levers, and parts of one, stand at different stages and can move back as well as "
           "forward. Improvement of practice comes before growth in student results; the "
           "indicators named for each lever are beside it to see whether it did.")
STAGE_WORDS = "  \n".join(f"**{stage}**: {meaning}."
                          for stage, meaning in reflection.STAGE_MEANINGS.items())
st.markdown(STAGE_WORDS)

terms = [t for year in reflections.years_shown(records, f.school_year)
         for t in reflection.terms(settings, year)]
recorded = reflections.grid(records, framework, terms)
shown = recorded.recorded
if recorded.section is None:
    components.no_data("No reflection has been recorded yet."
                       + (" Record this term's below." if can_write else ""))
else:
    components.render_chart(recorded.section.title, charts.reflection_chart(
        shown, recorded.rows, recorded.terms, reflection.STAGES, recorded.labels),
        recorded.section.table, as_of=as_of, n_note=recorded.section.n_note, key="reflection")

# Each lever at the latest term: what its stage means, the district's note, and whether the
# indicators it should move have moved.
named, unknown = reflection.lever_indicators(settings, framework)
for name in unknown:
    st.warning(text.markdown(f"config.toml [reflection.indicators] names {name!r}, which is "
                             f"no lever of {framework.label}: its indicators are not shown."),
               icon=":material/warning:")
lines = {}
for lever, chosen in named.items():
    lines[lever] = [reflections.indicator_line(
        cycle_rules.indicator_label(settings, i), measures.trajectory(
            settings, i.measure, cycle_rules.indicator_filters(DISTRICT, i, f.school_year),
            i.detail)) for i in chosen]
latest = recorded.terms[-1] if recorded.terms else None
st.subheader(f"Each lever at {latest}: its note, and the indicators it should move"
             if latest else "Each lever and the indicators it should move", anchor=False)
for lever in reflections.levers(recorded, latest, lines).itertuples(index=False):
    meaning = f" ({lever[2]})" if lever[2] else ""
    note = f"  \n*Note:* {text.markdown(lever[3])}" if lever[3] else ""
    st.markdown(f"**{text.markdown(lever[0])}**: {lever[1]}{meaning}.{note}  \n"
                f":material/trending_up: {text.markdown(lever[4])}")

st.subheader("Headline indicators this year", anchor=False)
headline = [m for m, spec in settings.measures.items() if spec.headline]
indicators = []
for measure, subject in [(m, s) for m in headline for s in registry.spec(m).subjects]:
    shown_for = f.model_copy(update={"subject": subject if measure != MeasureId.SURVEY else None})
    indicators.append((measures.subject_label(settings, measure, shown_for),
                       measure in registry.LEADING, measures.trajectory(settings, measure,
                                                                        shown_for)))
changes = reflections.headline_change(indicators)
if len(changes):
    components.show_table(changes, hide_index=True, key="reflection_headline")
else:
    components.no_data("No headline indicator has a value this year yet.")

if can_write:
    st.subheader("Record a term", anchor=False)
    offered, current = reflections.form_terms(settings, f.school_year, as_of)
    if not offered:
        components.no_data(f"No term of {f.school_year} has begun yet: a term is recorded "
                           "once it has.")
        st.stop()
    term = st.selectbox("Term", offered, index=current, key="reflection_term",
                        help="This year's terms that have begun; it opens on the current one.")
    before = shown[shown["term"] == term].set_index("row")
    with st.form("reflection_form"):
        choices = {}
        for lever, element in reflection.parts(framework):
            row = reflections.row_name(lever, element)
            stage = before["stage"].get(row) if row in before.index else None
            left, middle, right = st.columns([2, 3, 2])
            picked = left.selectbox(row, ["(not recorded)", *reflection.STAGES],
                                    index=(reflection.STAGES.index(stage) + 1) if stage else 0,
                                    key=f"stage_{term}_{row}", help=STAGE_WORDS)
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
