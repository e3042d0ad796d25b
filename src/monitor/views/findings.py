"""What the numbers say, in words and in order: chart titles, what moved since a date, who needs
attention, whether practice moved before results, and when the windows report."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.measures.selection import window_state
from monitor.registry import MeasureId
from monitor.views.measures_table import latest_rows
from monitor.views.trajectories import latest_point, shown_n, signed_points


def finding(subject: str, frame: pd.DataFrame, min_n: int) -> str:
    """A chart title that states what the trajectory shows, e.g.
    'ELA benchmark: 51% at BM1, 9 points below the 60% goal'."""
    point = latest_point(frame)
    if point is None:
        return f"{subject}: no results yet this year"
    if point["value"] is None or pd.isna(point["value"]):
        label = point.get("hidden_label")
        if label and label.startswith("n<"):
            return f"{subject}: {point['window']} has too few to show ({label})"
        return f"{subject}: {point['window']} is suppressed to protect a small group"
    value, target = float(point["value"]), point["target"]
    text = f"{subject}: {value:.0f}% at {point['window']}"
    if target is None or pd.isna(target):
        text += " (baseline window, no goal)"
    elif value >= target:
        text += f", at or above the {target:.0f}% goal"
    else:
        gap = round(target - value)
        text += (f", just under the {target:.0f}% goal" if gap == 0 else
                 f", {gap} point{'s' if gap != 1 else ''} below the {target:.0f}% goal")
    if point["state"] == "open":
        text += " (window still open)"
    change = point["change_last_year"]
    if change is not None and not pd.isna(change):
        text += f"; {signed_points(change)} vs last year"
    return text


def needs_attention(tables: dict[str, pd.DataFrame], school_names: dict[str, str],
                    group_labels: dict[str, str], school_year: str,
                    headline: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Schools and student groups off track, in the order a superintendent acts on them.

    `tables` maps a label to a measure's measures table; `headline` names the labels of the
    headline measures; `group_labels` maps the table's group names (see `group_name`) to labels.
    A series needs attention when at its latest window it is not met and either below
    trajectory for the last two windows, slipping (down on the prior window or last year), or
    more than 10 points short.

    Ranked first whole schools (and the district) on headline measures, then whole schools on
    the others, then student groups; within each, by how many students (or observations) short
    of the goal the series is (the gap times n: a small group far below goal is fewer people
    to reach than a large school a little below), then by the gap. Columns: who, measure,
    window, value, target, gap, n, short, why, whole (a whole school or the district, not a
    student group).
    """
    found = []
    for label, table in tables.items():
        rows = latest_rows(table, school_year)
        rows = rows[(rows["status"] == "not met") & rows["value"].notna()]
        # Only the series with a reason, and column by column (a row tuple of every column
        # of a 900-school table is most of the time this takes).
        prior, last_year = rows["change_prior_window"], rows["change_last_year"]
        rows = rows[rows["below_trajectory_last_two"].astype(bool) | (prior.round() <= -1)
                    | (last_year.round() <= -1) | (rows["target"] - rows["value"] > 10)]
        columns = ("below_trajectory_last_two", "change_prior_window", "change_last_year",
                   "target", "value", "school", "group", "window_label", "n")
        for below, prior, last_year, target, value, school, group, window, n in zip(
                *(rows[c].tolist() for c in columns), strict=True):
            reasons = []
            if below:
                reasons.append("below trajectory at the last two windows")
            # (A fall that rounds to no point is not given as a reason: "0 points below".)
            if pd.notna(prior) and round(prior) <= -1:
                reasons.append(f"down {abs(prior):.0f} points since the last window")
            if pd.notna(last_year) and round(last_year) <= -1:
                reasons.append(f"{abs(last_year):.0f} points below last year")
            gap = target - value
            if gap > 10:
                reasons.append(f"{gap:.0f} points short of the {target:.0f}% goal")
            name = "District" if school == "district" else school_names.get(school, school)
            whole = group == "all"
            n = shown_n(n)
            found.append({
                "who": name if whole else f"{name}: {group_labels.get(group, group)}",
                "measure": label, "window": window,
                "value": value, "target": target, "gap": round(gap, 1), "n": n,
                "short": None if n is None else int(np.ceil(gap * n / 100 - 1e-9)),
                "why": "; ".join(reasons), "whole": whole,
                "_tier": 0 if whole and label in headline else 1 if whole else 2})
    frame = pd.DataFrame(found, columns=["who", "measure", "window", "value", "target", "gap",
                                         "n", "short", "why", "whole", "_tier"])
    frame = frame.sort_values(["_tier", "short", "gap"], ascending=[True, False, False],
                              na_position="last")
    return frame.drop(columns="_tier").reset_index(drop=True)


