"""Learning-walk analytics, the debrief notes store and the exported deck."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pypdfium2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.present import charts
from monitor.present.debrief import PDF_MM_PER_PX, ChartData, Slide, deck_pdf
from monitor.views import breakdowns, findings
from monitor.writing.records import Note


def test_rating_distribution_reads_the_rating_cells_of_one_scope(settings):
    def cell(window, scope, detail, n, meeting, hidden=False):
        return {"window_id": window, "scope": scope, "group_id": "all", "detail": detail,
                "n": None if hidden else n, "n_records": None if hidden else n,
                "n_meeting": None if hidden else meeting,
                "value": None if hidden else round(100 * meeting / n, 1), "suppressed": hidden,
                "hidden_label": "n<5" if hidden else None}
    cells = pd.DataFrame(
        [cell("Q1", "A", f"ca2={k}", 20, m) for k, m in enumerate([2, 3, 10, 5], start=1)]
        + [cell("Q1", "B", f"ca2={k}", 8, 2) for k in range(1, 5)]
        + [cell("Q2", "A", f"ca3={k}", 3, 1, hidden=True) for k in range(1, 5)])
    frame = breakdowns.rating_distribution(cells, "A")
    q1 = frame[frame["window_id"] == "Q1"].set_index("label")
    assert q1.loc["Mostly", "percent"] == 50.0 and q1.loc["Not Yet", "total"] == 20
    assert q1.loc["Yes", "n"] == 5 and q1["percent"].sum() == 100.0
    assert list(q1["rating"]) == [1, 2, 3, 4]
    q2 = frame[frame["window_id"] == "Q2"]     # hidden as its core action is: no counts
    assert q2["suppressed"].all() and q2[["n", "total", "percent"]].isna().all().all()
    assert set(q2["hidden_label"]) == {"n<5"}
    assert breakdowns.rating_distribution(cells, "C").empty


def test_observer_calibration_compares_with_the_rest_and_hides_names(settings):
    counts = pd.DataFrame({
        "window_id": ["Q1", "Q1", "Q1"], "observer": ["b@x.org", "a@x.org", "c@x.org"],
        "observations": [10, 12, 2], "ratings": [100, 120, 20], "met": [80, 48, 10],
        "others_observations": [14, 12, 22],
        "others_ratings": [140, 120, 220], "others_met": [58, 90, 128]})
    named = breakdowns.observer_calibration(counts, settings, show_names=True).set_index("observer")
    assert (named.loc["b@x.org", "percent"], named.loc["b@x.org", "others_percent"]) == (80.0, 41.4)
    assert named.loc["b@x.org", "difference"] == 38.6
    assert "c@x.org" not in named.index                  # 2 observations: under the floor
    hidden = breakdowns.observer_calibration(counts, settings, show_names=False)
    assert sorted(hidden["observer"]) == ["Observer 1", "Observer 2"]
    assert not hidden["observer"].str.contains("@").any()


def test_observer_calibration_hides_a_rest_of_the_walk_under_the_floor(settings):
    """Beside one observer's own count, the rest of a walk made by a few observations would be
    those classrooms' result: it is left out, and so is the difference."""
    floor = settings.privacy.min_observations
    counts = pd.DataFrame({
        "window_id": ["Q1", "Q1"], "observer": ["a@x.org", "b@x.org"],
        "observations": [floor + 10, floor - 1 + floor], "ratings": [150, 100],
        "met": [90, 40], "others_observations": [2 * floor - 1, floor + 10],
        "others_ratings": [100, 150], "others_met": [40, 90]})
    frame = breakdowns.observer_calibration(counts, settings, show_names=True).set_index("observer")
    assert frame.loc["b@x.org", "others_percent"] == 60.0
    floor_counts = counts.assign(others_observations=[floor - 1, floor + 10])
    frame = breakdowns.observer_calibration(floor_counts, settings,
                                            show_names=True).set_index("observer")
    assert pd.isna(frame.loc["a@x.org", "others_percent"])
    assert pd.isna(frame.loc["a@x.org", "difference"])
    assert frame.loc["b@x.org", "others_percent"] == 60.0


