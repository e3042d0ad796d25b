"""The learning-walk debrief as slides: one finding each, and the deck as a PDF for the board
packet and as PowerPoint (slide title, the chart, its n / as-of / cut-off line, and the room's
notes).

No Streamlit here: monitor.ui.debrief gathers the data and app_pages/learning_walks.py shows
the slides. Nothing identifying goes on a slide: no teacher, student or observer names, and
every value has been through the measures layer's suppression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from monitor import charts  # also registers the charts' template for exported images
from monitor.store import Note

# Slide size in the PDF: 16:9, in millimetres.
PAGE_W, PAGE_H = 338.7, 190.5


@dataclass
class Slide:
    key: str                      # stable per kind of slide, so notes find their slide again
    title: str                    # the finding
    caption: str                  # n, as-of date and the data's cut-off
    figure: go.Figure | None = None
    lines: list[str] = field(default_factory=list)    # text instead of (or under) a chart
    table: pd.DataFrame | None = None                  # the chart's table (page view, CSV)


# A slide at 1920 x 1080: the chart's share of the height, and the smallest type read from the
# back of a room.
SLIDE_CHART_PX = 640
SLIDE_TEXT_PX = 22
SLIDE_MIN_TEXT_PX = 16


def for_projector(fig: go.Figure) -> go.Figure:
    """The same chart in type large enough for the back of the room, every label drawn and
    none over another: a bar chart labels every bar (its type shrinks with many bars, never
    below SLIDE_MIN_TEXT_PX); a labelled scatter's labels are placed again for this size."""
    big = go.Figure(fig)
    # The slide's heading states the finding: the chart's own small title goes.
    big.update_layout(title=None, font=dict(size=SLIDE_TEXT_PX), height=SLIDE_CHART_PX,
                      legend=dict(font=dict(size=SLIDE_TEXT_PX)),
                      margin=dict(l=20, r=20, t=60, b=20))
    text_px = SLIDE_TEXT_PX
    bars = [t for t in big.data if t.type == "bar" and t.orientation == "h"]
    if bars:
        rows = len({y for t in big.data if t.y is not None for y in t.y})
        per_row = (SLIDE_CHART_PX - 160) / max(rows, 1)
        text_px = int(max(SLIDE_MIN_TEXT_PX, min(SLIDE_TEXT_PX, per_row * 0.8)))
        big.update_yaxes(dtick=1, tickfont=dict(size=text_px))
    big.update_annotations(font_size=text_px)
    big.update_traces(textfont_size=text_px, selector=lambda trace: "textfont" in trace)
    for trace in big.data:
        if trace.meta == "placed labels" and trace.text is not None and len(trace.x):
            # The plot area at 1920 px wide, less the axis titles and margins.
            trace.textposition = charts.place_labels(
                trace.x, trace.y, trace.text, width_px=1650, height_px=SLIDE_CHART_PX - 200,
                font_px=text_px)
    return big