def following_window(settings: Settings, measure: str, walk_window: str, school_year: str,
                     outcome: str = MeasureId.BENCHMARK) -> str | None:
    """The first window of `outcome` that opens after `measure`'s window ends, same year."""
    window = next(w for w in settings.calendar_for(measure).windows if w.id == walk_window)
    end = window.dates(school_year)[1]
    for candidate in settings.calendar_for(outcome).windows:
        if candidate.dates(school_year)[0] > end:
            return candidate.id
    return None


def leading_lagging(practice: pd.DataFrame, outcome: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    """Each school's walkthrough value beside its outcome in the following window (both from
    `by_school`), schools with both values only, and the correlation across schools (None
    with fewer than 5 schools)."""
    merged = practice[["school_code", "school_name", "value", "n"]].merge(
        outcome[["school_code", "value", "n"]], on="school_code",
        suffixes=("_practice", "_outcome"))
    merged = merged.dropna(subset=["value_practice", "value_outcome"]).reset_index(drop=True)
    if len(merged) < 5:
        return merged, None
    return merged, round(float(merged["value_practice"].corr(merged["value_outcome"])), 2)


def assessment_calendar(settings: Settings, coverage: pd.DataFrame, school_year: str,
                        as_of: dt.date) -> pd.DataFrame:
    """Every window of every measure this school year: dates, state on the as-of date, and how
    many of the schools that take it (results in this year or last) have results in it.

    `coverage` is queries/coverage_by_school_window.sql (source, school_year, window_id,
    school_code, n). Columns: measure, source, calendar, label, window_id, window, start, end,
    state, schools_with_results, schools_expected.
    """
    rows = []
    listed = set()
    for measure, config in settings.measures.items():
        # A measure counted from another's rows on its calendar (teacher growth, from the
        # learning walks) shares its windows: listed once, under the first.
        shared = (registry.spec(measure).source, config.calendar)
        if shared in listed:
            continue
        listed.add(shared)
        source = coverage[coverage["source"] == registry.spec(measure).source]
        expected = source["school_code"].dropna().nunique()
        this_year = source[source["school_year"] == school_year]
        calendar = settings.calendar_for(measure)
        for window in calendar.windows:
            start, end = window.dates(school_year)
            arrived = this_year.loc[this_year["window_id"] == window.id, "school_code"].nunique()
            rows.append({"measure": measure, "source": shared[0], "calendar": shared[1],
                         "label": config.label, "window_id": window.id,
                         "window": window.label, "start": start, "end": end,
                         "state": window_state(start, end, as_of),
                         "schools_with_results": arrived, "schools_expected": expected})
    return pd.DataFrame(rows)


def waiting_for_schools(settings: Settings, calendar: pd.DataFrame, measure: str,
                        window_id: str) -> str | None:
    """Why a district status is held at a window, or None: the window is open and fewer than
    `status.reported_share` of the schools that take the measure have results in it (e.g.
    '1 of 31 schools in'). `calendar` is `assessment_calendar` output."""
    found = np.flatnonzero(
        (calendar["source"].to_numpy(dtype=object) == registry.spec(measure).source)
        & (calendar["calendar"].to_numpy(dtype=object) == settings.measures[measure].calendar)
        & (calendar["window_id"].to_numpy(dtype=object) == window_id))
    if not len(found) or calendar["state"].iloc[found[0]] != "open":
        return None
    arrived, expected = int(calendar["schools_with_results"].iloc[found[0]]), int(
        calendar["schools_expected"].iloc[found[0]])
    if expected and arrived < settings.status.reported_share * expected:
        return f"{arrived} of {expected} schools in"
    return None