def test_following_window_and_leading_lagging(settings):
    assert findings.following_window(settings, "walkthrough", "Q1", "2026-27") == "1"
    assert findings.following_window(settings, "walkthrough", "Q2", "2026-27") == "2"
    assert findings.following_window(settings, "walkthrough", "Q4", "2026-27") is None
    practice = pd.DataFrame({"school_code": list("ABCDEF"), "school_name": list("ABCDEF"),
                             "value": [20, 40, 60, 80, None, 50], "n": [10] * 6})
    outcome = pd.DataFrame({"school_code": list("ABCDEF"), "value": [30, 45, 62, 85, 50, 55],
                            "n": [50] * 6})
    pairs, r = findings.leading_lagging(practice, outcome)
    assert len(pairs) == 5 and r > 0.95
    _, none = findings.leading_lagging(practice.head(3), outcome)
    assert none is None


def _slides() -> list[Slide]:
    figure = go.Figure(go.Bar(x=["CA1", "CA2"], y=[40, 55]))
    chart = ChartData("bars", ["Core Action 1", "Core Action 2"],
                      [("Q2 2026-27", [18.0, 55.0]), ("Same walk last year", [22.0, None])],
                      goal=60.0)
    return [Slide("opening", "Learning walk Q2 2026-27: District", "as of today",
                  lines=["126 observations.", "Our next steps from Q1 2026-27:", "- coach"]),
            Slide("indicators", "Q2: Core Action 1 is lowest at 18% – below the goal",
                  "n = 126 observations · as of November 24, 2026", figure, chart=chart)]


def _pdf_text_sizes(path) -> list[tuple[str, float]]:
    """Every character drawn as text in a PDF with its size in points."""
    import pypdfium2.raw as raw

    sizes = []
    for page in pypdfium2.PdfDocument(path):
        text = page.get_textpage()
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char.strip():
                sizes.append((char, raw.FPDFText_GetFontSize(text.raw, i)))
    return sizes


def test_the_deck_exports_to_pdf_with_every_slide_title(tmp_path, artifacts):
    slides = _slides()
    pdf = deck_pdf(slides, {"indicators": Note("few CA1", "", "norm CA1")}, "Walk Q2",
                   dt.date(2026, 11, 24))
    path = tmp_path / "deck.pdf"
    path.write_bytes(pdf)
    document = pypdfium2.PdfDocument(path)
    assert len(document) == 2
    texts = []
    for number, page in enumerate(document, start=1):
        page.render(scale=1).to_pil().save(artifacts / f"deck-unit-page-{number}.png")
        texts.append(page.get_textpage().get_text_range())
    assert "Learning walk Q2 2026-27: District" in texts[0] and "coach" in texts[0]
    assert "Core Action 1 is lowest at 18%" in texts[1]
    assert "norm CA1" in texts[1] and "slide 2 of 2" in texts[1]
    # Read across a room: no text under 14 points, the title far larger.
    sizes = _pdf_text_sizes(path)
    assert min(size for _, size in sizes) >= 14
    assert max(size for _, size in sizes) >= 24
    # The chart is the room's figure, drawn at a scale that keeps its type over 14 points.
    assert charts.SLIDE_FONT_PX * PDF_MM_PER_PX / 0.3528 >= 14


def _font_sizes(figure: go.Figure) -> list[float]:
    """Every font size a figure sets, anywhere in its layout and traces (the template's
    defaults aside: the figure's own layout.font overrides them)."""
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "template":
                    continue
                if k == "size" and "font" in key and v is not None:
                    found.extend(v if isinstance(v, list | tuple) else [v])
                walk(v, k)
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item, key)
    walk(figure.to_plotly_json())
    return found


@given(st.sampled_from(["line", "bars", "stacked", "strip", "scatter"]),
       st.integers(1, 12), st.data())
def test_every_slide_chart_is_drawn_in_the_rooms_type(kind, count, data):
    """Whatever a slide's chart holds, every text it sets is at least SLIDE_FONT_PX (the
    template's smaller defaults never show), at most a dozen points are named, and a marked
    school is the one drawn larger and in another colour."""
    names = [f"School {i}" for i in range(count)]
    values = data.draw(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=count,
                                max_size=count))
    points = pd.DataFrame({"name": names,
                           "x": [v if v is not None else 50.0 for v in values],
                           "y": [100 - (v or 0) for v in values]})
    marked = names[:1] if data.draw(st.booleans()) else []
    chart = ChartData(kind, names if kind in ("line", "bars", "stacked") else [],
                      [("This year", values), ("Last year", values[::-1])]
                      if kind in ("line", "bars", "stacked") else [],
                      points=points if kind in ("strip", "scatter") else None,
                      goal=60.0, marked=marked, labelled=names[1:4])
    figure = charts.slide_figure(chart)
    assert figure.layout.font.size == charts.SLIDE_FONT_PX
    assert min(_font_sizes(figure)) >= charts.SLIDE_FONT_PX
    if kind in ("strip", "scatter"):
        dots = figure.data[0]
        named = [t for t in dots.text if t]
        assert set(named) == {*marked, *names[1:4]} and dots.mode == "markers+text"
        sizes = list(dots.marker.size)
        assert all(sizes[i] > sizes[j] for i, n in enumerate(names) if n in marked
                   for j, m in enumerate(names) if m not in marked)


