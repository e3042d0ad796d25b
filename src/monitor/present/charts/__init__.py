"""Plotly figure factories: tidy frame in, `go.Figure` out. No Streamlit here.

One template and one colour-blind-safe palette (Okabe-Ito) are set here for every chart.
Suppressed values are never plotted; the point is left out and labelled with the frame's
`display` text ("n<10" or "suppressed", from monitor.views.trajectories) instead.

The figures live by what they draw (pages, walks, slides), on one palette and label placer;
this package gives them all under one name (`charts.goal_trajectory_chart`).
"""

from monitor.present.charts.labels import LABEL_PLACES, label_boxes, place_labels
from monitor.present.charts.pages import (
    calendar_strip_chart,
    comparison_chart,
    dashboard_grid_chart,
    detail_chart,
    gap_change_chart,
    goal_trajectory_chart,
    group_gap_chart,
    school_status_chart,
)
from monitor.present.charts.palette import (
    _DARK_FILL,
    BLACK,
    BLUE,
    CALENDAR_COLOURS,
    DASHBOARD_FILL,
    GREEN,
    GREY,
    ORANGE,
    RATING_COLOURS,
    SERIES_COLOURS,
    SKY,
    SLIDE_FONT_PX,
    STATUS_COLOURS,
    TITLE_CHARS,
    VERMILLION,
    status_colour,
)
from monitor.present.charts.slides import slide_figure, strip_heights
from monitor.present.charts.walks import (
    LABELLED_POINTS,
    cycle_chart,
    leading_lagging_chart,
    observer_chart,
    rating_chart,
    reflection_chart,
)

__all__ = ["BLACK", "BLUE", "CALENDAR_COLOURS", "DASHBOARD_FILL", "GREEN", "GREY",
           "LABELLED_POINTS", "LABEL_PLACES", "ORANGE", "RATING_COLOURS", "SERIES_COLOURS", "SKY",
           "SLIDE_FONT_PX", "STATUS_COLOURS", "TITLE_CHARS", "VERMILLION", "_DARK_FILL",
           "calendar_strip_chart", "comparison_chart", "cycle_chart", "dashboard_grid_chart",
           "detail_chart", "gap_change_chart", "goal_trajectory_chart", "group_gap_chart",
           "label_boxes", "leading_lagging_chart", "observer_chart", "place_labels",
           "rating_chart", "reflection_chart", "school_status_chart", "slide_figure",
           "status_colour", "strip_heights"]
