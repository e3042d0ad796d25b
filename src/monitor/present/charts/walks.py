"""The learning walk's and the cycles' figures: ratings by core action, practice beside
outcomes, observers' calibration, a cycle's indicators against their targets, the system
reflection's grid."""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from monitor.present.charts.labels import place_labels
from monitor.present.charts.pages import _dumbbell
from monitor.present.charts.palette import BLACK, BLUE, GREY, RATING_COLOURS, VERMILLION, _percent_axis
from monitor.text import chart as chart_text


def rating_chart(frame: pd.DataFrame, walks: dict[str, str]) -> go.Figure:
    """Core Actions 2 and 3: the share of observations at each rating, one bar per walk."""
    names = {"ca2": "Core Action 2", "ca3": "Core Action 3"}
    rows = [f"{names[c]} · {walks.get(w, w)}" for c, w in zip(frame["core_action"],
                                                               frame["window_id"], strict=True)]
    data = frame.assign(row=rows)
    fig = go.Figure()
    for label, colour in RATING_COLOURS.items():
        part = data[data["label"] == label]
        fig.add_trace(go.Bar(
            y=part["row"], x=part["percent"], orientation="h", name=label, marker_color=colour,
            text=[f"{p:.0f}%" for p in part["percent"]], textposition="inside",
            customdata=part[["n", "total"]].to_numpy(),
            hovertemplate="%{y}: " + label + " %{x:.0f}% (%{customdata[0]} of "
                          "%{customdata[1]} observations)<extra></extra>"))
    order = list(dict.fromkeys(rows))
    fig.update_layout(barmode="stack", height=max(260, 46 * len(order) + 110),
                      xaxis=dict(range=[0, 100], ticksuffix="%", title=None),
                      yaxis=dict(autorange="reversed", categoryorder="array",
                                 categoryarray=order, title=None, automargin=True))
    return fig


# Above this many schools a scatter's points are not labelled (each names its school on
# hover): the labels would cover each other and the chart.
LABELLED_POINTS = 40


def leading_lagging_chart(frame: pd.DataFrame, practice_label: str, outcome_label: str,
                          show_labels: bool = True) -> go.Figure:
    """One point per school, labelled up to LABELLED_POINTS schools: practice observed on a
    walk against the outcome in the following window."""
    show_labels = show_labels and 0 < len(frame) <= LABELLED_POINTS
    frame = frame.assign(school_name=frame["school_name"].map(chart_text))
    fig = go.Figure(go.Scatter(
        x=frame["value_practice"], y=frame["value_outcome"],
        mode="markers+text" if show_labels else "markers",
        text=frame["school_name"], textfont=dict(size=12),
        textposition=place_labels(frame["value_practice"], frame["value_outcome"],
                                  frame["school_name"], width_px=900, height_px=400, font_px=12)
        if show_labels else "top center",
        meta="placed labels" if show_labels else None,
        marker=dict(size=11, color=BLUE, line=dict(color="white", width=1)),
        customdata=frame[["n_practice", "n_outcome"]].to_numpy(),
        hovertemplate="%{text}: %{x:.0f}% of indicator ratings meeting, %{y:.0f}% proficient "
                      "(%{customdata[0]} observations, %{customdata[1]} students)<extra></extra>",
        name="School"))
    if len(frame) >= 2:
        slope, intercept = np.polyfit(frame["value_practice"], frame["value_outcome"], 1)
        xs = np.array([frame["value_practice"].min(), frame["value_practice"].max()])
        fig.add_trace(go.Scatter(x=xs, y=slope * xs + intercept, mode="lines", name="Trend",
                                 line=dict(color=GREY, dash="dash"), hoverinfo="skip"))
    _percent_axis(fig, "x")
    _percent_axis(fig, "y")
    fig.update_layout(height=520, xaxis_title=practice_label, yaxis_title=outcome_label)
    return fig


def observer_chart(frame: pd.DataFrame) -> go.Figure:
    """Each observer's percent meeting against the rest of the walk's observers."""
    data = frame.sort_values("difference")
    fig = _dumbbell(data["observer"], data["others_percent"], data["percent"],
                    "Everyone else on the walk", "Others: %{x:.0f}%<extra></extra>")
    fig.add_trace(go.Scatter(
        x=data["percent"], y=data["observer"], mode="markers+text", name="This observer",
        marker=dict(color=BLUE, size=13, symbol="diamond"),
        text=[f"{d:+.0f}" for d in data["difference"]], textposition="middle right",
        hovertemplate="%{y}: %{x:.0f}% of ratings meeting<extra></extra>"))
    _percent_axis(fig, "x", room=10)
    fig.update_layout(height=max(280, 30 * len(data) + 120),
                      yaxis=dict(title=None, automargin=True, categoryorder="array",
                                 categoryarray=list(data["observer"])))
    return fig