def test_a_slide_chart_refuses_more_labels_than_a_room_reads():
    with pytest.raises(ValueError, match="at most 12"):
        ChartData("bars", [f"c{i}" for i in range(13)])
    with pytest.raises(ValueError, match="at most 12"):
        ChartData("strip", labelled=[f"School {i}" for i in range(13)])


@pytest.fixture
def settings():
    from monitor.config import load_settings
    return load_settings()


def _total_overlap(xs, ys, texts, places):
    from monitor.present.charts.labels import _overlap, label_boxes

    boxes = label_boxes(xs, ys, texts, places, width_px=1650, height_px=440, font_px=22)
    return sum(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_scatter_labels_are_placed_apart():
    """Two schools at nearly the same point (the demo's Mission Elementary and Dolores Huerta
    Middle at 61/76 and 62/76): their labels go to different sides, clear of each other."""
    from monitor.present.charts import place_labels

    xs, ys = [61, 62, 47, 39, 39.5, 24], [76, 76, 68, 58, 47, 45]
    texts = ["Mission Elementary", "Dolores Huerta Middle", "Sunset Elementary",
             "Oak Grove Elementary", "Riverside Elementary", "Thurgood Marshall Middle"]
    places = place_labels(xs, ys, texts, width_px=1650, height_px=440, font_px=22)
    assert _total_overlap(xs, ys, texts, ["top center"] * 6) > 0
    assert _total_overlap(xs, ys, texts, places) == 0


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100),
                          st.text(alphabet="abcdefgh ", min_size=3, max_size=30)),
                min_size=1, max_size=25))
def test_placed_labels_never_overlap_more_than_labels_all_on_top(points):
    from monitor.present.charts import place_labels

    xs, ys, texts = (list(column) for column in zip(*points, strict=True))
    places = place_labels(xs, ys, texts, width_px=1650, height_px=440, font_px=22)
    assert _total_overlap(xs, ys, texts, places) <= _total_overlap(
        xs, ys, texts, ["top center"] * len(xs))


@pytest.mark.parametrize("schools", [1, 12, 40, 41, 900])
def test_a_scatter_names_its_points_only_while_they_can_be_read(schools):
    """Up to LABELLED_POINTS schools each point carries its placed label; above it, points
    only, each naming its school on hover."""
    import numpy as np

    from monitor.present.charts import LABELLED_POINTS, leading_lagging_chart

    rng = np.random.default_rng(schools)
    frame = pd.DataFrame({"school_name": [f"School {i}" for i in range(schools)],
                          "value_practice": rng.uniform(0, 100, schools),
                          "value_outcome": rng.uniform(0, 100, schools),
                          "n_practice": 20, "n_outcome": 300})
    points = leading_lagging_chart(frame, "practice", "outcome").data[0]
    labelled = schools <= LABELLED_POINTS
    assert (points.mode == "markers+text") == labelled
    assert (points.meta == "placed labels") == labelled
    assert list(points.text) == list(frame["school_name"])      # on hover either way
    assert "%{text}" in points.hovertemplate


