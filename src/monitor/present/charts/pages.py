"""The pages' figures: goal trajectories, schools by status, group gaps, details, the
state-test comparison, the calendar strip, the Dashboard-style grid and gap changes."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from monitor.measures.goals import STATUS_LABELS
from monitor.present.charts.labels import signed_points
from monitor.present.charts.palette import (
    _DARK_FILL,
    BLACK,
    BLUE,
    CALENDAR_COLOURS,
    DASHBOARD_FILL,
    GREY,
    ORANGE,
    SKY,
    STATUS_COLOURS,
    TITLE_CHARS,
    TITLE_LINE,
    VERMILLION,
    _annotate,
    _percent_axis,
    status_colour,
)
from monitor.text import chart as chart_text


def goal_trajectory_chart(frame: pd.DataFrame, measure_label: str,
                          comparison: pd.DataFrame | None = None,
                          comparison_label: str = "District",
                          first_window_empty: str | None = None) -> go.Figure:
    """Actual vs goal across a year's windows, last year faint behind.

    `frame` is monitor.views.trajectories.trajectory output; `comparison` (optional) another scope's
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
    # Plotly anchors a title of several lines by its first line's baseline, so the lines
    # above it rise out of the figure: the padding grows by a line's height per extra line.
    extra = TITLE_LINE * (len(lines) - 1)
    fig.update_layout(height=400 + 2 * extra,
                      title=dict(text="<br>".join(lines), font=dict(size=15), x=0, y=1,
                                 yref="container", yanchor="top", pad=dict(t=10 + extra)),
                      margin=dict(t=90 + 2 * extra))
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
        f"{v:.0f}%" if gid == "all" or pd.isna(g) else f"{v:.0f}% ({signed_points(g)})"
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
            text=[f"{signed_points(g)} ({trend})" for g in part["gap"]],
            textposition="middle right",
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
