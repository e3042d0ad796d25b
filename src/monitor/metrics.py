"""Measures, goal trajectories, status and small-n suppression: the product's one way to count.

`measure_cells` fetches the counts behind a measure (queries/measure_cells.sql) and everything
else here is a pure function over those counts, so the district, a school, a grade band and a
student group are all computed the same way, and suppression happens before any page, chart
or export sees a value.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from monitor import lattice, privacy, registry
from monitor.config import Settings, previous_school_year
from monitor.db import Database
from monitor.ingest.common import GRADE_BANDS, GRADE_ORDER
from monitor.items import ITEMS_BY_ID

StatusName = Literal["met", "approaching", "not met"]
LEVEL_RANKS = {"Standard Exceeded": 4, "Standard Met": 3, "Standard Nearly Met": 2,
               "Standard Not Met": 1}
def reported_subjects(db: Database, measure: str) -> list[str | None]:
    """The subjects the measures table reports a measure in by default: for learning walks
    every subject pooled, then each subject observed (Science, History... as well as ELA and
    Math); for the others their registry subjects."""
    if measure == "walkthrough":
        return [None, *db.query("walkthrough_subjects")["subject"]]
    return list(registry.spec(measure).subjects)


class Filters(BaseModel):
    """The user's choices, shared by every page. Frozen, so it is a hashable cache key."""

    model_config = ConfigDict(frozen=True)

    school_year: str
    school: str | None = None          # school code; None = district
    subject: str | None = None         # None = all subjects pooled
    observed_subject: str | None = None  # learning walks: the subject observed; None = all
    grade: str | None = None           # a grade (TK, K, 1..12) or a GRADE_BANDS key
    group: str = "all"                 # a configured group id, or "all"
    window: str | None = None          # view as of the end of this window of the reference
    #                                    calendar (REFERENCE_MEASURE's); None = the as-of date

    def grades(self) -> list[str] | None:
        if self.grade is None:
            return None
        return list(GRADE_BANDS.get(self.grade, (self.grade,)))


# The calendar the window filter is chosen from: the district's benchmark cadence.
REFERENCE_MEASURE = "benchmark"


def window_choices(settings: Settings, school_year: str | None = None) -> dict[str, str]:
    """The window filter's choices: window id -> label, from the reference calendar; with a
    school year, only the windows that had opened by the as-of date in that year."""
    windows = settings.calendar_for(REFERENCE_MEASURE).windows
    if school_year is not None:
        as_of = settings.as_of_date()
        windows = [w for w in windows if w.dates(school_year)[0] <= as_of]
    return {w.id: w.label for w in windows}


def view_date(settings: Settings, filters: Filters) -> dt.date:
    """The date the view stands on: the as-of date, or with a window chosen, the end of that
    window in the filters' school year (never later than the as-of date)."""
    as_of = settings.as_of_date()
    calendar = settings.calendar_for(REFERENCE_MEASURE)
    window = next((w for w in calendar.windows if w.id == filters.window), None)
    if window is None:
        return as_of
    return min(as_of, window.dates(filters.school_year)[1])


def windows_through(settings: Settings, measure: str, school_year: str,
                    cutoff: dt.date) -> list[str]:
    """The measure's windows in view on `cutoff` in `school_year`. On the as-of date (the
    present): every window that has opened. On an earlier date (a past window chosen): only the
    windows that had closed by then, since a window still open then holds results gathered
    after it (a survey open all autumn is not shown 'as it stood' on October 20)."""
    present = cutoff >= settings.as_of_date()
    return [w.id for w in settings.calendar_for(measure).windows
            if w.dates(school_year)[0 if present else 1] <= cutoff]


def table_through(table: pd.DataFrame, settings: Settings, measure: str,
                  filters: Filters) -> pd.DataFrame:
    """A measures table without the filters' year's windows that open after the view date."""
    if filters.window is None:
        return table
    shown = windows_through(settings, measure, filters.school_year, view_date(settings, filters))
    return table[(table["year"] != filters.school_year) | table["window"].isin(shown)]


def subject_of(measure: str, filters: Filters) -> str | None:
    """The subject a measure is filtered to: learning walks by the subject observed (None =
    every subject), surveys by survey (the student survey unless one is named: surveys of
    different people never pool), the others by the subject filter (None = pooled)."""
    if measure == "walkthrough":
        return filters.observed_subject
    if not registry.spec(measure).pool_subjects and filters.subject is None:
        return registry.spec(measure).subjects[0]
    return filters.subject


def rule_parameters(settings: Settings, measure: str) -> dict[str, object]:
    """The bound parameters of measure_outcomes() for a measure, from config.toml."""
    loading = settings.loading
    growth = settings.measures["iready_growth"].growth_expectation
    top = settings.surveys.favorable_top
    return {
        "measure": measure,
        "esgi_cut": loading.esgi_cut_percent,
        "proficient_rank": LEVEL_RANKS[loading.proficient_level],
        "percent_cut": loading.percent_correct_cut,
        "growth_windows": list(growth) or ["-"],
        "growth_values": list(growth.values()) or [0.0],
        "exclude_rushed": loading.exclude_rushed,
        "favorable_top5": top.get("5", 2),
        "favorable_top7": top.get("7", 3),
        # A list that is never empty, so DuckDB knows its type.
        "reversed_items": [*settings.surveys.reversed_items, "-"],
        # Survey details: constructs, or with "item" each item (pooled values are the same).
        "survey_detail": "construct",
    }


