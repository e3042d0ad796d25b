"""Plotly figure factories: tidy frame in, `go.Figure` out. No Streamlit here.

One template and one colour-blind-safe palette (Okabe-Ito) are set here for every chart.
Suppressed values are never plotted; the point is left out and labelled with the frame's
`display` text ("n<10" or "suppressed", from monitor.trajectories) instead.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from monitor.goals import STATUS_LABELS
from monitor.text import chart as chart_text

# Okabe-Ito, safe for the common forms of colour blindness.
BLUE, ORANGE, VERMILLION, SKY, GREEN, GREY, BLACK = (
    "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#999999", "#000000")
TITLE_CHARS = 36              # a chart title's line (goal_trajectory_chart)
STATUS_COLOURS = {"met": BLUE, "approaching": ORANGE, "not met": VERMILLION, None: GREY}

pio.templates["monitor"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#222"),
        colorway=[BLUE, ORANGE, GREEN, VERMILLION, SKY, "#CC79A7", "#F0E442"],
        plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#888", automargin=True),
        yaxis=dict(gridcolor="#e5e5e5", zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=40, b=10),
        hoverlabel=dict(font_size=14),
    )
)
pio.templates.default = "monitor"


def status_colour(status: object) -> str:
    return STATUS_COLOURS[status if isinstance(status, str) else None]


def _percent_axis(fig: go.Figure, axis: str = "y", room: float = 0) -> None:
    """0-100% axis; `room` adds space past 100 for labels drawn outside bars."""
    ticks = [0, 20, 40, 60, 80, 100]
    fig.update_layout(**{f"{axis}axis": dict(range=[0, 105 + room], title=None, tickvals=ticks,
                                             ticktext=[f"{t}%" for t in ticks], automargin=True)})


def _annotate(fig: go.Figure, annotations: list[dict]) -> None:
    """Add text annotations in one layout update: Plotly's add_annotation copies and validates
    every annotation so far on each call (a 7 x 15 grid's labels took 0.7 s one by one)."""
    if annotations:
        fig.update_layout(annotations=[*fig.layout.annotations, *annotations])


def goal_trajectory_chart(frame: pd.DataFrame, measure_label: str,
                          comparison: pd.DataFrame | None = None,
                          comparison_label: str = "District",
                          first_window_empty: str | None = None) -> go.Figure:
    """Actual vs goal across a year's windows, last year faint behind.

    `frame` is monitor.trajectories.trajectory output; `comparison` (optional) another scope's
    trajectory, e.g. the district behind a school; `first_window_empty` what a closed first
    window with no one counted says instead of "no results" (registry.MeasureSpec).
    """
    fig = go.Figure()
    x = frame["window"]
    fig.add_trace(go.Scatter(
        x=x, y=frame["last_year"], name="Last year", mode="lines+markers",
        line=dict(color=GREY, width=2), marker=dict(size=6), opacity=0.55,
        hovertemplate="%{x} last year: %{y:.0f}%<extra></extra>",
    ))
    if comparison is not None:
        fig.add_trace(go.Scatter(
            x=comparison["window"], y=comparison["value"], name=comparison_label,
            mode="lines+markers", line=dict(color=SKY, width=2, dash="dot"),
            hovertemplate=f"%{{x}} {comparison_label}: %{{y:.0f}}%<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        x=x, y=frame["target"], name="Goal", mode="lines+markers",
        line=dict(color=BLACK, width=2, dash="dash"), marker=dict(symbol="line-ew-open", size=12),
        hovertemplate="%{x} goal: %{y:.0f}%<extra></extra>",
    ))
    if "projection" in frame and frame["projection"].notna().any():
        fig.add_trace(go.Scatter(
            x=x, y=frame["projection"], name="Projected at this rate", mode="lines",
            line=dict(color=BLUE, width=2, dash="dot"),
            hovertemplate="%{x} projected: %{y:.0f}%"
                          + (f" ({frame['projection_basis'].iloc[0]})"
                             if "projection_basis" in frame and frame["projection_basis"].notna()
                             .any() else "") + "<extra></extra>"))
    colours = [status_colour(s) for s in frame["status"]]
    labels = ["" if d == "-" else d for d in frame["display"]]
    fig.add_trace(go.Scatter(
        x=x, y=frame["value"], name="This year", mode="lines+markers+text",
        line=dict(color=BLUE, width=4), marker=dict(size=14, color=colours,
                                                    line=dict(color="white", width=2)),
        text=labels, textposition="top center", textfont=dict(size=16, color=BLUE),
        # The 95% interval: a small group's swing inside it is not a trend.
        error_y=dict(type="data", symmetric=False, color=BLUE, thickness=1.5, width=6,
                     array=(frame["ci_high"] - frame["value"]).astype(float).to_numpy(),
                     arrayminus=(frame["value"] - frame["ci_low"]).astype(float).to_numpy())
        if {"ci_low", "ci_high"} <= set(frame.columns) else None,
        customdata=frame[["n"]].to_numpy(),
        hovertemplate="%{x}: %{y:.0f}% (n=%{customdata[0]:,})<extra></extra>",
    ))
    notes = []
    for index, (window, state, n) in enumerate(
            zip(frame["window"], frame["state"], frame["n"], strict=True)):
        if state == "closed" and n == 0 and index == 0 and first_window_empty:
            # Nothing to count there by definition (`first_window_empty`): not a missing file.
            notes.append(dict(x=window, y=8, text=first_window_empty, showarrow=False,
                              font=dict(color=GREY, size=13)))
        elif state == "closed" and n == 0:
            notes.append(dict(x=window, y=8, text="no results", showarrow=False,
                              font=dict(color=VERMILLION, size=13)))
        elif state == "open":
            notes.append(dict(x=window, y=3, text="open", showarrow=False,
                              font=dict(color=GREY, size=12)))
    _annotate(fig, notes)
    _percent_axis(fig)
    # A long label wraps rather than running off a chart in a narrow column (a page's three
    # side by side are about 280 px wide: some 36 characters at this size).
    lines = textwrap.wrap(measure_label, TITLE_CHARS) or [""]
    # Room above the plot for the title's lines and a legend of two rows (it wraps there).
    extra = 20 * (len(lines) - 1)
    fig.update_layout(height=400 + extra,
                      title=dict(text="<br>".join(lines), font=dict(size=15), x=0, y=1,
                                 yref="container", yanchor="top", pad=dict(t=10)),
                      margin=dict(t=90 + extra))
    return fig


def school_status_chart(frame: pd.DataFrame, value_label: str) -> go.Figure:
    """Each school's value at a window as a bar coloured by status, its target as a tick."""
    data = frame.sort_values("value", ascending=True, na_position="first")
    # A school's name is text from a file: its tags shown, never drawn (monitor.text).
    data = data.assign(school_name=data["school_name"].map(chart_text))
    fig = go.Figure()
    for status in ("met", "approaching", "not met"):
        part = data[data["status"] == status]
        fig.add_trace(go.Bar(
            y=part["school_name"], x=part["value"], orientation="h", name=STATUS_LABELS[status],
            marker_color=STATUS_COLOURS[status], customdata=part[["n", "target"]].to_numpy(),
            hovertemplate="%{y}: %{x:.0f}% (n=%{customdata[0]:,}; goal %{customdata[1]:.0f}%)"
                          "<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        y=data["school_name"], x=data["target"], mode="markers", name="Goal",
        marker=dict(symbol="line-ns-open", size=16, color=BLACK, line=dict(width=3)),
        hovertemplate="%{y} goal: %{x:.0f}%<extra></extra>",
    ))
    hidden = data[data["value"].isna()]
    _annotate(fig, [dict(y=name, x=2, text="no data" if text == "-" else text, showarrow=False,
                         xanchor="left", font=dict(color=GREY))
                    for name, text in zip(hidden["school_name"], hidden["display"], strict=True)])
    _percent_axis(fig, "x")
    fig.update_layout(barmode="overlay", height=max(300, 22 * len(data) + 120),
                      yaxis=dict(title=None, categoryorder="array", automargin=True,
                                 categoryarray=list(data["school_name"])),
                      xaxis_title=value_label)
    return fig


def group_gap_chart(frame: pd.DataFrame) -> go.Figure:
    """Each student group's value beside all students', with the gap in the label."""
    data = frame.iloc[::-1]
    shown = data[data["value"].notna()]
    labels = [
        f"{v:.0f}%" if gid == "all" else f"{v:.0f}% ({g:+.0f})"
        for v, g, gid in zip(shown["value"], shown["gap_to_all"], shown["group_id"], strict=True)
    ]
    colours = [BLACK if gid == "all" else (VERMILLION if g < -5 else ORANGE if g < 0 else BLUE)
               for g, gid in zip(shown["gap_to_all"], shown["group_id"], strict=True)]
    fig = go.Figure(go.Bar(
        y=shown["group"], x=shown["value"], orientation="h", marker_color=colours,
        text=labels, textposition="outside", customdata=shown[["n"]].to_numpy(),
        hovertemplate="%{y}: %{x:.0f}% (n=%{customdata[0]:,})<extra></extra>", name="Value",
    ))
    everyone = frame.loc[frame["group_id"] == "all", "value"]
    if len(everyone) and pd.notna(everyone.iloc[0]):
        fig.add_vline(x=float(everyone.iloc[0]), line=dict(color=BLACK, dash="dot"))
    hidden = data[data["value"].isna()]
    _annotate(fig, [dict(y=name, x=2, text=text, showarrow=False, xanchor="left",
                         font=dict(color=GREY))
                    for name, text in zip(hidden["group"], hidden["display"], strict=True)])
    _percent_axis(fig, "x", room=15)
    fig.update_layout(height=max(300, 28 * len(data) + 80), showlegend=False,
                      yaxis=dict(title=None, categoryorder="array", automargin=True,
                                 categoryarray=list(data["group"])))
    return fig


def detail_chart(frame: pd.DataFrame, labels: dict[str, str], target: float | None,
                 this_label: str, last_label: str | None = None) -> go.Figure:
    """Bars per indicator or construct, this window against last year's same window."""
    fig = go.Figure()
    order = [k for k in labels if k in set(frame["detail"])]
    if last_label is not None and "last_year" in frame:
        last = frame.set_index("detail").reindex(order)
        fig.add_trace(go.Bar(
            y=[labels[k] for k in order], x=last["last_year"], orientation="h", name=last_label,
            marker_color=GREY, opacity=0.55,
            hovertemplate="%{y}: %{x:.0f}%<extra>" + last_label + "</extra>",
        ))
    now = frame.set_index("detail").reindex(order)
    if target is not None and pd.isna(target):      # a baseline window: no goal to draw
        target = None
    # Below the goal in vermilion; a suppressed or missing value draws no bar (and no colour).
    below = [target is not None and pd.notna(v) and v < target for v in now["value"]]
    fig.add_trace(go.Bar(
        y=[labels[k] for k in order], x=now["value"], orientation="h", name=this_label,
        marker_color=[VERMILLION if b else BLUE for b in below],
        text=[f"{v:.0f}%  n={int(n):,}" if pd.notna(v) else d for v, n, d in
              zip(now["value"], now["n"], now["display"], strict=True)],
        textposition="outside",
        hovertemplate="%{y}: %{x:.0f}%<extra>" + this_label + "</extra>",
    ))
    if target is not None:
        fig.add_vline(x=target, line=dict(color=BLACK, dash="dash"),
                      annotation_text=f"Goal {target:.0f}%", annotation_position="top")
    _percent_axis(fig, "x", room=20)
    fig.update_layout(barmode="group", height=max(320, 48 * len(order) + 100),
                      yaxis=dict(autorange="reversed", title=None, automargin=True))
    return fig


def comparison_chart(frame: pd.DataFrame) -> go.Figure:
    """State, county and district as reference lines; each school as a bar against them."""
    frame = frame.assign(entity=frame["entity"].map(chart_text))
    schools = frame[frame["level"] == "School"].sort_values("pct_met_above", na_position="first")
    # A hidden school's bar is its label ('n<11', 'suppressed'), never a value.
    labels = [f"{v:.0f}%" if pd.notna(v) else (label or "suppressed")
              for v, label in zip(schools["pct_met_above"],
                                  schools.get("hidden_label", pd.Series(None, index=schools.index)),
                                  strict=True)]
    fig = go.Figure(go.Bar(
        y=schools["entity"], x=schools["pct_met_above"].fillna(0), orientation="h",
        name="Schools", marker_color=SKY, text=labels, textposition="outside",
        cliponaxis=False, customdata=schools[["students_tested"]].to_numpy(),
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    styles = {"State": (GREY, "dot"), "County": (ORANGE, "dash"), "District": (BLUE, "solid")}
    # Reference lines are legend entries (their values are often too close for labels).
    for _, row in frame[frame["level"] != "School"].iterrows():
        if pd.isna(row["pct_met_above"]):
            continue
        colour, dash = styles[row["level"]]
        fig.add_trace(go.Scatter(
            x=[row["pct_met_above"]] * 2, y=[0, 1], yaxis="y2", mode="lines",
            line=dict(color=colour, dash=dash, width=3),
            name=f"{row['level']} {row['pct_met_above']:.0f}%",
            hovertemplate=f"{row['entity']}: %{{x:.0f}}%<extra></extra>"))
    _percent_axis(fig, "x")
    fig.update_layout(height=max(300, 22 * len(schools) + 140), showlegend=True,
                      yaxis=dict(title=None, automargin=True),
                      yaxis2=dict(overlaying="y", range=[0, 1], visible=False))
    return fig


CALENDAR_COLOURS = {"closed": GREY, "open": ORANGE, "upcoming": SKY}


def calendar_strip_chart(frame: pd.DataFrame, as_of) -> go.Figure:
    """The year's windows per measure on a date axis: closed, open now, or coming, with the
    count of schools whose results have arrived written on open and closed windows."""
    fig = go.Figure()
    for state, colour in CALENDAR_COLOURS.items():
        part = frame[frame["state"] == state]
        if part.empty:
            continue
        days = [(e - s).days + 1 for s, e in zip(part["start"], part["end"], strict=True)]
        text = [f"{w} {a}/{x}" if st != "upcoming" else w for w, a, x, st in zip(
            part["window"], part["schools_with_results"], part["schools_expected"],
            part["state"], strict=True)]
        fig.add_trace(go.Bar(
            y=part["label"], x=[d * 86_400_000 for d in days],
            base=[pd.Timestamp(s) for s in part["start"]], orientation="h", name=state.title(),
            marker_color=colour, text=text, textposition="inside", insidetextanchor="middle",
            customdata=part[["window", "schools_with_results", "schools_expected"]].to_numpy(),
            hovertemplate="%{y} %{customdata[0]}: results from %{customdata[1]} of "
                          "%{customdata[2]} schools<extra></extra>"))
    fig.add_vline(x=pd.Timestamp(as_of).value / 1e6, line=dict(color=BLACK, dash="dot"))
    fig.update_layout(barmode="overlay", height=60 + 34 * frame["label"].nunique(),
                      xaxis=dict(type="date", automargin=True),
                      yaxis=dict(title=None, autorange="reversed", automargin=True))
    return fig


# The California School Dashboard's five colours, drawn from the Okabe-Ito palette (its
# yellow for Yellow); every cell also says its colour in words.
DASHBOARD_FILL = {"Red": VERMILLION, "Orange": ORANGE, "Yellow": "#F0E442", "Green": GREEN,
                  "Blue": BLUE, None: "#eeeeee"}
_DARK_FILL = {"Red", "Green", "Blue"}


def dashboard_grid_chart(frame: pd.DataFrame) -> go.Figure:
    """Groups (rows) x measures (columns), each cell filled with its Dashboard colour and
    labelled with the colour's name, the value and the change from last year."""
    groups = list(dict.fromkeys(frame["group"]))
    measures = list(dict.fromkeys(frame["measure"]))
    names = list(DASHBOARD_FILL)
    cells = frame.set_index(["group", "measure"])
    z, text, hover = [], [], []
    for group in groups:
        z.append([]), text.append([]), hover.append([])
        for measure in measures:
            if (group, measure) not in cells.index:
                z[-1].append(names.index(None)), text[-1].append(""), hover[-1].append("")
                continue
            cell = cells.loc[(group, measure)]
            z[-1].append(names.index(cell["colour"] if isinstance(cell["colour"], str) else None))
            text[-1].append(cell["display"])
            status = cell["status_level"] if isinstance(cell["status_level"], str) else "-"
            change = cell["change_level"] if isinstance(cell["change_level"], str) \
                else "no last year"
            hover[-1].append(f"{cell['window']}; status {status}, {change.lower()}")
    # A discrete colour scale: each colour index owns one band of [0, 1].
    steps = len(names)
    scale = []
    for i, name in enumerate(names):
        scale += [[i / steps, DASHBOARD_FILL[name]], [(i + 1) / steps, DASHBOARD_FILL[name]]]
    fig = go.Figure(go.Heatmap(
        z=z, x=measures, y=groups, zmin=-0.5, zmax=steps - 0.5, colorscale=scale,
        showscale=False, xgap=3, ygap=3, customdata=hover,
        hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>"))
    _annotate(fig, [dict(x=measure, y=group, text=text[i][j], showarrow=False,
                         font=dict(size=13, color="white" if names[z[i][j]] in _DARK_FILL
                                   else BLACK))
                    for i, group in enumerate(groups) for j, measure in enumerate(measures)])
    fig.update_layout(height=max(320, 40 * len(groups) + 90),
                      xaxis=dict(side="top", showline=False, title=None),
                      yaxis=dict(autorange="reversed", showgrid=False, title=None,
                                 automargin=True))
    return fig


def _dumbbell(labels: pd.Series, starts: pd.Series, ends: pd.Series, start_name: str,
              start_hover: str) -> go.Figure:
    """One grey line per label from its start to its end, with the starts as grey dots; the
    caller adds the ends in colour."""
    # One trace of every line, broken between labels (None), rather than a trace per label.
    xs = [x for start, end in zip(starts, ends, strict=True) for x in (start, end, None)]
    ys = [y for label in labels for y in (label, label, None)]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#bbbbbb", width=3),
                               showlegend=False, hoverinfo="skip", connectgaps=False))
    fig.add_trace(go.Scatter(x=starts, y=labels, mode="markers", name=start_name,
                             marker=dict(color=GREY, size=11), hovertemplate=start_hover))
    return fig


def gap_change_chart(frame: pd.DataFrame) -> go.Figure:
    """Each group's gap to all students last year (grey) and now (blue when closing,
    vermilion when widening, grey when steady), joined by a line."""
    colours = {"closing": BLUE, "widening": VERMILLION, "steady": GREY}
    fig = _dumbbell(frame["group"], frame["gap_last_year"], frame["gap"], "Last year",
                    "%{y} last year: %{x:+.0f} points<extra></extra>")
    for trend, colour in colours.items():
        part = frame[frame["trend"] == trend]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["gap"], y=part["group"], mode="markers+text", name=f"Now ({trend})",
            marker=dict(color=colour, size=14, symbol="diamond"),
            text=[f"{g:+.0f} ({trend})" for g in part["gap"]], textposition="middle right",
            hovertemplate="%{y} now: %{x:+.0f} points<extra></extra>"))
    fig.add_vline(x=0, line=dict(color=BLACK, dash="dot"),
                  annotation_text="All students", annotation_position="top")
    values = pd.concat([frame["gap"], frame["gap_last_year"], pd.Series([0.0])])
    fig.update_layout(height=max(300, 34 * len(frame) + 120),
                      xaxis=dict(title="Gap to all students (points)", zeroline=False,
                                 range=[float(values.min()) - 4, float(values.max()) + 14]),
                      yaxis=dict(title=None, automargin=True, categoryorder="array",
                                 categoryarray=list(frame["group"])[::-1]))
    return fig


RATING_COLOURS = {"Not Yet": VERMILLION, "Somewhat": ORANGE, "Mostly": SKY, "Yes": BLUE}


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


# Where a point's label may go, tried in this order; (dx, dy) of the label's centre from the
# point in units of (half the label's width, half its height), screen y upwards.
LABEL_PLACES = {"top center": (0, 1), "bottom center": (0, -1), "middle right": (1, 0),
                "middle left": (-1, 0), "top right": (1, 1), "top left": (-1, 1),
                "bottom right": (1, -1), "bottom left": (-1, -1)}


def label_boxes(xs, ys, texts, places, *, width_px: float, height_px: float,
                font_px: float, x_range=(0, 105), y_range=(0, 105)) -> list[tuple]:
    """Each label's box (left, bottom, right, top) in plot pixels, for a scatter drawn
    `width_px` x `height_px` over the axis ranges (text widths estimated from the font)."""
    boxes = []
    for x, y, text, place in zip(xs, ys, texts, places, strict=True):
        px = (x - x_range[0]) / (x_range[1] - x_range[0]) * width_px
        py = (y - y_range[0]) / (y_range[1] - y_range[0]) * height_px
        w, h = 0.56 * font_px * len(str(text)), 1.25 * font_px
        dx, dy = LABEL_PLACES[place]
        cx, cy = px + dx * (w / 2 + 8), py + dy * (h / 2 + 8)
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return boxes


def _overlap(a: tuple, b: tuple) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def place_labels(xs, ys, texts, *, width_px: float, height_px: float,
                 font_px: float, others=()) -> list[str]:
    """A text position per point such that labels overlap neither each other nor the points
    (greedy, crowded points first; the least overlap where nothing is free). `others`: the
    (x, y) of points drawn without a label, which a label avoids too."""
    xs, ys = list(map(float, xs)), list(map(float, ys))
    centres = [(x / 105 * width_px, y / 105 * height_px) for x, y in zip(xs, ys, strict=True)]
    # A point's marker as a small box around it (the unlabelled after the labelled).
    markers = [(cx - 7, cy - 7, cx + 7, cy + 7) for cx, cy in centres + [
        (float(x) / 105 * width_px, float(y) / 105 * height_px) for x, y in others]]
    crowd = [sum(1 for c in centres if abs(c[0] - o[0]) + abs(c[1] - o[1]) < 120)
             for o in centres]
    order = sorted(range(len(xs)), key=lambda i: (-crowd[i], -ys[i], xs[i]))
    chosen: dict[int, str] = {}
    placed: list[tuple] = []
    for i in order:
        best, best_cost = "top center", float("inf")
        for place in LABEL_PLACES:
            box = label_boxes([xs[i]], [ys[i]], [texts[i]], [place], width_px=width_px,
                              height_px=height_px, font_px=font_px)[0]
            cost = sum(_overlap(box, other) for other in placed)
            cost += sum(_overlap(box, m) for j, m in enumerate(markers) if j != i)
            # Off the plot counts as overlap too.
            cost += max(0.0, -box[0]) * 50 + max(0.0, box[2] - width_px) * 50
            if cost < best_cost:
                best, best_cost = place, cost
            if cost == 0:
                break
        chosen[i] = best
        placed.append(label_boxes([xs[i]], [ys[i]], [texts[i]], [best], width_px=width_px,
                                  height_px=height_px, font_px=font_px)[0])
    return [chosen[i] for i in range(len(xs))]


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
    target on the end line. `review` is a monitor.cycles.Review."""
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
    moved since the term before. `frame`: row, term, stage; `labels`, what each row is called
    on the axis (default: the row)."""
    at = {(r, t): s for r, t, s in zip(frame["row"], frame["term"], frame["stage"], strict=True)}
    z, text = [], []
    for row in rows:
        values, words, before = [], [], None
        for term in terms:
            stage = at.get((row, term))
            values.append(None if stage is None else stages.index(stage))
            arrow = ""
            if stage is not None and before is not None and stage != before:
                arrow = " ↑" if stages.index(stage) > stages.index(before) else " ↓"
            words.append("" if stage is None else stage + arrow)
            before = stage if stage is not None else before
        z.append(values)
        text.append(words)
    last = len(stages) - 1
    # Light to mid blues: black text reads on every one of them.
    scale = [[0.0, "#F0F7FC"], [1 / 3, "#C6DBEF"], [2 / 3, "#8DBEE0"], [1.0, "#5A9BD0"]]
    fig = go.Figure(go.Heatmap(
        z=z, x=terms, y=rows, text=text, texttemplate="%{text}", zmin=0, zmax=last,
        colorscale=scale, showscale=False, xgap=3, ygap=3, hoverongaps=False,
        textfont=dict(size=15, color=BLACK),
        hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>"))
    fig.update_layout(height=max(260, 52 * len(rows) + 90),
                      xaxis=dict(side="top", title=None, type="category"),
                      yaxis=dict(autorange="reversed", title=None, automargin=True,
                                 type="category", tickvals=rows, ticktext=labels or rows))
    return fig


# -- the room's charts (slides, the PDF, as PowerPoint draws them natively) ------------------
SLIDE_FONT_PX = 22          # read from the back of a room: nothing smaller on a slide
SERIES_COLOURS = {"This year": BLUE, "Last year": "#b9b9b9", "Start": "#b9b9b9", "Now": BLUE}


def strip_heights(count: int) -> list[float]:
    """Where a strip's dots stand up and down (0-1), by their order, so that none hides
    another: the same in the projected chart and PowerPoint's."""
    return [0.3 + 0.4 * ((i * 7) % 10) / 10 for i in range(count)]


def _wrapped(label: str, width: int = 48) -> str:
    """A category's label as text (its tags shown, not drawn), on lines of about `width`
    characters: a long indicator name takes two lines, not half the slide."""
    import textwrap

    return "<br>".join(chart_text(line) for line in textwrap.wrap(label, width) or [""])


def slide_figure(data, *, font_px: int = SLIDE_FONT_PX) -> go.Figure:
    """A slide's chart (monitor.debrief.ChartData) for the projector: every text at `font_px`,
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
