"""The room's charts: a slide's ChartData (monitor.present.debrief) drawn for the projector,
22 px type, values in the labels, the goal a named dashed line; a strip of schools with the
furthest named."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from monitor.present.charts.labels import _wrapped, place_labels
from monitor.present.charts.palette import (
    BLACK,
    BLUE,
    GREY,
    ORANGE,
    RATING_COLOURS,
    SERIES_COLOURS,
    SLIDE_FONT_PX,
    _annotate,
    _percent_axis,
)
from monitor.text import chart as chart_text


def strip_heights(count: int) -> list[float]:
    """Where a strip's dots stand up and down (0-1), by their order, so that none hides
    another: the same in the projected chart and PowerPoint's."""
    return [0.3 + 0.4 * ((i * 7) % 10) / 10 for i in range(count)]


def slide_figure(data, *, font_px: int = SLIDE_FONT_PX) -> go.Figure:
    """A slide's chart (monitor.present.debrief.ChartData) for the projector: every text at `font_px`,
    the legend under the plot, values in the category labels (no number on a bar for a goal
    line to cross), at most a dozen things named. Sized by its container (no height): the
    slide gives it the screen's room."""
    fig = go.Figure()
    font = dict(size=font_px)
    if data.kind == "line":
        for name, values in data.series:
            goal = name == data.goal_series
            fig.add_trace(go.Scatter(
                x=data.categories, y=values, name=name, mode="lines" if goal else "lines+markers",
                connectgaps=False, line=dict(width=5 if not goal else 3,
                                             dash="dash" if goal else "solid",
                                             color=GREY if goal else SERIES_COLOURS.get(name)),
                marker=dict(size=16)))
        _percent_axis(fig, "y")
        fig.update_yaxes(title=data.y_title or None)
    elif data.kind in ("bars", "stacked"):
        stacked = data.kind == "stacked"
        first = data.series[0][1] if data.series else []
        ticks = [_wrapped(f"{c}  {'' if v is None or pd.isna(v) else f'{v:.0f}%'}".rstrip()
                          if not stacked else c)
                 for c, v in zip(data.categories, first, strict=True)]
        for number, (name, values) in enumerate(data.series):
            colour = (list(RATING_COLOURS.values())[number % 4] if stacked
                      else SERIES_COLOURS.get(name, [BLUE, "#b9b9b9", ORANGE][number % 3]))
            fig.add_trace(go.Bar(
                y=ticks, x=values, name=name, orientation="h", marker_color=colour,
                text=[f"{v:.0f}%" if stacked and v is not None and not pd.isna(v) and v >= 12
                      else "" for v in values] if stacked else None,
                textposition="inside" if stacked else None, insidetextanchor="middle",
                textfont=dict(size=font_px, color="white")))
        fig.update_layout(barmode="stack" if stacked else "group",
                          yaxis=dict(autorange="reversed", title=None, automargin=True))
        _percent_axis(fig, "x")
        fig.update_xaxes(title=data.x_title or None)
    elif data.kind in ("strip", "scatter"):
        points = data.points.reset_index(drop=True)
        strip = data.kind == "strip"
        xs = points["x"].astype(float).tolist()
        # A strip's dots spread a little up and down, by their order, so that none hides
        # another; a scatter's stand where they are.
        ys = strip_heights(len(points)) if strip else points["y"].astype(float).tolist()
        names = points["name"].tolist()
        named = [n in data.marked or n in data.labelled for n in names]
        marked = [n in data.marked for n in names]
        # The names ride on their own dots (plotly sets a label off by its marker's size).
        chosen = [i for i, n in enumerate(named) if n]
        places = ["top center"] * len(names)
        if chosen:
            width, height = 1500, 420 if strip else 520
            scale = 105 if strip else 1
            for i, place in zip(chosen, place_labels(
                    [xs[i] for i in chosen], [ys[i] * scale for i in chosen],
                    [chart_text(names[i]) for i in chosen], width_px=width,
                    height_px=height, font_px=font_px,
                    others=[(xs[i], ys[i] * scale) for i in range(len(names))
                            if not named[i]]), strict=True):
                places[i] = place
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers+text", name="Schools", showlegend=False,
            text=[chart_text(n) if named[i] else "" for i, n in enumerate(names)],
            textposition=places, textfont=dict(size=font_px, color=BLACK),
            meta="placed labels" if chosen else None,
            # The named stand out (the school's own in orange, larger): the unnamed are
            # the field they stand in.
            marker=dict(size=[26 if m else 20 if n else 16
                              for m, n in zip(marked, named, strict=True)],
                        color=[ORANGE if m else BLUE if n or not chosen else "#9cc9e8"
                               for m, n in zip(marked, named, strict=True)],
                        line=dict(color="white", width=2)),
            hovertext=[chart_text(n) for n in names], hoverinfo="text"))
        _percent_axis(fig, "x")
        fig.update_xaxes(title=data.x_title or None)
        if strip:
            fig.update_yaxes(visible=False, range=[0, 1])
            fig.update_xaxes(zeroline=False)
        else:
            _percent_axis(fig, "y")
            fig.update_yaxes(title=data.y_title or None)
            # The axes meet a little below and left of 0%, so that the two "0%" do not.
            fig.update_xaxes(range=[-4, 105])
            fig.update_yaxes(range=[-6, 105])
    if data.goal is not None and data.kind != "line":
        # The goal as a line, named above the plot where nothing else is drawn.
        fig.add_vline(x=data.goal, line=dict(color=BLACK, dash="dash", width=3),
                      layer="below")
        _annotate(fig, [dict(x=data.goal, y=1, yref="paper", yanchor="bottom",
                             text=f"Goal {data.goal:.0f}%", showarrow=False,
                             font=dict(size=font_px))])
    fig.update_layout(
        font=font, height=None, autosize=True, title=None,
        legend=dict(orientation="h", yanchor="top", y=-0.14, xanchor="left", x=0,
                    font=font, traceorder="normal"),
        margin=dict(l=10, r=30, t=50, b=10), hoverlabel=dict(font_size=font_px))
    fig.update_xaxes(tickfont=font, title_font=font)
    fig.update_yaxes(tickfont=font, title_font=font)
    return fig
