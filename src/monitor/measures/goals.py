"""Goals and status: the target at each window (configured points, or a straight line from the
baseline to a year-end goal), met / approaching / not met, and the California School
Dashboard's colours of status and change."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import SetGoal, Settings

StatusName = Literal["met", "approaching", "not met"]

# How a status reads, wherever it is written.
STATUS_LABELS = {"met": "Met", "approaching": "Approaching", "not met": "Not met", None: "No data"}


def goal_table(settings: Settings, measure: str, school: str | None = None,
               subject: str | None = None) -> dict[str, float]:
    """The goals (window id -> target) that apply to a school (None: the district) and subject
    (None: every subject pooled); see `goal_source`."""
    return goal_source(settings, measure, school, subject)[0]


def goal_source(settings: Settings, measure: str, school: str | None = None,
                subject: str | None = None) -> tuple[dict[str, float], SetGoal | str]:
    """The goal table that applies and where it came from, the most particular first: the
    school's goals set in the product for the subject, then for every subject, then its goals
    in config.toml (`school_goals`); then the district's set in the product for the subject,
    for every subject, and config.toml's. Where it came from is the SetGoal, or SCHOOL_CONFIG /
    DISTRICT_CONFIG. A table replaces the less particular ones whole (never window by window:
    a trajectory is one person's decision)."""
    config = settings.measures[measure]
    chosen = {(g.school, g.subject): g for g in settings.goals_set if g.measure == measure}
    for where in ((school, None) if school else (None,)):
        for about in ((subject, None) if subject else (None,)):
            found = chosen.get((where, about))
            if found is not None:
                return found.targets, found
        if where is not None and where in config.school_goals:
            return config.school_goals[where], SCHOOL_CONFIG
    return config.goals, DISTRICT_CONFIG


SCHOOL_CONFIG, DISTRICT_CONFIG = "school_config", "district_config"


def goal_subjects(measure: str) -> tuple[str | None, ...]:
    """The subjects a goal may be set for: every subject pooled (None) where the measure
    pools them, and each reported subject."""
    spec = registry.spec(measure)
    pooled = (None,) if spec.pool_subjects and None not in spec.subjects else ()
    return (*pooled, *spec.subjects)


def origin_text(settings: Settings, measure: str, school: str | None = None,
                subject: str | None = None, *, reason: bool = False) -> str:
    """Where the goal that applies came from, in words ("set Sep 3 by the district office:
    close a third of the gap"; a school on the district's goal says so first); with
    `reason`, the words its setter gave too."""
    table, source = goal_source(settings, measure, school, subject)
    if not table:
        return "no goal set"
    if source == DISTRICT_CONFIG:
        return "the district's default (config.toml)"
    if source == SCHOOL_CONFIG:
        return "the school's own default (config.toml)"
    whose = "" if (source.school or None) == school else "the district's goal, "
    text = f"{whose}set {source.set_on:%b %-d, %Y} by {source.set_by}"
    if source.proposed_by:
        text += f" (proposed by {source.proposed_by})"
    if source.basis:
        text += f": {source.basis}"
    if reason and source.reason:
        text += f". Why: {source.reason}"
    return text


def goal_for(settings: Settings, measure: str, window_id: str,
             school: str | None = None, subject: str | None = None) -> float | None:
    """The trajectory target at a window: configured points, linear between them.

    The goals of the school and subject apply (`goal_source`). Windows before the first
    configured point are the baseline (no target); after the last, the last target holds.
    """
    goals = goal_table(settings, measure, school, subject)
    order = settings.calendar_for(measure).ids
    if window_id not in order or not goals:
        return None
    points = sorted((order.index(w), target) for w, target in goals.items())
    position = order.index(window_id)
    if position < points[0][0]:
        return None
    xs, ys = zip(*points, strict=True)
    return float(np.interp(position, xs, ys))


def year_end_only(settings: Settings, measure: str, school: str | None = None,
                  subject: str | None = None) -> bool:
    """True when a measure's only goal is at its calendar's last window."""
    goals = goal_table(settings, measure, school, subject)
    return list(goals) == [settings.calendar_for(measure).ids[-1]]


def target_at(settings: Settings, measure: str, window_id: str, school: str | None,
              baseline: float | None, subject: str | None = None) -> float | None:
    """The target at a window. A measure with only a year-end goal gets a straight line from
    its baseline (the value at the first window) to that goal; otherwise `goal_for`."""
    if not year_end_only(settings, measure, school, subject):
        return goal_for(settings, measure, window_id, school, subject)
    ids = settings.calendar_for(measure).ids
    position = ids.index(window_id) if window_id in ids else -1
    goal = goal_for(settings, measure, ids[-1], school, subject)
    if position == len(ids) - 1:
        return goal
    if position <= 0 or baseline is None or pd.isna(baseline):
        return None
    return round(float(baseline + (goal - baseline) * position / (len(ids) - 1)), 1)


def targets(settings: Settings, measure: str, window_ids: pd.Series, schools: pd.Series,
            baselines: pd.Series, subject: str | None = None) -> pd.Series:
    """`target_at` over many rows (school "district" for the district): the goals worked out
    once per window and school, the straight line from a baseline over arrays."""
    ids = settings.calendar_for(measure).ids
    last = len(ids) - 1
    # Schools without goals of their own share the district's: one set of goals per window
    # for all of them.
    own = set(settings.measures[measure].school_goals) | {
        g.school for g in settings.goals_set
        if g.measure == measure and g.school and g.subject in (None, subject)}
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
        at = goal_for(settings, measure, window, school, subject)
        end = goal_for(settings, measure, ids[-1], school, subject)
        goal[i] = np.nan if at is None else at
        final[i] = np.nan if end is None else end
        year_end[i] = year_end_only(settings, measure, school, subject)
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
