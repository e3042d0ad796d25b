"""Goals and status: the target at each window (configured points, or a straight line from the
baseline to a year-end goal), met / approaching / not met, and the California School
Dashboard's colours of status and change."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from monitor.config import Settings

StatusName = Literal["met", "approaching", "not met"]

# How a status reads, wherever it is written.
STATUS_LABELS = {"met": "Met", "approaching": "Approaching", "not met": "Not met", None: "No data"}


def goal_for(settings: Settings, measure: str, window_id: str,
             school: str | None = None) -> float | None:
    """The trajectory target at a window: configured points, linear between them.

    A school's own goals replace the district's where configured. Windows before the first
    configured point are the baseline (no target); after the last, the last target holds.
    """
    config = settings.measures[measure]
    goals = config.school_goals.get(school or "", config.goals)
    order = settings.calendar_for(measure).ids
    if window_id not in order or not goals:
        return None
    points = sorted((order.index(w), target) for w, target in goals.items())
    position = order.index(window_id)
    if position < points[0][0]:
        return None
    xs, ys = zip(*points, strict=True)
    return float(np.interp(position, xs, ys))


def year_end_only(settings: Settings, measure: str, school: str | None = None) -> bool:
    """True when a measure's only goal is at its calendar's last window."""
    config = settings.measures[measure]
    goals = config.school_goals.get(school or "", config.goals)
    return list(goals) == [settings.calendar_for(measure).ids[-1]]


def target_at(settings: Settings, measure: str, window_id: str, school: str | None,
              baseline: float | None) -> float | None:
    """The target at a window. A measure with only a year-end goal gets a straight line from
    its baseline (the value at the first window) to that goal; otherwise `goal_for`."""
    if not year_end_only(settings, measure, school):
        return goal_for(settings, measure, window_id, school)
    ids = settings.calendar_for(measure).ids
    position = ids.index(window_id) if window_id in ids else -1
    goal = goal_for(settings, measure, ids[-1], school)
    if position == len(ids) - 1:
        return goal
    if position <= 0 or baseline is None or pd.isna(baseline):
        return None
    return round(float(baseline + (goal - baseline) * position / (len(ids) - 1)), 1)


def targets(settings: Settings, measure: str, window_ids: pd.Series, schools: pd.Series,
            baselines: pd.Series) -> pd.Series:
    """`target_at` over many rows (school "district" for the district): the goals worked out
    once per window and school, the straight line from a baseline over arrays."""
    ids = settings.calendar_for(measure).ids
    last = len(ids) - 1
    # Schools without goals of their own share the district's: one set of goals per window
    # for all of them.
    own = settings.measures[measure].school_goals
    school_codes, school_names = pd.factorize(schools.to_numpy())
    goals_of = np.array([name if name in own else "district" for name in school_names], object)
    window_codes, windows = pd.factorize(window_ids.to_numpy())
    goal_codes, goal_names = pd.factorize(goals_of[school_codes] if len(school_codes) else
                                          np.array([], object))
    width = max(len(goal_names), 1)
    unique, codes = np.unique(window_codes.astype(np.int64) * width + goal_codes,
                              return_inverse=True)
    goal, year_end, final, position = (np.empty(len(unique)) for _ in range(4))
    for i, code in enumerate(unique):
        window, school = windows[code // width], goal_names[code % width]
        school = None if school == "district" else school
        at, end = goal_for(settings, measure, window, school), goal_for(settings, measure,
                                                                        ids[-1], school)
        goal[i] = np.nan if at is None else at
        final[i] = np.nan if end is None else end
        year_end[i] = year_end_only(settings, measure, school)
        position[i] = ids.index(window) if window in ids else -1
    goal, year_end, final, position = goal[codes], year_end[codes].astype(bool), final[codes], \
        position[codes]
    baseline = pd.to_numeric(baselines, errors="coerce").to_numpy(float)
    on_line = year_end & (position > 0) & (position < last) & ~np.isnan(baseline)
    line = np.full(len(codes), np.nan)
    if on_line.any():
        exact = baseline[on_line] + (final[on_line] - baseline[on_line]) * position[on_line] / last
        # Rounded as target_at rounds (Python's round, exact on the decimal), once per value.
        values, back = np.unique(exact, return_inverse=True)
        line[on_line] = np.array([round(float(v), 1) for v in values])[back]
    found = np.where(year_end, np.where(position == last, final, line), goal)
    return pd.Series(found, index=window_ids.index)


def status_of(value: float | None, target: float | None, band: float) -> StatusName | None:
    """Met, approaching or not met; None where there is no value or no goal (a baseline
    window's missing target arrives as None or as NaN: both mean no goal)."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    return _status(np.array([value], float), np.array([target], float), band)[0]


def statuses(values: pd.Series, targets: pd.Series, band: float) -> pd.Series:
    """`status_of` over many rows."""
    return pd.Series(_status(values.to_numpy(float), targets.to_numpy(float), band),
                     index=values.index)


def _status(value: np.ndarray, target: np.ndarray, band: float) -> np.ndarray:
    """The status rule, once: met at or above the target, approaching within `band` points
    below it, otherwise not met; None without a value or a target."""
    out = np.select([value >= target, value >= target - band], ["met", "approaching"],
                    "not met").astype(object)
    out[np.isnan(value) | np.isnan(target)] = None
    return out


# The California School Dashboard's way of combining where a group is (status) with how it
# moved (change): five colours from a 5 x 5 table. Status here is the distance from the goal
# at the window, in points; change is against the same window last year, in points, with the
# cut points the Dashboard uses for rates (maintained within 1 point, significant from 5).
STATUS_LEVELS = ("Very low", "Low", "Medium", "High", "Very high")


CHANGE_LEVELS = ("Declined significantly", "Declined", "Maintained", "Increased",
                 "Increased significantly")


DASHBOARD_COLOURS = {   # status level -> colour per change level (in CHANGE_LEVELS order)
    "Very high": ("Yellow", "Green", "Blue", "Blue", "Blue"),
    "High": ("Orange", "Yellow", "Green", "Green", "Blue"),
    "Medium": ("Orange", "Orange", "Yellow", "Green", "Green"),
    "Low": ("Red", "Orange", "Orange", "Yellow", "Yellow"),
    "Very low": ("Red", "Red", "Red", "Orange", "Yellow"),
}


DASHBOARD_ORDER = ("Red", "Orange", "Yellow", "Green", "Blue")


def status_level(value: float, target: float) -> str:
    distance = value - target
    cuts = ((10, "Very high"), (0, "High"), (-10, "Medium"), (-20, "Low"))
    return next((level for cut, level in cuts if distance >= cut), "Very low")


def change_level(change: float) -> str:
    if change >= 5:
        return "Increased significantly"
    if change >= 1:
        return "Increased"
    if change > -1:
        return "Maintained"
    return "Declined" if change > -5 else "Declined significantly"


def dashboard_colour(value: float | None, target: float | None,
                     change: float | None) -> str | None:
    """The Dashboard colour of a value against its target and its change from last year;
    None when any of the three is missing (no goal yet, no prior year, or suppressed)."""
    if any(x is None or pd.isna(x) for x in (value, target, change)):
        return None
    row = DASHBOARD_COLOURS[status_level(value, target)]
    colour = row[CHANGE_LEVELS.index(change_level(change))]
    # Blue is the colour every page gives a goal met: never a result below its goal.
    return "Green" if colour == "Blue" and value < target else colour