def _latin1(text: str) -> str:
    """fpdf's core fonts are Latin-1: keep what they can draw, replace the rest."""
    replacements = {"·": "-", "–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "≈": "~",
                    "✓": "+", "✗": "x", "▶": ">", "±": "+/-", "…": "..."}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def deck_pdf(slides: list[Slide], notes: dict[str, Note], heading: str,
             generated: dt.date) -> bytes:
    """Every slide on its own 16:9 page: title, chart (drawn by Kaleido), caption and the
    notes the room saved for it."""
    from fpdf import FPDF  # a quarter of a second to import: only when a deck is asked for

    pdf = FPDF(orientation="landscape", unit="mm", format=(PAGE_H, PAGE_W))
    pdf.set_auto_page_break(False)
    pdf.set_title(_latin1(heading))
    for number, slide in enumerate(slides, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 22)
        pdf.set_xy(12, 10)
        pdf.multi_cell(PAGE_W - 24, 10, _latin1(slide.title))
        pdf.set_font("Helvetica", "", 11)
        pdf.set_x(12)
        pdf.multi_cell(PAGE_W - 24, 6, _latin1(slide.caption))
        top = pdf.get_y() + 2
        note = notes.get(slide.key)
        has_notes = note is not None and not note.is_empty()
        chart_w = PAGE_W - 24 - (95 if has_notes else 0)
        if slide.figure is not None:
            image = for_projector(slide.figure).to_image(format="png", width=1400, height=760)
            height = min(PAGE_H - top - 14, chart_w * 760 / 1400)
            pdf.image(image, x=12, y=top, h=height)
        if slide.lines and slide.figure is None:
            pdf.set_font("Helvetica", "", 16)
            pdf.set_xy(12, top + 4)
            for line in slide.lines:
                pdf.set_x(12)
                pdf.multi_cell(chart_w, 8, _latin1(line))
        if has_notes:
            x = PAGE_W - 12 - 90
            pdf.set_xy(x, top)
            for label, text in (("What we notice", note.notice), ("What we wonder", note.wonder),
                                ("Next steps", note.next_steps)):
                if not text.strip():
                    continue
                pdf.set_font("Helvetica", "B", 12)
                pdf.set_x(x)
                pdf.multi_cell(90, 6, label)
                pdf.set_font("Helvetica", "", 11)
                pdf.set_x(x)
                pdf.multi_cell(90, 5.5, _latin1(text[:900]))
                pdf.ln(2)
        pdf.set_font("Helvetica", "", 9)
        pdf.set_xy(12, PAGE_H - 9)
        pdf.cell(PAGE_W - 24, 5, _latin1(f"{heading} - slide {number} of {len(slides)} - "
                                          f"exported {generated:%B %-d, %Y}"), align="R")
    return bytes(pdf.output())


def deck_pptx(slides: list[Slide], notes: dict[str, Note], heading: str,
              generated: dt.date) -> bytes:
    """The deck as PowerPoint (16:9), for the decks people already keep: each slide's title
    and caption as editable text, its chart as a picture drawn by Kaleido (or its lines as
    text), and the room's notes in the slide's speaker notes and beside the chart."""
    import io

    from pptx import Presentation  # only when a deck is asked for
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    blank = deck.slide_layouts[6]
    deck.core_properties.title = heading
    margin = Inches(0.45)
    width = deck.slide_width - 2 * margin

    def text_box(slide, left, top, box_width, height, paragraphs, size, bold=False):
        frame = slide.shapes.add_textbox(left, top, box_width, height).text_frame
        frame.word_wrap = True
        for number, text in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = text
            paragraph.font.size = Pt(size)
            paragraph.font.bold = bold
        return frame

    for number, slide in enumerate(slides, start=1):
        page = deck.slides.add_slide(blank)
        text_box(page, margin, Inches(0.3), width, Inches(1.1), [slide.title], 28, bold=True)
        text_box(page, margin, Inches(1.35), width, Inches(0.5), [slide.caption], 13)
        note = notes.get(slide.key)
        has_notes = note is not None and not note.is_empty()
        body_width = width - (Inches(3.6) if has_notes else 0)
        top = Inches(1.95)
        if slide.figure is not None:
            image = for_projector(slide.figure).to_image(format="png", width=1400, height=760)
            height = min(deck.slide_height - top - Inches(0.55),
                         Emu(int(body_width * 760 / 1400)))
            page.shapes.add_picture(io.BytesIO(image), margin, top, height=height)
        elif slide.lines:
            text_box(page, margin, top, body_width, Inches(4.5), slide.lines, 20)
        if has_notes:
            parts = [f"{label}: {text.strip()}" for label, text in (
                ("What we notice", note.notice), ("What we wonder", note.wonder),
                ("Next steps", note.next_steps)) if text.strip()]
            text_box(page, margin + body_width + Inches(0.2), top, Inches(3.4), Inches(4.8),
                     parts, 13)
            page.notes_slide.notes_text_frame.text = "\n\n".join(parts)
        text_box(page, margin, deck.slide_height - Inches(0.45), width, Inches(0.3),
                 [f"{heading} · slide {number} of {len(slides)} · exported "
                  f"{generated:%B %-d, %Y}"], 10)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
