"""One measure's trajectory for the chosen scope: each window this year and last, its target and
status, the change from the window before and from last year, and where the year lands at the
current rate; how a value, its n and a hidden cell read."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.keys import GRADE_ORDER
from monitor.measures.goals import STATUS_LABELS, status_of, target_at
from monitor.measures.selection import Filters, scope, view_date, window_state, windows_through
from monitor.present.charts.labels import signed_points  # noqa: F401 - the views' name
from monitor.school_years import previous_school_year


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
        target = target_at(settings, measure, window.id, filters.school, baseline,
                           filters.subject)
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


def at_current_rate(first, first_position, latest, latest_position, position):
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
        projected = at_current_rate(known.iloc[0], first, known.iloc[-1], latest, position)
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


def n_phrase(n: object, label: str | None, unit: str, window: str | None = None) -> str:
    """How many are counted, as a chart's caption says it: 'n = 1,234 students at Q2'; for a
    hidden cell its label in words ('n<10 students at Q2', 'n suppressed (students at Q2)'),
    never 'n = n<10'."""
    at = f" at {window}" if window else ""
    if n is not None and not pd.isna(n):
        return f"n = {n_text(n)} {unit}{at}"
    label = label or "suppressed"
    if label.startswith("n<") and label.endswith(" teachers"):
        return f"{label} observed{at}"          # a learning walk's teacher floor
    if label.startswith("n<"):
        return f"{label} {unit}{at}"
    return f"n {label} ({unit}{at})"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def latest_point(frame: pd.DataFrame) -> pd.Series | None:
    """The latest window of a trajectory that has students (a value, or a suppressed one)."""
    # (Positions through numpy: a boolean mask over a frame of Arrow strings costs a
    # millisecond, and every tile and chart of a page asks.)
    present = (frame["present"].to_numpy(dtype=bool, na_value=False) if "present" in frame
               else frame["n"].fillna(0).to_numpy(dtype=float) > 0)
    rows = np.flatnonzero(present)
    return frame.iloc[rows[-1]] if len(rows) else None


def latest_at(frame: pd.DataFrame, window_id: str) -> pd.Series:
    """A trajectory's row at one window."""
    return frame[frame["window_id"] == window_id].iloc[0]


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


def trajectory_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table behind a trajectory chart, suppressed values shown as n<10 or suppressed."""
    shown = pd.DataFrame({
        "Window": frame["window"],
        "Value": [d if pd.isna(v) else f"{v:.1f}%"
                  for v, d in zip(frame["value"], frame["display"], strict=True)],
        "n": frame["n"],
        "95% interval": [f"{lo:.0f}-{hi:.0f}%" if pd.notna(lo) else "" for lo, hi in
                         zip(frame["ci_low"], frame["ci_high"], strict=True)],
        "Goal": [None if pd.isna(t) else f"{t:.0f}%" for t in frame["target"]],
        "Status": [STATUS_LABELS.get(s) if isinstance(s, str) else "" for s in frame["status"]],
        "Change from prior window": frame["change_prior_window"],
        "Last year": [None if pd.isna(v) else f"{v:.1f}%" for v in frame["last_year"]],
        "Change from last year": frame["change_last_year"],
    })
    if "projection" in frame and frame["projection"].notna().any():
        shown["Projected"] = [None if pd.isna(v) else f"{v:.0f}%" for v in frame["projection"]]
    return shown