def test_the_deck_exports_to_powerpoint_with_every_slide_title_and_the_rooms_notes(tmp_path):
    """Each slide's title in its title placeholder (PowerPoint's outline and accessibility
    read it), its chart PowerPoint's own with the slide's values inside, the room's notes in
    the speaker notes, and no text set under 18 points."""
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    from monitor.present.debrief import PPTX_CHART_PT, deck_pptx

    points = pd.DataFrame({"name": ["Oak", "Elm", "Ash"], "x": [40.0, 55.0, 71.0],
                           "y": [50.0, 62.0, 80.0]})
    slides = [*_slides(), Slide("leading", "Practice went with results", "3 schools",
                                chart=ChartData("scatter", points=points, marked=["Elm"])),
              Slide("schools", "1 of 3 schools at the goal", "3 schools",
                    chart=ChartData("strip", points=points, goal=70.0, labelled=["Oak"]))]
    data = deck_pptx(slides, {"indicators": Note("few CA1", "", "norm CA1")}, "Walk Q2",
                     dt.date(2026, 11, 24))
    path = tmp_path / "deck.pptx"
    path.write_bytes(data)
    deck = Presentation(str(path))
    assert len(deck.slides) == 4
    for slide, page in zip(slides, deck.slides, strict=True):
        title = page.shapes.title
        assert title.is_placeholder and title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        assert title.text_frame.text == slide.title
        texts = [s.text_frame.text for s in page.shapes if s.has_text_frame]
        assert slide.caption in texts
        # Every run carries its own size (PowerPoint edits a run's size; a paragraph's
        # default only anchors it), none under 18 points.
        runs = [run for shape in page.shapes if shape.has_text_frame
                for paragraph in shape.text_frame.paragraphs for run in paragraph.runs]
        assert runs and all(run.font.size is not None and run.font.size.pt >= 18
                            for run in runs), [(r.text, r.font.size) for r in runs]
        assert not [s for s in page.shapes if s.shape_type == 13]      # no pictures
    assert "- coach" in " ".join(s.text_frame.text for s in deck.slides[0].shapes
                                 if s.has_text_frame)
    bars = [s.chart for s in deck.slides[1].shapes if s.has_chart]
    assert len(bars) == 1 and bars[0].font.size.pt >= PPTX_CHART_PT
    assert list(bars[0].plots[0].categories) == ["Core Action 1", "Core Action 2"]
    values = {series.name: list(series.values) for series in bars[0].plots[0].series}
    assert values["Q2 2026-27"] == [18.0, 55.0]
    assert values["Same walk last year"] == [22.0, None]
    assert values["Goal 60%"] == [60.0, 60.0]
    scatter = [s.chart for s in deck.slides[2].shapes if s.has_chart][0]
    assert list(scatter.plots[0].series[0].values) == [50.0, 62.0, 80.0]
    labels = [p.data_label.text_frame.text if p.data_label.has_text_frame else ""
              for p in scatter.plots[0].series[0].points]
    assert labels == ["", "Elm", ""]
    assert scatter.plots[0].series[0].points[1].data_label.text_frame.paragraphs[0].runs[
        0].font.size.pt >= 18
    # The strip: its dots, and the goal a line of its own named at its top.
    strip = [s.chart for s in deck.slides[3].shapes if s.has_chart][0]
    dots, goal = strip.plots[0].series
    assert goal.name == "Goal 70%" and list(goal.values) == [0.0, 1.0]
    assert goal.points[1].data_label.text_frame.text == "Goal 70%"
    assert [p.data_label.text_frame.text if p.data_label.has_text_frame else ""
            for p in dots.points] == ["Oak", "", ""]
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    assert "What we notice: few CA1" in notes and "Next steps: norm CA1" in notes
    footer = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    assert "slide 2 of 4" in footer
    assert deck.core_properties.title == "Walk Q2"


HOSTILE = ("![b](http://beacon.test/b.png) [Sign in again here](http://phish.test/login) "
           "$\\frac{1}{2}$ :red[alarm] <img src=x onerror=alert(1)> **bold**")


def test_hostile_text_in_a_deck_is_text_in_the_pdf_and_the_powerpoint(tmp_path):
    """People's words in a slide's lines and the room's notes are drawn as the characters
    typed: no link, picture or markup in the PDF or the PowerPoint."""
    from pptx import Presentation

    from monitor.present.debrief import deck_pptx

    slides = [Slide("cycle", "Cycle review", "School cycle", lines=[f"Focus: {HOSTILE}"])]
    notes = {"cycle": Note(HOSTILE, HOSTILE, HOSTILE)}
    pdf = deck_pdf(slides, notes, "Walk Q2", dt.date(2026, 11, 24))
    assert b"/URI" not in pdf and b"/Link" not in pdf and b"/XObject" not in pdf
    path = tmp_path / "deck.pdf"
    path.write_bytes(pdf)
    page = pypdfium2.PdfDocument(path)[0]
    shown = " ".join(page.get_textpage().get_text_range().split())
    assert "![b](http://beacon.test/b.png)" in shown and "<img src=x onerror=alert(1)>" in shown
    path = tmp_path / "deck.pptx"
    path.write_bytes(deck_pptx(slides, notes, "Walk Q2", dt.date(2026, 11, 24)))
    deck = Presentation(str(path))
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert any(f"Focus: {HOSTILE}" in t for t in texts)
    assert HOSTILE in deck.slides[0].notes_slide.notes_text_frame.text
    xml = b"".join(part.blob for part in deck.part.package.iter_parts())
    assert b"hlinkClick" not in xml and b"beacon.test/b.png\"" not in xml
