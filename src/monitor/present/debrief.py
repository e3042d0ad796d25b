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

from monitor.present import charts  # also registers the charts' template for exported images
from monitor.writing.records import Note

# Slide size in the PDF: 16:9, in millimetres.
PAGE_W, PAGE_H = 338.7, 190.5


# The room's charts say a few things large: never more labelled categories than can be read.
MAX_LABELS = 12


@dataclass
class ChartData:
    """A slide's chart as data, drawn for the projector (charts.slide_figure), into the PDF
    (that figure, by Kaleido) and as PowerPoint's own chart (editable, its data inside it).

    kind: "line" (categories along, a series per line), "bars" (horizontal bars, a series
    per bar of each category), "stacked" (100% horizontal bars: each series a share),
    "strip" (one dot per point along a percent axis: `points`), "scatter" (`points` with x and
    y). `goal`: the goal line (a value; "line" charts: a series named in `goal_series`).
    `marked`: the points to mark and name (a school's own); `labelled`: the others named (at
    most MAX_LABELS in all)."""

    kind: str
    categories: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float | None]]] = field(default_factory=list)
    points: pd.DataFrame | None = None        # name, x (value), y (scatter)
    goal: float | None = None
    goal_series: str | None = None
    marked: list[str] = field(default_factory=list)
    labelled: list[str] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""

    def __post_init__(self):
        if len(self.categories) > MAX_LABELS:
            raise ValueError(f"a slide's chart labels at most {MAX_LABELS} categories, not "
                             f"{len(self.categories)}: draw them as a strip")
        if len({*self.marked, *self.labelled}) > MAX_LABELS:
            raise ValueError(f"a slide's chart names at most {MAX_LABELS} points")


@dataclass
class Slide:
    key: str                      # stable per kind of slide, so notes find their slide again
    title: str                    # the finding
    caption: str                  # n, as-of date and the data's cut-off
    figure: go.Figure | None = None                    # the page's chart
    lines: list[str] = field(default_factory=list)    # text instead of (or under) a chart
    table: pd.DataFrame | None = None                  # the chart's table (page view, CSV)
    chart: ChartData | None = None                     # the room's chart (slides, PDF, PPTX)


# The decks' type, in points: nothing smaller in either (a 13.33 x 7.5 inch page read across a
# room, or projected). The PDF's charts are drawn at a pixel width that puts their 22 px type at
# 15.6 points on the page (PDF_MM_PER_PX).
PDF_TITLE_PT, PDF_TEXT_PT, PDF_LINE_PT = 26, 14, 24
PDF_MM_PER_PX = 0.25
PPTX_TITLE_PT, PPTX_LONG_TITLE_PT, PPTX_TEXT_PT, PPTX_LINE_PT, PPTX_CHART_PT = 28, 24, 18, 22, 18


def latin1(text: str) -> str:
    """fpdf's core fonts are Latin-1: keep what they can draw, replace the rest."""
    replacements = {"·": "-", "–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "≈": "~",
                    "✓": "+", "✗": "x", "▶": ">", "±": "+/-", "…": "..."}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def _note_parts(note: Note | None) -> list[str]:
    if note is None or note.is_empty():
        return []
    return [f"{label}: {text.strip()}" for label, text in (
        ("What we notice", note.notice), ("What we wonder", note.wonder),
        ("Next steps", note.next_steps)) if text.strip()]


def contents(slides: list[Slide]) -> list[str]:
    """The deck's contents: each slide's title, and where its chart had nothing to show."""
    return [f"{number}. {slide.title}" + ("" if slide.chart is not None or slide.lines
                                          else " (nothing to show)")
            for number, slide in enumerate(slides, start=1)]