def measure_cells(db: Database, settings: Settings, measure: str, filters: Filters,
                  years: list[str] | None = None, survey_items: bool = False,
                  schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One measure's cells per (school_year, window_id, scope, detail, group_id), from the
    protected measures lattice (monitor.lattice): the filters' subject and grade (or band),
    the filters' school year and the one before it.

    `scope` is a school code or privacy.DISTRICT. A hidden cell has no value and no counts
    (`n` NaN) and `suppressed` with its `hidden_label`; `present` says a cell has results,
    shown or not. Rows with `all_details` pool every detail (measures without details have
    their rows twice, pooled and not). Survey details are constructs, or items with
    `survey_items`. With `schools` (a principal's), only the district and those schools,
    protected for that principal's view (monitor.lattice.principal_view).
    """
    years = years or [previous_school_year(filters.school_year), filters.school_year]
    subject = subject_of(measure, filters)
    frame = lattice.read(db, settings, measure, years,
                         lattice.POOLED if subject is None else subject,
                         filters.grade or lattice.POOLED, schools)
    frame["present"] = frame["suppressed"] | (frame["n_records"].fillna(0) > 0)
    frame = frame[frame["present"]]
    pooled = frame["detail"] == lattice.POOLED
    if measure == "survey":
        items = frame["detail"].isin(ITEMS_BY_ID)
        frame = frame[pooled | (items if survey_items else ~items)]
        pooled = frame["detail"] == lattice.POOLED
    frame = frame.assign(all_details=pooled, detail=frame["detail"].where(~pooled, None))
    if not registry.spec(measure).details:
        frame = pd.concat([frame, frame.assign(all_details=False)], ignore_index=True)
    return frame.reset_index(drop=True)


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


def status_of(value: float | None, target: float | None, band: float) -> StatusName | None:
    """Met, approaching or not met; None where there is no value or no goal (a baseline
    window's missing target arrives as None or as NaN: both mean no goal)."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    if value >= target:
        return "met"
    return "approaching" if value >= target - band else "not met"


def targets(settings: Settings, measure: str, window_ids: pd.Series, schools: pd.Series,
            baselines: pd.Series) -> pd.Series:
    """`target_at` over many rows (school "district" for the district), worked out once per
    window, school and, for a measure with only a year-end goal, baseline."""
    frame = pd.DataFrame({"window": window_ids.to_numpy(), "school": schools.to_numpy(),
                          "baseline": pd.to_numeric(baselines, errors="coerce").to_numpy()})
    year_end = {s: year_end_only(settings, measure, None if s == "district" else s)
                for s in frame["school"].unique()}
    frame["baseline"] = frame["baseline"].where(frame["school"].map(year_end).astype(bool))
    unique = frame.drop_duplicates(ignore_index=True)
    unique["target"] = [
        target_at(settings, measure, w, None if s == "district" else s,
                  None if pd.isna(b) else float(b))
        for w, s, b in zip(unique["window"], unique["school"], unique["baseline"], strict=True)]
    found = frame.merge(unique, how="left", on=["window", "school", "baseline"])["target"]
    return pd.Series(found.to_numpy(float), index=window_ids.index)


def statuses(values: pd.Series, targets: pd.Series, band: float) -> pd.Series:
    """`status_of` over many rows."""
    value, target = values.to_numpy(float), targets.to_numpy(float)
    out = np.select([value >= target, value >= target - band], ["met", "approaching"],
                    "not met").astype(object)
    out[np.isnan(value) | np.isnan(target)] = None
    return pd.Series(out, index=values.index)


def window_state(start: dt.date, end: dt.date, as_of: dt.date) -> str:
    return "upcoming" if as_of < start else "open" if as_of <= end else "closed"


def scope(cells: pd.DataFrame, filters: Filters, detail: str | None = None,
          by_detail: bool = False, schools: bool = False) -> pd.DataFrame:
    """The protected cells of the filters' group and school (the district when none).

    Pooled over details unless one is named; `by_detail=True` keeps each detail's own rows;
    `schools=True` gives every school's rows instead of the filters' one scope.
    """
    if by_detail or detail is not None:
        rows = cells[~cells["all_details"]]
        if detail is not None:
            rows = rows[rows["detail"] == detail]
    else:
        rows = cells[cells["all_details"]]
    rows = rows[rows["group_id"] == filters.group]
    if schools:
        return rows[~rows["scope"].isin([privacy.DISTRICT, privacy.UNPLACED])]
    return rows[rows["scope"] == (filters.school or privacy.DISTRICT)]


def trajectory(cells: pd.DataFrame, settings: Settings, measure: str, filters: Filters,
               detail: str | None = None) -> pd.DataFrame:
    """One row per window of the measure's calendar, this year and last, for the filters' scope.

    Columns: window_id, window, state (closed / open / upcoming on the as-of date), value, n,
    target, status, last_year, last_year_n, change_prior_window, change_last_year, suppressed.
    """
    as_of = view_date(settings, filters)
    sums = scope(cells, filters, detail)
    calendar = settings.calendar_for(measure)
    state_date = as_of
    if filters.window is not None:
        # Viewing as of a past window: the windows that opened after it are left out, and the
        # chosen window itself has closed.
        state_date = as_of + dt.timedelta(days=1)
        shown = set(windows_through(settings, measure, filters.school_year, as_of))
        sums = sums[(sums["school_year"] != filters.school_year) | sums["window_id"].isin(shown)]
    rows = []
    last_year = previous_school_year(filters.school_year)
    band = settings.status.approaching_band
    first = sums[(sums["school_year"] == filters.school_year)
                 & (sums["window_id"] == calendar.ids[0])]["value"]
    baseline = first.iloc[0] if len(first) else None
    for window in calendar.windows:
        now = sums[(sums["school_year"] == filters.school_year) & (sums["window_id"] == window.id)]
        then = sums[(sums["school_year"] == last_year) & (sums["window_id"] == window.id)]
        value = now["value"].iloc[0] if len(now) else None
        target = target_at(settings, measure, window.id, filters.school, baseline)
        rows.append({
            "window_id": window.id, "window": window.label,
            "state": window_state(*window.dates(filters.school_year), state_date),
            "value": None if value is None or pd.isna(value) else float(value),
            "n": shown_n(now["n"].iloc[0]) if len(now) else 0,
            "present": bool(len(now)),
            "suppressed": bool(now["suppressed"].iloc[0]) if len(now) else False,
            "hidden_label": now["hidden_label"].iloc[0] if len(now) else None,
            "ci_low": now["ci_low"].iloc[0] if len(now) else None,
            "ci_high": now["ci_high"].iloc[0] if len(now) else None,
            "target": target,
            "status": status_of(value, target, band),
            "last_year": (None if not len(then) or pd.isna(then["value"].iloc[0])
                          else float(then["value"].iloc[0])),
            "last_year_n": shown_n(then["n"].iloc[0]) if len(then) else 0,
            "last_year_present": bool(len(then)),
        })
    frame = pd.DataFrame(rows)
    values = pd.to_numeric(frame["value"], errors="coerce")
    frame["change_prior_window"] = (values - values.ffill().shift(1)).round(1)
    frame["change_last_year"] = (values - pd.to_numeric(frame["last_year"], errors="coerce")).round(1)
    closed = frame["state"] == "closed"
    projects = registry.spec(measure).projects
    frame["projection"] = _projected_line(values, closed) if projects else [None] * len(frame)
    known = frame[closed & values.notna()]["window"]
    frame["projection_basis"] = (f"the change per window from {known.iloc[0]} to "
                                 f"{known.iloc[-1]} (closed windows) carried on"
                                 if frame["projection"].notna().any() else None)
    return with_display(frame)


def _at_current_rate(first, first_position, latest, latest_position, position):
    """The value at `position` if the change per window from the first value to the latest
    goes on, kept within 0-100. Works on numbers and on numpy arrays alike."""
    rate = (latest - first) / (latest_position - first_position)
    return np.clip(latest + rate * (position - latest_position), 0, 100)


def _projected_line(values: pd.Series, closed: pd.Series) -> list[float | None]:
    """The dotted line from the latest closed window's value to the year's last window at the
    rate between the first and latest closed windows' values; None where it is not drawn.

    Only closed windows count: an open window holds the students tested so far, not its
    result. No line with fewer than two closed values, nor once the last window has closed
    (the year's result is then known, not projected)."""
    known = values[closed.to_numpy()].dropna()
    line: list[float | None] = [None] * len(values)
    if len(known) < 2 or closed.iloc[-1]:
        return line
    first, latest = known.index[0], known.index[-1]
    for position in range(latest, len(values)):
        projected = _at_current_rate(known.iloc[0], first, known.iloc[-1], latest, position)
        line[position] = round(float(projected), 1)
    return line


def nothing_yet(settings: Settings, measure: str, filters: Filters,
                frame: pd.DataFrame) -> str:
    """Why a trajectory with no result this year has none, for the place its value would be:
    not measured for this grade or group (nothing this year or last); a window that closed
    without results; or the window still to come."""
    if not frame["last_year_present"].any():
        who = " and ".join(part for part in (
            f"grade {filters.grade}" if filters.grade in GRADE_ORDER else filters.grade,
            None if filters.group == "all" else settings.group_labels.get(filters.group))
            if part) or ("this school" if filters.school else "the district")
        return (f"No {registry.spec(measure).short} results for {who} this year or last: "
                "not measured here")
    as_of = view_date(settings, filters)
    calendar = settings.calendar_for(measure)
    closed = [w for w in calendar.windows if w.dates(filters.school_year)[1] < as_of]
    coming = [w for w in calendar.windows if w.dates(filters.school_year)[1] >= as_of]
    parts = []
    if closed:
        last = closed[-1]
        parts.append(f"no results for {last.label} (closed "
                     f"{last.dates(filters.school_year)[1]:%b %-d})")
    if coming:
        start = coming[0].dates(filters.school_year)[0]
        if start > as_of:
            state = f"opens {start:%b %-d}"
        elif as_of >= settings.as_of_date():
            state = "open now"
        else:       # a past window chosen: this one was still open then, so is not shown
            state = f"still open on {as_of:%b %-d}, so not shown as it stood"
        parts.append(f"next: {coming[0].label} ({state})")
    text = "; ".join(parts) if parts else "no results this year"
    return text[0].upper() + text[1:]


def shown_n(n: object) -> int | None:
    """A cell's n as shown: None for a hidden cell (its exact n is never shown)."""
    return None if n is None or pd.isna(n) else int(n)


def n_text(n: object, label: str | None = None) -> str:
    """'1,234', or the hidden cell's label ('n<10', 'suppressed') in place of its n."""
    return f"{int(n):,}" if n is not None and not pd.isna(n) else (label or "suppressed")


def latest_point(frame: pd.DataFrame) -> pd.Series | None:
    """The latest window of a trajectory that has students (a value, or a suppressed one)."""
    present = frame["present"] if "present" in frame else frame["n"].fillna(0) > 0
    has_data = frame[present.astype(bool)]
    return has_data.iloc[-1] if len(has_data) else None


def latest_at(frame: pd.DataFrame, window_id: str) -> pd.Series:
    """A trajectory's row at one window."""
    return frame[frame["window_id"] == window_id].iloc[0]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# The grades a school of each level teaches; a level not listed teaches any grade.
LEVEL_GRADES = {"Elementary": GRADE_BANDS["Elementary (TK-5)"],
                "Middle": GRADE_BANDS["Middle (6-8)"], "High": GRADE_BANDS["High (9-12)"]}


def level_grades(level: str) -> tuple[str, ...]:
    return LEVEL_GRADES.get(level, tuple(GRADE_ORDER))


def by_school(cells: pd.DataFrame, settings: Settings, measure: str, filters: Filters,
              window_id: str, schools: pd.DataFrame, detail: str | None = None) -> pd.DataFrame:
    """Each school's value at one window of the filters' year, with target and status."""
    rows = scope(cells, filters, detail, schools=True)
    rows = rows[(rows["school_year"] == filters.school_year) & (rows["window_id"] == window_id)]
    rows = rows.rename(columns={"scope": "school_code"})[
        ["school_code", "n", "n_records", "n_meeting", "value", "suppressed", "hidden_label",
         "present"]]
    out = schools.merge(rows, on="school_code", how="left")
    out["present"] = out["present"].astype("boolean").fillna(False).astype(bool)
    # n as shown: 0 where a school has no results, empty where its cell is hidden.
    out["n"] = out["n"].astype("Float64").mask(~out["present"], 0).astype("Int64")
    out["suppressed"] = out["suppressed"].astype("boolean").fillna(False)
    first = scope(cells, filters, detail, schools=True)
    first = first[(first["school_year"] == filters.school_year)
                  & (first["window_id"] == settings.calendar_for(measure).ids[0])]
    baselines = dict(zip(first["scope"], first["value"], strict=True))
    out["target"] = targets(settings, measure, pd.Series(window_id, index=out.index),
                            out["school_code"], out["school_code"].map(baselines))
    out["status"] = statuses(pd.to_numeric(out["value"], errors="coerce"), out["target"],
                             settings.status.approaching_band)
    return with_display(out)


def by_group(cells: pd.DataFrame, settings: Settings, filters: Filters,
             window_id: str) -> pd.DataFrame:
    """Each student group's value at one window, with its gap to all students."""
    where = filters.school or privacy.DISTRICT
    rows = cells[cells["all_details"] & (cells["scope"] == where)
                 & (cells["school_year"] == filters.school_year)
                 & (cells["window_id"] == window_id)]
    labels = settings.group_labels
    sums = rows[rows["group_id"].isin(labels)].copy()
    sums["group"] = sums["group_id"].map(labels)
    everyone = sums.loc[sums["group_id"] == "all", "value"]
    base = everyone.iloc[0] if len(everyone) else pd.NA
    sums["gap_to_all"] = (sums["value"] - base).round(1)
    order = {gid: i for i, gid in enumerate(labels)}
    sums = sums.sort_values("group_id", key=lambda s: s.map(order)).reset_index(drop=True)
    return with_display(sums)


def by_detail(cells: pd.DataFrame, settings: Settings, filters: Filters,
              window_id: str) -> pd.DataFrame:
    """Per detail (walkthrough indicator or survey construct) at one window, beside the same
    window last year: columns detail, value, n, n_records, last_year, suppressed."""
    rows = scope(cells, filters, by_detail=True)
    rows = rows[rows["window_id"] == window_id]
    now = rows[rows["school_year"] == filters.school_year]
    then = rows[rows["school_year"] == previous_school_year(filters.school_year)]
    merged = now.merge(then[["detail", "value"]].rename(columns={"value": "last_year"}),
                       on="detail", how="left").reset_index(drop=True)
    return with_display(merged)


def with_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Add `display`: how each row's value is shown: '58%'; 'n<10' when too few; 'suppressed'
    when hidden to protect another small cell or a one-outcome group; '-' when no data."""
    frame = frame.copy()
    labels = frame["hidden_label"] if "hidden_label" in frame else [None] * len(frame)
    present = frame["present"] if "present" in frame else frame["n"].fillna(0) > 0
    frame["display"] = [
        f"{v:.0f}%" if pd.notna(v) else "-" if not p else (label or "suppressed")
        for v, p, label in zip(frame["value"], present, labels, strict=True)]
    return frame


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


def signed_points(change: float) -> str:
    """'+5', '-3', or '±0' for a change that rounds to nothing (never '-0')."""
    rounded = round(float(change))
    return "±0" if rounded == 0 else f"{rounded:+d}"


def caaspp_comparison(db: Database, settings: Settings, filters: Filters,
                      school_year: str) -> pd.DataFrame:
    """State, county, district and school percent met and above from CAASPP research files.

    Empty when the district's CDS codes are not configured, the filters' group has no CAASPP
    id, or no research file for that year is loaded. The state's own suppression stays NULL,
    and our minimum n applies on top of it.
    """
    district = settings.district
    group_ids = {"all": 1} | {g.id: g.caaspp_id for g in settings.groups}
    group_id = group_ids.get(filters.group)
    grade = filters.grade if filters.grade in {"3", "4", "5", "6", "7", "8", "11"} else "all"
    if not (district.cds_county and district.cds_district) or group_id is None:
        return pd.DataFrame(columns=["level", "entity", "school_code", "students_tested",
                                     "pct_met_above"])
    frame = db.query("caaspp_comparison", {
        "school_year": school_year, "subject": filters.subject or "ELA",
        "group_id": str(group_id), "grade": grade, "county": district.cds_county,
        "district": district.cds_district})
    return privacy.mask_small(frame, "students_tested", ["pct_met_above"],
                              settings.privacy.min_n)


def group_name(settings: Settings, group_id: str) -> str:
    """The stable name of a group in exports: all, el, swd, sed, foster, homeless, or
    race_ethnicity:<value> (whatever the district called the group in config.toml)."""
    canonical = {"english_learner": "el", "disability": "swd", "socioeconomic": "sed",
                 "foster": "foster", "homeless": "homeless"}
    for group in settings.groups:
        if group.id == group_id:
            if group.field == "race_ethnicity":
                return f"race_ethnicity:{group.value}"
            return canonical[group.field]
    return group_id


def measure_table(cells: pd.DataFrame, settings: Settings, measure: str, subject: str | None,
                  grade: str | None) -> pd.DataFrame:
    """Every protected cell of one measure as a row of the measures table.

    Columns: measure, subject, detail, school, group, grade, year, window, n, value, target,
    status, suppressed, change_prior_window, change_last_year, gap_to_all, gap_to_district,
    projected_year_end, below_trajectory_last_two, then the measure's second statistics
    (monitor.registry), e.g. median_progress_typical. `school` is a school code or "district".
    """
    calendar = settings.calendar_for(measure)
    order = {w: i for i, w in enumerate(calendar.ids)}
    # Measures without details return each cell twice (pooled and "per detail", both NULL).
    rows = cells[cells["all_details"] | cells["detail"].notna()].copy()
    if "present" not in rows:
        rows["present"] = rows["n"].fillna(0) > 0
    rows["n"] = rows["n"].astype("Float64").round().astype("Int64")
    rows["school"] = rows["scope"].replace({privacy.DISTRICT: "district"})
    rows = rows[rows["scope"] != privacy.UNPLACED]
    rows["detail"] = rows["detail"].where(~rows["all_details"], None)
    rows["position"] = rows["window_id"].map(order)
    band = settings.status.approaching_band
    first = rows[rows["window_id"] == calendar.ids[0]][
        ["detail", "school", "group_id", "school_year", "value"]].rename(
        columns={"value": "_baseline"})
    rows = rows.merge(first, how="left", on=["detail", "school", "group_id", "school_year"])
    rows["target"] = targets(settings, measure, rows["window_id"], rows["school"],
                             rows["_baseline"])
    value = pd.to_numeric(rows["value"], errors="coerce")
    rows["status"] = statuses(value, rows["target"], band)
    rows["_value"] = value
    series = ["detail", "school", "group_id", "school_year"]
    rows = rows.sort_values([*series, "position"], na_position="first")
    keyed = rows.fillna({"detail": "-"})
    # The latest earlier value of the same series (vectorised: no Python per series).
    filled = keyed.groupby(series)["_value"].ffill()
    prior = filled.groupby([keyed[c] for c in series]).shift(1)
    rows["change_prior_window"] = (value - prior).round(1)
    last_year = rows.assign(school_year=rows["school_year"].map(_next_year))[
        ["detail", "school", "group_id", "school_year", "window_id", "_value"]].rename(
        columns={"_value": "_last"})
    rows = rows.merge(last_year, on=["detail", "school", "group_id", "school_year", "window_id"],
                      how="left")
    rows["change_last_year"] = (rows["_value"] - rows["_last"]).round(1)
    everyone = rows[rows["group_id"] == "all"][
        ["detail", "school", "school_year", "window_id", "_value"]].rename(
        columns={"_value": "_all"})
    rows = rows.merge(everyone, on=["detail", "school", "school_year", "window_id"], how="left")
    rows["gap_to_all"] = (rows["_value"] - rows["_all"]).round(1)
    district = rows[rows["school"] == "district"][
        ["detail", "group_id", "school_year", "window_id", "_value"]].rename(
        columns={"_value": "_district"})
    rows = rows.merge(district, on=["detail", "group_id", "school_year", "window_id"], how="left")
    rows["gap_to_district"] = (rows["_value"] - rows["_district"]).round(1)
    as_of = settings.as_of_date()
    ends = {(year, w.id): w.dates(year)[1] for year in rows["school_year"].unique()
            for w in calendar.windows}
    closed = pd.DataFrame([(y, w, end < as_of) for (y, w), end in ends.items()],
                          columns=["school_year", "window_id", "_closed"])
    rows = rows.merge(closed, how="left", on=["school_year", "window_id"])
    rows["_closed"] = rows["_closed"].astype("boolean").fillna(False).astype(bool)
    rows["_year_over"] = rows["school_year"].map(
        {y: ends[(y, calendar.ids[-1])] < as_of for y in rows["school_year"].unique()})
    rows = _projection(rows, calendar.ids, series, registry.spec(measure).projects)
    rows["measure"] = measure
    rows["subject"] = subject or "all"
    rows["grade"] = grade or "all"
    rows["group"] = rows["group_id"].map(
        {g: group_name(settings, g) for g in rows["group_id"].unique()})
    rows["window_label"] = rows["window_id"].map(calendar.label_of)
    rows = rows.rename(columns={"school_year": "year", "window_id": "window"})
    columns = ["measure", "subject", "detail", "school", "group", "grade", "year", "window",
               "window_label", "n", "present",
               "value", "ci_low", "ci_high", "target", "status", "suppressed",
               "change_prior_window",
               "change_last_year", "gap_to_all", "gap_to_district", "projected_year_end",
               "below_trajectory_last_two"]
    # The measure's second statistics (i-Ready's median percent progress, a mean percent
    # correct), as the pages show them: none on a hidden cell.
    for column, name in registry.spec(measure).statistics.items():
        if column in rows:
            rows[name] = rows[column].where(rows["_value"].notna())
            columns.append(name)
    return rows.sort_values(["detail", "school", "group", "year", "position"],
                            na_position="first")[columns].reset_index(drop=True)


def _next_year(school_year: str) -> str:
    start = int(school_year[:4]) + 1
    return f"{start}-{(start + 1) % 100:02d}"


def _projection(rows: pd.DataFrame, windows: list[str], series: list[str],
                projects: bool) -> pd.DataFrame:
    """Two columns over each series (detail, school, group, year):

    - projected_year_end, on the series' latest row with a value: where the year's last window
      lands if the change per window between the first and latest closed windows' values goes
      on. Only closed windows count (an open one holds the students tested so far); none with
      fewer than two closed values, once the last window has closed, or for a measure whose
      windows are not one thing measured over the year (`projects`).
    - below_trajectory_last_two, on every row with a value: the decision rule, this value and
      the series' value before it both short of their targets.
    """
    rows = rows.reset_index(drop=True)
    rows["projected_year_end"] = np.nan
    rows["below_trajectory_last_two"] = False
    shown = rows[rows["_value"].notna()].sort_values("position")
    if shown.empty:
        return rows
    def keyed(frame: pd.DataFrame) -> pd.Series:
        parts = [frame[c].fillna("-").astype(str) for c in series]
        return functools.reduce(lambda a, b: a + "|" + b, parts)
    keys = keyed(shown)
    short = (shown["_value"] < shown["target"]) & shown["target"].notna()
    before = short.groupby(keys).shift(1, fill_value=False).astype(bool)
    rows.loc[shown.index, "below_trajectory_last_two"] = (short & before).to_numpy()
    last = len(windows) - 1
    closed = shown[shown["_closed"]]
    if not projects or closed.empty:
        return rows
    closed_keys = keys[closed.index]
    grouped = closed.groupby(closed_keys)
    first, latest = grouped.head(1), grouped.tail(1)
    first = first.set_index(closed_keys[first.index])
    latest = latest.set_index(closed_keys[latest.index])
    first = first.reindex(latest.index)
    span = latest["position"] - first["position"]
    projected = _at_current_rate(first["_value"], first["position"].where(span > 0),
                                 latest["_value"], latest["position"], last)
    # Nothing to project once the year's last window has closed.
    projected = projected.where(~latest["_year_over"].astype(bool))
    target_rows = shown.groupby(keys).tail(1)
    on = keys[target_rows.index]
    rows.loc[target_rows.index, "projected_year_end"] = projected.reindex(on).round(1).to_numpy()
    return rows


def measure_statistics(db: Database, settings: Settings, measure: str,
                       filters: Filters) -> pd.DataFrame:
    """A measure's second statistics per (school_year, window_id, scope, group_id), from the
    lattice (monitor.registry names them): i-Ready median percent progress to typical and to
    stretch growth, and how many students had no baseline; mean percent correct for
    benchmarks, performance tasks and ESGI. A hidden cell has none."""
    names = registry.spec(measure).statistics
    cells = measure_cells(db, settings, measure, filters)
    rows = cells[cells["all_details"]].rename(columns=names)
    return rows[["school_year", "window_id", "scope", "group_id", "n", *names.values()]
                ].reset_index(drop=True)


def _grade_keys(grade: object) -> list[str]:
    """The grade views a student of `grade` counts in: the grade, each band holding it, and
    all grades (a student with no grade: all grades only)."""
    if grade is None or pd.isna(grade):
        return [privacy.ALL_GRADES]
    return [str(grade), *[band for band, grades in GRADE_BANDS.items() if grade in grades],
            privacy.ALL_GRADES]


def catching_up(db: Database, settings: Settings, measure: str, filters: Filters,
                from_window: str, to_window: str) -> pd.DataFrame:
    """Of the students below standard at `from_window`, the share at or above it at
    `to_window`, per scope (school or district) and group, for the filters' grade (a grade, a
    band, or all grades).

    Every grade, band and all grades are protected together, over schools and groups too
    (privacy.protect with grades), so that no grade's hidden row is another view less the
    rest. Columns: scope, group_id, n (students below at the start), value (percent caught
    up), ci_low, ci_high, suppressed, display, plus n_at_standard and n_fell_behind (students
    at standard at the start, and how many of them fell behind: hidden with the cell, and
    protected as a table of their own).
    """
    params = rule_parameters(settings, measure) | {
        "year": filters.school_year, "from_window": from_window, "to_window": to_window,
        "subject": filters.subject, "grades": None, "survey_detail": "construct"}
    counts = db.query("catching_up", params)
    rows = counts[~counts["district"].to_numpy(bool)]
    totals = ["n_below", "n_caught_up", "n_at_standard", "n_fell_behind"]
    keyed = rows.assign(grade=rows["grade"].map(_grade_keys),
                        school_code=rows["school_code"].fillna(privacy.UNPLACED)).explode("grade")
    summed = keyed.groupby(["school_code", "group_id", "grade"], as_index=False)[totals].sum()
    shaped = pd.DataFrame({
        "school_year": filters.school_year, "window_id": to_window,
        "school_code": summed["school_code"].replace(privacy.UNPLACED, None),
        "detail": None, "group_id": summed["group_id"], "all_details": True,
        "grade": summed["grade"], "n": summed["n_below"], "n_records": summed["n_below"],
        "n_meeting": summed["n_caught_up"]})
    wanted = filters.grade or privacy.ALL_GRADES
    protected = privacy.protect(shaped, settings)
    protected = protected[protected["grade"] == wanted]
    # Those at standard at the start, and how many fell behind, are a second table over the
    # same schools, groups and grades: protected as one (under the minimum, or all one
    # outcome, and whatever would let either be worked out).
    behind = privacy.protect(shaped.assign(
        n=summed["n_at_standard"], n_records=summed["n_at_standard"],
        n_meeting=summed["n_fell_behind"]), settings)
    behind = behind[behind["grade"] == wanted]
    at_grade = summed[summed["grade"] == wanted]
    extra = pd.concat([
        at_grade.rename(columns={"school_code": "scope"}),
        at_grade.groupby("group_id", as_index=False)[totals].sum().assign(
            scope=privacy.DISTRICT)])[["scope", "group_id", "n_at_standard", "n_fell_behind"]]
    out = protected.merge(extra, on=["scope", "group_id"], how="left").merge(
        behind[["scope", "group_id", "suppressed"]].rename(
            columns={"suppressed": "behind_hidden"}), on=["scope", "group_id"], how="left")
    out = with_display(out)
    # Here every count is an outcome of the first window (how many were below or at standard):
    # a hidden cell keeps none of them.
    hidden = out["suppressed"].to_numpy()
    out["n"] = out["n"].astype("Int64").mask(hidden)
    behind_hidden = hidden | out["behind_hidden"].fillna(True).to_numpy(bool)
    out[["n_at_standard", "n_fell_behind"]] = out[["n_at_standard", "n_fell_behind"]].astype(
        "Int64").mask(behind_hidden[:, None].repeat(2, axis=1))
    return out[["scope", "group_id", "n", "value", "ci_low", "ci_high", "suppressed",
                "hidden_label", "display", "n_at_standard", "n_fell_behind"]].reset_index(
        drop=True)


LEVEL_NAMES = {1: "Not Met", 2: "Nearly Met", 3: "Met", 4: "Exceeded"}
# Protecting every school's level-to-level table together grows with the square of the number
# of schools (bench/transitions.py: 3 s at 50 schools, 7 minutes at 900). Above this many
# schools in a view, schools' tables are not shown; the district's is, protected against every
# school's catching-up counts.
LINKED_SCHOOLS_MAX = 100


def level_transitions(db: Database, settings: Settings, source: str, filters: Filters,
                      from_window: str, to_window: str) -> pd.DataFrame:
    """Students moving from each performance level to each between two windows, as a 4 x 4
    table for the filters' school (None: the district), every grade (rows: level at
    `from_window`; columns: at `to_window`). Hidden cells are NaN.

    Every school's table, the district's, and the catching-up table's sums over them (below
    at start, caught up, at standard at start, fell behind: `catching_up` for every grade)
    are protected together, so no hidden cell or hidden sum can be worked out from any of
    them (privacy.protect_linked_tables). Over LINKED_SCHOOLS_MAX schools, a school's table
    is hidden whole (`attrs["schools_not_shown"]`)."""
    filters = filters.model_copy(update={"grade": None, "subject": filters.subject or "ELA"})
    frame = db.query("level_transitions", {
        "source": source, "year": filters.school_year, "from_window": from_window,
        "to_window": to_window, "subject": filters.subject, "group": filters.group})
    levels = list(LEVEL_NAMES)
    cell = {(i, j): k for k, (i, j) in enumerate((i, j) for i in levels for j in levels)}
    codes = sorted(frame["school_code"].dropna().unique())
    position = {code: s for s, code in enumerate(codes)}
    schools = np.zeros((len(codes), len(cell)))
    district = np.zeros(len(cell))
    for code, i, j, n in frame[["school_code", "from_level", "to_level", "n"]].itertuples(
            index=False):
        district[cell[int(i), int(j)]] += n
        if code is not None and not pd.isna(code):
            schools[position[code], cell[int(i), int(j)]] += n
    proficient = int(rule_parameters(settings, source)["proficient_rank"])
    rows = np.array([i for i, _ in cell])
    columns = np.array([j for _, j in cell])
    below, at = rows < proficient, rows >= proficient
    # The catching-up table's four counts for each scope: below at start, caught up, at
    # standard at start, fell behind.
    sums = np.vstack([below, below & (columns >= proficient), at, at & (columns < proficient)])
    everyone = catching_up(db, settings, source, filters, from_window, to_window)
    everyone = everyone[everyone["group_id"] == filters.group].set_index("scope")

    def published(scope: str) -> np.ndarray:
        if scope not in everyone.index:
            return np.zeros(len(sums), bool)
        row = everyone.loc[scope]
        shown = not bool(row["suppressed"])
        both = shown and not pd.isna(row["n_at_standard"])
        return np.array([shown, shown, both, both])

    hidden_district, hidden_schools = privacy.protect_linked_tables(
        district, schools, sums, published(privacy.DISTRICT),
        np.array([published(code) for code in codes]).reshape(len(codes), len(sums)),
        settings.privacy.min_n, school_tables=len(codes) <= LINKED_SCHOOLS_MAX)
    if filters.school is None:
        counts, hidden = district, hidden_district
    elif filters.school in position:
        counts, hidden = schools[position[filters.school]], hidden_schools[
            position[filters.school]]
    else:
        counts, hidden = np.zeros(len(cell)), np.zeros(len(cell), bool)
    shown = np.where(hidden, np.nan, counts).reshape(len(levels), len(levels))
    names = [LEVEL_NAMES[i] for i in levels]
    out = pd.DataFrame(shown, index=names, columns=names)
    # How each hidden cell reads: "n<10" when it is small itself (or its table is), else
    # "suppressed" (hidden so that another cannot be worked out: it may be large).
    min_n = settings.privacy.min_n
    small = privacy.small_cells(counts, min_n)
    out.attrs["schools_not_shown"] = len(codes) > LINKED_SCHOOLS_MAX
    out.attrs["hidden_labels"] = np.where(
        hidden, np.where(small, f"n<{min_n}", "suppressed"), None).reshape(
        len(levels), len(levels)).tolist()
    return out


def transitions_display(table: pd.DataFrame) -> pd.DataFrame:
    """A `level_transitions` table as shown: counts with thousands separators, each hidden
    cell as its label (n<10, suppressed)."""
    labels = table.attrs.get("hidden_labels")
    values = table.to_numpy()
    shown = [[(labels[i][j] if labels else "suppressed") if pd.isna(values[i][j])
              else f"{int(values[i][j]):,}" for j in range(values.shape[1])]
             for i in range(values.shape[0])]
    return pd.DataFrame(shown, index=table.index, columns=table.columns)


def assessment_calendar(settings: Settings, coverage: pd.DataFrame, school_year: str,
                        as_of: dt.date) -> pd.DataFrame:
    """Every window of every measure this school year: dates, state on the as-of date, and how
    many of the schools that take it (results in this year or last) have results in it.

    `coverage` is queries/coverage_by_school_window.sql (source, school_year, window_id,
    school_code, n). Columns: measure, label, window_id, window, start, end, state,
    schools_with_results, schools_expected.
    """
    rows = []
    for measure, config in settings.measures.items():
        source = coverage[coverage["source"] == registry.spec(measure).source]
        expected = source["school_code"].dropna().nunique()
        this_year = source[source["school_year"] == school_year]
        calendar = settings.calendar_for(measure)
        for window in calendar.windows:
            start, end = window.dates(school_year)
            arrived = this_year.loc[this_year["window_id"] == window.id, "school_code"].nunique()
            rows.append({"measure": measure, "label": config.label, "window_id": window.id,
                         "window": window.label, "start": start, "end": end,
                         "state": window_state(start, end, as_of),
                         "schools_with_results": arrived, "schools_expected": expected})
    return pd.DataFrame(rows)


def waiting_for_schools(settings: Settings, calendar: pd.DataFrame, measure: str,
                        window_id: str) -> str | None:
    """Why a district status is held at a window, or None: the window is open and fewer than
    `status.reported_share` of the schools that take the measure have results in it (e.g.
    '1 of 31 schools in'). `calendar` is `assessment_calendar` output."""
    row = calendar[(calendar["measure"] == measure) & (calendar["window_id"] == window_id)]
    if row.empty or row["state"].iloc[0] != "open":
        return None
    arrived, expected = int(row["schools_with_results"].iloc[0]), int(
        row["schools_expected"].iloc[0])
    if expected and arrived < settings.status.reported_share * expected:
        return f"{arrived} of {expected} schools in"
    return None


def what_moved(moved: pd.DataFrame, settings: Settings,
               school_names: dict[str, str]) -> pd.DataFrame:
    """The headline results that changed between two dates, from
    queries/measure_history_moved.sql, in words: new results, a value that moved (points and
    direction), a status that changed against the goal, results now hidden or withdrawn.

    A change resting on fewer new results than the privacy floor is not shown as a change (the
    two values would give those few students' results away): it says the result was updated.
    Only each measure's reported subjects are listed. Columns: measure, subject, who, year,
    window, then, now, change, status_then, status_now, what; the district first, then by
    the size of the change.
    """
    columns = ["measure", "subject", "who", "year", "window", "then", "now", "change",
               "status_then", "status_now", "what"]
    rows = []
    band = settings.status.approaching_band
    for row in moved.itertuples():
        if row.measure not in settings.measures:
            continue
        spec = registry.spec(row.measure)
        wanted = [s or "*" for s in spec.subjects]
        if row.subject not in wanted:
            continue
        school = None if row.scope == privacy.DISTRICT else row.scope
        floor = settings.privacy.min_observations if spec.observations else settings.privacy.min_n
        then = None if pd.isna(row.value_then) else float(row.value_then)
        now = None if pd.isna(row.value_now) else float(row.value_now)
        target = goal_for(settings, row.measure, row.window_id, school)
        status_then, status_now = status_of(then, target, band), status_of(now, target, band)
        added = (None if pd.isna(row.n_now) or pd.isna(row.n_then)
                 else abs(float(row.n_now) - float(row.n_then)))
        change = None
        if not bool(row.present_now):
            what = "withdrawn (no results now)"
        elif now is None:
            what = "now hidden (too few to show)"
        elif then is None:
            what = "new results"
        elif added is not None and 0 < added < floor:
            what = f"updated (fewer than {floor} results added: change not shown)"
            then = status_then = None
        else:
            change = round(now - then, 1)
            what = (f"up {change:.1f} points" if change > 0 else f"down {-change:.1f} points"
                    if change < 0 else "same value, other results")
        if status_then is not None and status_now is not None and status_then != status_now:
            what += f"; {status_then} -> {status_now}"
        calendar = settings.calendar_for(row.measure)
        rows.append({
            "measure": settings.measures[row.measure].label,
            "subject": "" if row.subject == "*" else row.subject,
            "who": "District" if school is None else school_names.get(school, school),
            "year": row.school_year, "window": calendar.label_of(row.window_id),
            "then": then, "now": now, "change": change, "status_then": status_then,
            "status_now": status_now, "what": what,
            "_district": school is None, "_size": abs(change) if change is not None else 0})
    frame = pd.DataFrame(rows, columns=[*columns, "_district", "_size"])
    frame = frame.sort_values(["_district", "_size"], ascending=[False, False])
    return frame[columns].reset_index(drop=True)


def latest_rows(table: pd.DataFrame, school_year: str) -> pd.DataFrame:
    """From a measures table: each series' latest window with data in `school_year`."""
    rows = table[(table["year"] == school_year) & table["present"]]
    if rows.empty:
        return rows
    order = rows.groupby(["measure", "subject", "school", "group"], dropna=False).cumcount()
    last = rows.assign(_order=order).groupby(
        ["measure", "subject", "school", "group"], dropna=False)["_order"].transform("max")
    return rows[order == last]


def status_grid(tables: dict[str, pd.DataFrame], schools: pd.DataFrame,
                school_year: str) -> pd.DataFrame:
    """Schools x measures at each measure's latest window: value, status and window.

    `tables` maps a column label to that measure's measures table (all students, pooled).
    One row per school; per label the columns `<label>`, `<label> status`.
    """
    grid = schools[["school_code", "school_name", "level"]].copy()
    for label, table in tables.items():
        rows = latest_rows(table[(table["group"] == "all") & (table["school"] != "district")],
                           school_year)
        rows = rows.set_index("school")
        grid[label] = grid["school_code"].map(rows["value"]).astype(float)
        grid[f"{label} status"] = grid["school_code"].map(rows["status"])
    return grid


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
        for row in rows.itertuples():
            reasons = []
            if row.below_trajectory_last_two:
                reasons.append("below trajectory at the last two windows")
            if pd.notna(row.change_prior_window) and row.change_prior_window < 0:
                reasons.append(f"down {abs(row.change_prior_window):.0f} points since the last "
                               "window")
            if pd.notna(row.change_last_year) and row.change_last_year < 0:
                reasons.append(f"{abs(row.change_last_year):.0f} points below last year")
            gap = row.target - row.value
            if gap > 10:
                reasons.append(f"{gap:.0f} points short of the {row.target:.0f}% goal")
            if not reasons:
                continue
            school = "District" if row.school == "district" else school_names.get(
                row.school, row.school)
            group = group_labels.get(row.group, row.group)
            whole = row.group == "all"
            who = school if whole else f"{school}: {group}"
            n = shown_n(row.n)
            found.append({
                "who": who, "measure": label, "window": row.window_label,
                "value": row.value, "target": row.target, "gap": round(gap, 1), "n": n,
                "short": None if n is None else int(np.ceil(gap * n / 100 - 1e-9)),
                "why": "; ".join(reasons), "whole": whole,
                "_tier": 0 if whole and label in headline else 1 if whole else 2})
    frame = pd.DataFrame(found, columns=["who", "measure", "window", "value", "target", "gap",
                                         "n", "short", "why", "whole", "_tier"])
    frame = frame.sort_values(["_tier", "short", "gap"], ascending=[True, False, False],
                              na_position="last")
    return frame.drop(columns="_tier").reset_index(drop=True)


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
    return row[CHANGE_LEVELS.index(change_level(change))]


def dashboard_grid(tables: dict[str, pd.DataFrame], where: str, group_labels: dict[str, str],
                   school_year: str) -> pd.DataFrame:
    """Groups x measures at each measure's latest window for one scope (a school code or
    "district"), in the style of the California School Dashboard.

    `tables` maps a column label to that measure's measures table; `group_labels` maps the
    table's group names to labels (and orders the rows). Long form: group, measure, window,
    value, target, change_last_year, status_level, change_level, colour, display.
    """
    rows = []
    for label, table in tables.items():
        latest = latest_rows(table[table["school"] == where], school_year)
        for row in latest.itertuples():
            if row.group not in group_labels:
                continue
            value = None if pd.isna(row.value) else float(row.value)
            target = None if row.target is None or pd.isna(row.target) else float(row.target)
            change = None if pd.isna(row.change_last_year) else float(row.change_last_year)
            colour = dashboard_colour(value, target, change)
            rows.append({
                "group": group_labels[row.group], "measure": label, "window": row.window_label,
                "value": value, "target": target, "change_last_year": change,
                "status_level": None if value is None or target is None
                else status_level(value, target),
                "change_level": None if change is None else change_level(change),
                "colour": colour, "suppressed": bool(row.suppressed)})
    frame = pd.DataFrame(rows, columns=["group", "measure", "window", "value", "target",
                                        "change_last_year", "status_level", "change_level",
                                        "colour", "suppressed"])
    frame["display"] = [
        ("suppressed" if s else "-") if pd.isna(v)
        else f"{c or 'No colour'} · {v:.0f}%" + ("" if pd.isna(d) else f" ({signed_points(d)})")
        for v, d, c, s in zip(frame["value"], frame["change_last_year"], frame["colour"],
                              frame["suppressed"], strict=True)]
    order = {label: i for i, label in enumerate(group_labels.values())}
    return frame.sort_values("group", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True)


def gap_changes(table: pd.DataFrame, where: str, group_labels: dict[str, str],
                school_year: str) -> pd.DataFrame:
    """Each group's gap to all students at the latest window against the same window last
    year, for one scope: group, window, gap, gap_last_year, change, trend (closing when the
    gap shrank by a point or more, widening when it grew, otherwise steady)."""
    latest = latest_rows(table[(table["school"] == where) & (table["group"] != "all")],
                         school_year)
    keys = ["school", "group", "window"]
    last = table[table["year"] == previous_school_year(school_year)][
        [*keys, "gap_to_all"]].rename(columns={"gap_to_all": "gap_last_year"})
    merged = latest.merge(last, on=keys, how="left")
    merged = merged[merged["group"].isin(group_labels) & merged["gap_to_all"].notna()
                    & merged["gap_last_year"].notna()]
    # Closing: the distance to all students shrank, whichever side of them the group is on.
    change = (merged["gap_to_all"].abs() - merged["gap_last_year"].abs()).round(1)
    trend = np.where(change <= -1, "closing", np.where(change >= 1, "widening", "steady"))
    return pd.DataFrame({
        "group": merged["group"].map(group_labels), "window": merged["window_label"],
        "gap": merged["gap_to_all"], "gap_last_year": merged["gap_last_year"],
        "change": change, "trend": trend}).sort_values("change").reset_index(drop=True)


def response_rates(counts: pd.DataFrame, settings: Settings, group: str) -> pd.DataFrame:
    """Per window, each school's respondents and response rate, plus a district row
    (scope privacy.DISTRICT). `counts` is queries/survey_response_rates.sql. For a student
    group, counts under the minimum n are hidden (the rate with them). Columns: window_id,
    scope, respondents, enrolled, rate."""
    district = counts.groupby("window_id", as_index=False).agg(
        respondents=("respondents", "sum"), enrolled=("enrolled", "sum"))
    if counts["enrolled"].isna().all():          # a staff survey: no roster to count against
        district["enrolled"] = np.nan
    frame = pd.concat([counts.rename(columns={"school_code": "scope"}),
                       district.assign(scope=privacy.DISTRICT)], ignore_index=True)
    frame["respondents"] = frame["respondents"].astype(float)
    frame["enrolled"] = pd.to_numeric(frame["enrolled"], errors="coerce")
    if group != "all":
        frame = privacy.mask_small(frame, "respondents", ["enrolled"], settings.privacy.min_n)
        frame = privacy.mask_small(frame, "respondents", ["respondents"], settings.privacy.min_n)
    frame["rate"] = (100 * frame["respondents"] / frame["enrolled"]).round(0)
    return frame[["window_id", "scope", "respondents", "enrolled", "rate"]]


RATINGS = {1: "Not Yet", 2: "Somewhat", 3: "Mostly", 4: "Yes"}


def rating_distribution(counts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Core Actions 2 and 3: the share of observations at each rating, per walk.

    `counts` is queries/walkthrough_ratings.sql. A core action on a walk with fewer than
    `min_observations` observations is left out. Columns: window_id, core_action, rating,
    label, n, total, percent.
    """
    frame = counts.dropna(subset=["rating"]).copy()
    frame["total"] = frame.groupby(["window_id", "core_action"])["n"].transform("sum")
    frame = frame[frame["total"] >= settings.privacy.min_observations]
    frame["label"] = frame["rating"].astype(int).map(RATINGS)
    frame["percent"] = (100 * frame["n"] / frame["total"]).round(1)
    return frame.reset_index(drop=True)


def observer_calibration(counts: pd.DataFrame, settings: Settings,
                         show_names: bool) -> pd.DataFrame:
    """Each observer's percent of ratings meeting on a walk against every other observer's on
    the same walk: how far apart they rate, for norming conversations.

    `counts` is queries/walkthrough_observers.sql. Observers with fewer than
    `min_observations` observations on a walk are left out. Without `show_names`, observers are
    "Observer 1", "Observer 2", ... in the same order on every walk. Columns: window_id,
    observer, observations, percent, others_percent, difference.
    """
    frame = counts[counts["observations"] >= settings.privacy.min_observations].copy()
    frame["percent"] = (100 * frame["met"] / frame["ratings"]).round(1)
    frame["others_percent"] = (100 * frame["others_met"] / frame["others_ratings"]).round(1)
    frame["difference"] = (frame["percent"] - frame["others_percent"]).round(1)
    if not show_names:
        order = {name: f"Observer {i}" for i, name in
                 enumerate(sorted(counts["observer"].unique()), start=1)}
        frame["observer"] = frame["observer"].map(order)
    return frame[["window_id", "observer", "observations", "percent", "others_percent",
                  "difference"]].reset_index(drop=True)


def following_window(settings: Settings, measure: str, walk_window: str, school_year: str,
                     outcome: str = "benchmark") -> str | None:
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
