"""Learning walks: the Instructional Practice Guide walk by walk, and the projected debrief.

`?present=1` (or the Present button) turns the page into slides for the room: no sidebar or
app chrome, large type, one finding per slide, arrow keys to step, a notes box per slide saved
with the walk, and the deck as a PDF.
"""


import streamlit as st

from monitor import text
from monitor.present.charts import slide_figure
from monitor.present.debrief import deck_pdf, deck_pptx
from monitor.registry import MeasureId
from monitor.ui import components, data, figures, filters
from monitor.ui import debrief as walks
from monitor.views import sections
from monitor.writing.records import LIMITS, Note, Refused

settings = data.settings()
f = filters.current()
scope = filters.scope()
as_of = settings.as_of_date()
walk_subjects = data.walkthrough_subjects(scope)
walk_filters = f.model_copy(update={"group": "all",
                                    "observed_subject": filters.observed_subject(walk_subjects)})
presenting = st.query_params.get("present") == "1"

walk = walks.current_walk(settings, walk_filters, scope)
if walk is None:
    st.title("Learning walks", anchor=False)
    components.no_data("No learning walk has been recorded this year yet.")
    st.stop()
deck = walks.slides(settings, walk_filters, scope, walk)
store = data.debrief_notes(scope, walk_filters)
notes = store.for_walk(walk.school_year, walk.window_id, walk.notes_scope)
can_write = store.author.may_write(walk.notes_scope)


def _go_to(number: int) -> None:
    st.query_params["slide"] = str(number)


def _present(on: bool) -> None:
    if on:
        st.query_params["present"] = "1"
        st.query_params["slide"] = "1"
    else:
        for key in ("present", "slide"):
            if key in st.query_params:
                del st.query_params[key]


def _pdf() -> bytes:
    return deck_pdf(deck, store.for_walk(walk.school_year, walk.window_id, walk.notes_scope),
                    walk.heading, as_of)


def _pptx() -> bytes:
    return deck_pptx(deck, store.for_walk(walk.school_year, walk.window_id, walk.notes_scope),
                     walk.heading, as_of)


PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _notes_form(slide_key: str, big: bool) -> None:
    note = notes.get(slide_key, Note())
    with st.form(f"notes_{slide_key}", border=not big):
        if not big:
            st.markdown("**Debrief notes for this slide**" + ("" if can_write else
                                                              " (read only for your role)"))
        columns = st.columns(3)
        notice = columns[0].text_area("What do we notice?", note.notice, height=110 if big else 90,
                                      disabled=not can_write, key=f"notice_{slide_key}",
                                      max_chars=LIMITS["notice"])
        wonder = columns[1].text_area("What do we wonder?", note.wonder, height=110 if big else 90,
                                      disabled=not can_write, key=f"wonder_{slide_key}",
                                      max_chars=LIMITS["wonder"])
        steps = columns[2].text_area("Next steps (one per line)", note.next_steps,
                                     height=110 if big else 90, disabled=not can_write,
                                     key=f"steps_{slide_key}", max_chars=LIMITS["next_steps"])
        if st.form_submit_button("Save notes", icon=":material/save:", disabled=not can_write):
            try:
                store.save(walk.school_year, walk.window_id, walk.notes_scope, slide_key,
                           Note(notice=notice, wonder=wonder, next_steps=steps))
            except Refused as refusal:
                st.error(str(refusal), icon=":material/block:")
            else:
                st.toast("Notes saved with this walk.", icon=":material/check:")
        if note.updated_at:
            st.caption(f"Last saved {note.updated_at.replace('T', ' ')}"
                       + (f" by {text.markdown(note.updated_by)}" if note.updated_by else ""))