def deck_pdf(slides: list[Slide], notes: dict[str, Note], heading: str,
             generated: dt.date) -> bytes:
    """Every slide on its own 13.33 x 7.5 inch page: title, caption, the room's chart (drawn
    by Kaleido at a size that keeps its type at 15 points or more) or its lines, and the notes
    the room saved for it beside it. No text under 14 points."""
    from fpdf import FPDF  # a quarter of a second to import: only when a deck is asked for

    pdf = FPDF(orientation="landscape", unit="mm", format=(PAGE_H, PAGE_W))
    pdf.set_auto_page_break(False)
    pdf.set_title(latin1(heading))
    line_mm = 0.3528 * 1.25
    for number, slide in enumerate(slides, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", PDF_TITLE_PT)
        pdf.set_xy(12, 9)
        pdf.multi_cell(PAGE_W - 24, PDF_TITLE_PT * line_mm, latin1(slide.title), align="L")
        pdf.set_font("Helvetica", "", PDF_TEXT_PT)
        pdf.set_x(12)
        pdf.multi_cell(PAGE_W - 24, PDF_TEXT_PT * line_mm, latin1(slide.caption), align="L")
        top = pdf.get_y() + 3
        parts = _note_parts(notes.get(slide.key))
        body_w = PAGE_W - 24 - (100 if parts else 0)
        bottom = PAGE_H - 14
        if slide.chart is not None:
            for line in slide.lines:
                pdf.set_font("Helvetica", "", PDF_TEXT_PT)
                pdf.set_xy(12, top)
                pdf.multi_cell(body_w, PDF_TEXT_PT * line_mm, latin1(line), align="L")
                top = pdf.get_y() + 2
            height_mm = bottom - top
            image = charts.slide_figure(slide.chart).to_image(
                format="png", width=int(body_w / PDF_MM_PER_PX),
                height=int(height_mm / PDF_MM_PER_PX))
            pdf.image(image, x=12, y=top, w=body_w, h=height_mm)
        else:
            pdf.set_font("Helvetica", "", PDF_LINE_PT)
            pdf.set_xy(12, top + 4)
            for line in slide.lines:
                pdf.set_x(12)
                pdf.multi_cell(body_w, PDF_LINE_PT * line_mm, latin1(line), align="L")
        if parts:
            x = PAGE_W - 12 - 95
            pdf.set_xy(x, top)
            pdf.set_font("Helvetica", "", PDF_TEXT_PT)
            for part in parts:
                pdf.set_x(x)
                pdf.multi_cell(95, PDF_TEXT_PT * line_mm, latin1(part[:600]), align="L")
                pdf.ln(2)
        pdf.set_font("Helvetica", "", PDF_TEXT_PT)
        pdf.set_xy(12, PAGE_H - 11)
        pdf.cell(PAGE_W - 24, 7, latin1(f"{heading} - slide {number} of {len(slides)} - "
                                          f"exported {generated:%B %-d, %Y}"), align="R")
    return bytes(pdf.output())


def deck_pptx(slides: list[Slide], notes: dict[str, Note], heading: str,
              generated: dt.date) -> bytes:
    """The deck as PowerPoint (16:9) people can edit: each slide's title in its title
    placeholder, its caption, its chart as PowerPoint's own chart with its data inside (or its
    lines as text), the room's notes in the speaker notes; no text under 18 points."""
    import io

    from pptx import Presentation  # only when a deck is asked for
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    title_only = deck.slide_layouts[5]
    deck.core_properties.title = heading
    margin = Inches(0.45)
    width = deck.slide_width - 2 * margin

    def text_box(slide, left, top, box_width, height, paragraphs, size):
        frame = slide.shapes.add_textbox(left, top, box_width, height).text_frame
        frame.word_wrap = True
        for number, text in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = text
            _run_size(paragraph, Pt(size))
        return frame

    for number, slide in enumerate(slides, start=1):
        page = deck.slides.add_slide(title_only)
        title = page.shapes.title
        # A finding of two lines at 28 points; a longer one at 24 (three lines fit the box).
        size = PPTX_TITLE_PT if len(slide.title) <= 110 else PPTX_LONG_TITLE_PT
        title.left, title.top, title.width, title.height = margin, Inches(0.2), width, Inches(1.3)
        title.text_frame.word_wrap = True
        title.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        title.text = slide.title
        for paragraph in title.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            _run_size(paragraph, Pt(size), bold=True)
        text_box(page, margin, Inches(1.5), width, Inches(0.6), [slide.caption], PPTX_TEXT_PT)
        top = Inches(2.15)
        if slide.chart is not None:
            if slide.lines:
                text_box(page, margin, top, width, Inches(0.45), slide.lines, PPTX_TEXT_PT)
                top += Inches(0.5)
            _native_chart(page, slide.chart, margin, top, width,
                          deck.slide_height - top - Inches(0.6))
        elif slide.lines:
            text_box(page, margin, top, width, Inches(4.6), slide.lines, PPTX_LINE_PT)
        parts = _note_parts(notes.get(slide.key))
        if parts:
            page.notes_slide.notes_text_frame.text = "\n\n".join(parts)
        text_box(page, margin, deck.slide_height - Inches(0.55), width, Inches(0.45),
                 [f"{heading} · slide {number} of {len(slides)} · exported "
                  f"{generated:%B %-d, %Y}"], PPTX_TEXT_PT)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _run_size(paragraph, size, bold: bool | None = None) -> None:
    """Each run's own size (its rPr): PowerPoint takes a paragraph's default (defRPr) as an
    anchor that edits bounce back to, python-pptx's paragraph.font writes only that."""
    for run in paragraph.runs:
        run.font.size = size
        if bold is not None:
            run.font.bold = bold


def _percent_ticks(axis, number_format: str = '0"%"') -> None:
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False


def _label_positions() -> dict:
    from pptx.enum.chart import XL_LABEL_POSITION as P

    return {"top center": P.ABOVE, "bottom center": P.BELOW, "middle right": P.RIGHT,
            "middle left": P.LEFT, "top right": P.RIGHT, "top left": P.LEFT,
            "bottom right": P.RIGHT, "bottom left": P.LEFT}


def _native_chart(page, chart: ChartData, left, top, width, height) -> None:
    """PowerPoint's own chart of a slide's ChartData: its data inside it, editable; the goal a
    series of its own (a dashed line, or a bar named for it); points named by data labels."""
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE
    from pptx.util import Pt

    def colour(hex_code: str) -> RGBColor:
        return RGBColor.from_string(hex_code.lstrip("#"))

    if chart.kind in ("line", "bars", "stacked"):
        data = CategoryChartData(number_format='0"%"')
        data.categories = chart.categories
        for name, values in chart.series:
            data.add_series(name, [None if v is None or pd.isna(v) else round(float(v), 1)
                                   for v in values])
        if chart.kind != "line" and chart.goal is not None:
            data.add_series(f"Goal {chart.goal:.0f}%", [float(chart.goal)] * len(chart.categories))
        kind = {"line": XL_CHART_TYPE.LINE_MARKERS, "bars": XL_CHART_TYPE.BAR_CLUSTERED,
                "stacked": XL_CHART_TYPE.BAR_STACKED_100}[chart.kind]
        shape = page.shapes.add_chart(kind, left, top, width, height, data)
        plot = shape.chart
        # The slide's colours: this year blue, the comparison grey, the goal a dashed line
        # (a pale bar beside each where the chart is bars); ratings in the ratings' colours.
        palette = (list(charts.RATING_COLOURS.values()) if chart.kind == "stacked"
                   else [charts.BLUE, "#b9b9b9", charts.ORANGE])
        for number, series in enumerate(plot.series):
            goal = series.name == chart.goal_series or series.name.startswith("Goal ")
            hex_code = ("#e3e3e3" if goal and chart.kind != "line" else charts.GREY if goal
                        else palette[number % len(palette)])
            if chart.kind == "line":
                series.format.line.color.rgb = colour(hex_code)
                series.format.line.width = Pt(2.5 if goal else 4)
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour(hex_code)
                if goal:
                    series.format.line.dash_style = MSO_LINE.DASH
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour(hex_code)
        if chart.kind != "line":
            plot.category_axis.reverse_order = True
        if chart.kind != "stacked":
            plot.value_axis.maximum_scale, plot.value_axis.minimum_scale = 100, 0
            plot.value_axis.major_unit = 20
            _percent_ticks(plot.value_axis)
        else:           # a 100% stack's axis counts in fractions of the whole
            _percent_ticks(plot.value_axis, "0%")
    else:
        points = chart.points.reset_index(drop=True)
        data = XyChartData()
        series = data.add_series("Schools", number_format='0"%"')
        strip = chart.kind == "strip"
        ys = charts.strip_heights(len(points)) if strip else points["y"].astype(float).tolist()
        for x, y in zip(points["x"].astype(float), ys, strict=True):
            series.add_data_point(round(x, 1), round(y, 2) if strip else round(y, 1))
        if strip and chart.goal is not None:
            # The goal: a dashed line across the strip, named at its top.
            line = data.add_series(f"Goal {chart.goal:.0f}%", number_format='0"%"')
            line.add_data_point(float(chart.goal), 0.0)
            line.add_data_point(float(chart.goal), 1.0)
        shape = page.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, left, top, width, height, data)
        plot = shape.chart
        plot.has_legend = False
        drawn = plot.series[0]
        drawn.marker.size = 12
        drawn.marker.format.fill.solid()
        names = list(points["name"])
        named = [i for i, n in enumerate(names) if n in chart.marked or n in chart.labelled]
        drawn.marker.format.fill.fore_color.rgb = colour("#9cc9e8" if named else charts.BLUE)
        xs = points["x"].astype(float).tolist()
        scale = 100 if strip else 1
        places = charts.place_labels(
            [xs[i] for i in named], [ys[i] * scale for i in named],
            [str(names[i]) for i in named], width_px=1200, height_px=460,
            font_px=PPTX_CHART_PT * 4 / 3,
            others=[(xs[i], ys[i] * scale) for i in range(len(names)) if i not in named])
        for i, place in zip(named, places, strict=True):
            point = drawn.points[i]
            label = point.data_label
            label.has_text_frame = True
            label.text_frame.text = str(names[i])
            label.text_frame.word_wrap = False      # a name on one line, as placed
            _run_size(label.text_frame.paragraphs[0], Pt(PPTX_CHART_PT))
            label.position = _label_positions()[place]
            mine = names[i] in chart.marked
            point.marker.size = 20 if mine else 15
            point.marker.format.fill.solid()
            point.marker.format.fill.fore_color.rgb = colour(charts.ORANGE if mine
                                                             else charts.BLUE)
        if strip and chart.goal is not None:
            goal = plot.series[1]
            goal.marker.style = XL_MARKER_STYLE.NONE
            goal.format.line.color.rgb = colour(charts.BLACK)
            goal.format.line.width = Pt(2.5)
            goal.format.line.dash_style = MSO_LINE.DASH
            label = goal.points[1].data_label
            label.has_text_frame = True
            label.text_frame.text = f"Goal {chart.goal:.0f}%"
            label.text_frame.word_wrap = False
            _run_size(label.text_frame.paragraphs[0], Pt(PPTX_CHART_PT))
            label.position = _label_positions()["top center"]
        plot.value_axis.visible = not strip
        plot.category_axis.minimum_scale, plot.category_axis.maximum_scale = 0, 100
        plot.category_axis.major_unit = 20
        _percent_ticks(plot.category_axis)
        if strip:
            plot.value_axis.minimum_scale, plot.value_axis.maximum_scale = 0, 1
            plot.value_axis.has_major_gridlines = False
        else:
            plot.value_axis.minimum_scale, plot.value_axis.maximum_scale = 0, 100
            plot.value_axis.major_unit = 20
            _percent_ticks(plot.value_axis)
    plot.font.size = Pt(PPTX_CHART_PT)
    if chart.kind != "scatter" and chart.kind != "strip":
        plot.has_legend = True
        plot.legend.position = XL_LEGEND_POSITION.BOTTOM
        plot.legend.include_in_layout = False
        plot.legend.font.size = Pt(PPTX_CHART_PT)