def cycle_chart(review, title_dates: str) -> go.Figure:
    """An improvement cycle's indicators over time: each indicator's values (practice solid,
    results dashed), the cycle's dates shaded, each start value on the start line and each
    target on the end line. `review` is a monitor.writing.cycles.Review."""
    cycle = review.cycle
    fig = go.Figure()
    fig.add_vrect(x0=cycle.starts_on, x1=cycle.ends_on, fillcolor="#0072B2", opacity=0.07,
                  line_width=0, annotation_text=title_dates, annotation_position="top left")
    colours = [BLUE, VERMILLION, "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    for number, r in enumerate(review.indicators):
        colour = colours[number % len(colours)]
        dash = "solid" if r.indicator.kind == "leading" else "dash"
        kind = "practice" if r.indicator.kind == "leading" else "results"
        shown = r.points[r.points["value"].notna()] if len(r.points) else r.points
        fig.add_trace(go.Scatter(
            x=list(shown["date"]), y=list(shown["value"]), mode="lines+markers",
            name=f"{r.label} ({kind})", line=dict(color=colour, dash=dash, width=3),
            customdata=list(shown["window"]),
            hovertemplate="%{customdata}: %{y:.0f}%<extra>" + r.label + "</extra>"))
        if r.start is not None:
            fig.add_trace(go.Scatter(
                x=[cycle.starts_on], y=[r.start], mode="markers", showlegend=False,
                marker=dict(color=colour, size=11, symbol="circle-open", line_width=2),
                hovertemplate=f"Start: {r.start:.0f}%<extra>{r.label}</extra>"))
        fig.add_trace(go.Scatter(
            x=[cycle.ends_on], y=[r.target], mode="markers+text", showlegend=False,
            marker=dict(color=colour, size=14, symbol="star"),
            text=[f"Target {r.target:.0f}%"], textposition="middle right",
            textfont=dict(color=colour),
            hovertemplate=f"Target: {r.target:.0f}%<extra>{r.label}</extra>"))
    _percent_axis(fig, "y")
    # The half year before the cycle for context, and room after it for the targets' labels.
    span = dict(range=[cycle.starts_on - dt.timedelta(days=183),
                       cycle.ends_on + dt.timedelta(days=45)])
    fig.update_layout(height=420, xaxis=dict(title=None, type="date", **span),
                      legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))
    return fig



def reflection_chart(frame: pd.DataFrame, rows: list[str], terms: list[str],
                     stages: tuple[str, ...], labels: list[str] | None = None) -> go.Figure:
    """Where each lever stood each term: a grid of levers (rows) by terms (columns), each cell
    its stage in words and shaded by it (lightest Plan to deepest Deepen), with an arrow where it
    moved since the term before and a pencil where the district wrote a note (shown on hover).
    `frame`: row, term, stage (and note); `labels`, what each row is called on the axis
    (default: the row)."""
    notes = frame["note"] if "note" in frame else pd.Series("", index=frame.index)
    at = {(r, t): (s, n) for r, t, s, n in zip(frame["row"], frame["term"], frame["stage"],
                                               notes.fillna(""), strict=True)}
    z, text, hover = [], [], []
    for row in rows:
        values, words, said, before = [], [], [], None
        for term in terms:
            stage, note = at.get((row, term), (None, ""))
            values.append(None if stage is None else stages.index(stage))
            arrow = ""
            if stage is not None and before is not None and stage != before:
                arrow = " ↑" if stages.index(stage) > stages.index(before) else " ↓"
            words.append("" if stage is None else stage + arrow + (" ✎" if note else ""))
            said.append("<br>".join(chart_text(line) for line in textwrap.wrap(note, 60))
                        if note else
                        "no note")
            before = stage if stage is not None else before
        z.append(values)
        text.append(words)
        hover.append(said)
    last = len(stages) - 1
    # Light to mid blues: black text reads on every one of them.
    scale = [[0.0, "#F0F7FC"], [1 / 3, "#C6DBEF"], [2 / 3, "#8DBEE0"], [1.0, "#5A9BD0"]]
    fig = go.Figure(go.Heatmap(
        z=z, x=terms, y=rows, text=text, texttemplate="%{text}", zmin=0, zmax=last,
        colorscale=scale, showscale=False, xgap=3, ygap=3, hoverongaps=False,
        textfont=dict(size=15, color=BLACK),
        customdata=hover,
        hovertemplate="%{y}<br>%{x}: %{text}<br>%{customdata}<extra></extra>"))
    fig.update_layout(height=max(260, 52 * len(rows) + 90),
                      xaxis=dict(side="top", title=None, type="category"),
                      yaxis=dict(autorange="reversed", title=None, automargin=True,
                                 type="category", tickvals=rows, ticktext=labels or rows))
    return fig
