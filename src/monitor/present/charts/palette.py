"""One template and one colour-blind-safe palette (Okabe-Ito) for every chart, the colours
that mean a goal status, a calendar state, a Dashboard performance level or a walk's rating, and
the axis and annotation helpers every figure shares."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe-Ito, safe for the common forms of colour blindness.
BLUE, ORANGE, VERMILLION, SKY, GREEN, GREY, BLACK = (
    "#0072B2", "#E69F00", "#D55E00", "#56B4E9", "#009E73", "#999999", "#000000")
TITLE_CHARS = 36              # a chart title's line (goal_trajectory_chart)
TITLE_LINE = 19               # the height of one of its lines at 15 px type, in px
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


CALENDAR_COLOURS = {"closed": GREY, "open": ORANGE, "upcoming": SKY}


# The California School Dashboard's five colours, drawn from the Okabe-Ito palette (its
# yellow for Yellow); every cell also says its colour in words.
DASHBOARD_FILL = {"Red": VERMILLION, "Orange": ORANGE, "Yellow": "#F0E442", "Green": GREEN,
                  "Blue": BLUE, None: "#eeeeee"}
_DARK_FILL = {"Red", "Green", "Blue"}


RATING_COLOURS = {"Not Yet": VERMILLION, "Somewhat": ORANGE, "Mostly": SKY, "Yes": BLUE}


SLIDE_FONT_PX = 22          # read from the back of a room: nothing smaller on a slide
SERIES_COLOURS = {"This year": BLUE, "Last year": "#b9b9b9", "Start": "#b9b9b9", "Now": BLUE}