if presenting:
    # The room's slide fills the screen, whatever its size, with nothing to scroll: the page is
    # the window's height, a column whose chart takes the room the words leave; every text at
    # least 14 px at 1366 x 768 and 20 px at 1920 x 1080 (1.1% of the width, never under 14
    # px), the title larger; no sidebar, header or toolbar. Static style, no data in it.
    st.html("""<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
    header[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
    [data-testid="stMainBlockContainer"] { height: 100vh; max-width: 100%;
        padding: 0.9rem 2.2rem 0.4rem 2.2rem !important; box-sizing: border-box; }
    [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {
        height: 100%; flex-wrap: nowrap; gap: 0.55rem; }
    .st-key-slide_chart { flex: 1 1 0 !important; min-height: 0; }
    .st-key-slide_chart [data-testid="stPlotlyChart"], .st-key-slide_chart .js-plotly-plot,
    .st-key-slide_chart .plot-container, .st-key-slide_chart .svg-container {
        height: 100% !important; }
    .stMain h1 { font-size: clamp(24px, 2.3vw, 48px) !important; line-height: 1.15;
        color: #000; padding: 0 !important; }
    .stMain p, .stMain li, .stMain label, .stMain button p, .stMain summary p,
    .stMain kbd, [data-testid="stCaptionContainer"] p {
        font-size: clamp(14px, 1.1vw, 30px) !important; color: #111; }
    .stMain .st-key-slide_lines p, .stMain .st-key-slide_text p {
        font-size: clamp(18px, 1.6vw, 36px) !important; }
    [data-testid="stLayoutWrapper"]:has(> .st-key-slide_text) {
        flex: 1 1 0 !important; min-height: 0; display: flex; flex-direction: column; }
    .st-key-slide_text { flex: 1 1 0 !important; min-height: 0; overflow-y: auto; }
    .stMain [data-testid="stIconMaterial"] { font-size: clamp(16px, 1.3vw, 32px) !important; }
    </style>""")
    count = len(deck)
    try:
        number = min(max(int(st.query_params.get("slide", "1")), 1), count)
    except ValueError:
        number = 1
    slide = deck[number - 1]
    # A slide's words name schools and carry the room's own notes: text, never Markdown.
    st.title(text.markdown(slide.title), anchor=False)
    demo = " · demo data (synthetic)" if settings.access.demo else ""
    st.caption(text.markdown(slide.caption + demo))
    # The room's chart (monitor.present.charts.slide_figure): few things named, large type; a slide
    # whose chart would be all hidden says so in its line instead.
    if slide.chart is not None:
        above = st.container(key="slide_lines")
        for line in slide.lines:
            above.markdown(text.markdown(line))
        st.plotly_chart(slide_figure(slide.chart), theme=None, key="slide_chart",
                        config={"displayModeBar": False, "responsive": True})
    else:
        # The lines take the room the chart would have (the buttons stay at the bottom).
        lines = st.container(key="slide_text")
        for line in slide.lines:
            lines.markdown(text.markdown(line))
    nav = st.container(horizontal=True, vertical_alignment="center")
    nav.button("Previous", icon=":material/arrow_back:", shortcut="Left", key="slide_previous",
               disabled=number == 1, on_click=_go_to, args=(number - 1,))
    nav.markdown(f"**Slide {number} of {count}**")
    nav.button("Next", icon=":material/arrow_forward:", shortcut="Right", key="slide_next",
               disabled=number == count, on_click=_go_to, args=(number + 1,))
    nav.download_button("PDF", _pdf, file_name=f"learning-walk-{walk.label}-"
                        f"{walk.school_year}.pdf", mime="application/pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:", key="slide_pdf",
                        help="The deck as a PDF")
    nav.download_button("PowerPoint", _pptx, file_name=f"learning-walk-{walk.label}-"
                        f"{walk.school_year}.pptx", mime=PPTX, on_click="ignore",
                        icon=":material/slideshow:", key="slide_pptx")
    nav.button("Leave", icon=":material/close:", shortcut="Esc", key="slide_leave",
               on_click=_present, args=(False,), help="Leave the presentation")
    # Folded under the slide so the slide fits the screen; open where the room has written.
    saved = notes.get(slide.key, Note())
    with st.expander("Debrief notes for this slide" + ("" if can_write else
                                                       " (read only for your role)"),
                     expanded=not saved.is_empty(), icon=":material/edit_note:"):
        _notes_form(slide.key, big=True)
    st.stop()

# -- the page ------------------------------------------------------------------------------
st.title("Learning walks", anchor=False)
st.caption("Percent of classroom observations meeting each Instructional Practice Guide "
           "indicator (Yes, or a rating of Mostly/Yes), with the number of observations. "
           "Walkthroughs observe classrooms, so the student-group filter does not apply here. "
           + (f"Subject observed: {walk_filters.observed_subject}." if walk_filters.observed_subject
              else "Every subject observed is pooled."))
components.glossary(settings, "ipg", "hqim", "status", "hidden")
filters.render_observed_subject(walk_subjects)
top = st.container(horizontal=True)
top.button("Present", icon=":material/slideshow:", type="primary", key="present_on",
           on_click=_present, args=(True,), help="Slides for the debrief room: one finding "
           "each, arrow keys to step; the link opens straight into them.")
top.download_button("Export deck (PDF)", _pdf, on_click="ignore", mime="application/pdf",
                    file_name=f"learning-walk-{walk.label}-{walk.school_year}.pdf",
                    icon=":material/picture_as_pdf:", key="page_pdf")
top.download_button("Export deck (PowerPoint)", _pptx, on_click="ignore", mime=PPTX,
                    file_name=f"learning-walk-{walk.label}-{walk.school_year}.pptx",
                    icon=":material/slideshow:", key="page_pptx")

opening = deck[0]
st.subheader(text.markdown(opening.title), anchor=False)
for line in opening.lines:
    st.markdown(text.markdown(line))
for slide in deck[1:]:
    if slide.figure is None and slide.table is None:      # a finding in words: why not shown
        st.subheader(text.markdown(slide.title), anchor=False)
        st.caption(text.markdown(slide.caption))
        for line in slide.lines:
            st.markdown(text.markdown(line))
        continue
    figure = slide.figure
    if figure is None and slide.chart is not None:    # a slide drawn for the room only
        figure = slide_figure(slide.chart, font_px=14).update_layout(height=360)
    components.render_chart(slide.title, figure, slide.table, as_of=None,
                            n_note=slide.caption, key=f"walk_{slide.key}")

# Observer calibration: how each observer's ratings compare with the rest on the same walk.
calibration = data.observer_calibration(scope, walk_filters)
calendar = settings.calendar_for(MeasureId.WALKTHROUGH)
observers = sections.observer_calibration(
    calibration, calendar.ids, walk.window_id, {w.id: w.label for w in calendar.windows},
    settings.privacy.min_observations, scope.analyst)
if observers is not None:
    components.render_chart(observers.title, figures.observer_chart(observers.rows),
                            observers.table, as_of=as_of, n_note=observers.n_note,
                            key="walk_observers")

st.header(f"Debrief notes, {walk.label}", anchor=False)
chosen = st.selectbox("Slide", [s.key for s in deck], key="notes_slide",
                      format_func={s.key: s.title for s in deck}.__getitem__)
_notes_form(chosen, big=False)
