"""The measures table: every protected cell of a measure as one row with its target, status,
changes, gaps and projection (what the CSV export, the overview's grid and the Dashboard-style
grid read)."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from monitor import privacy, registry
from monitor.config import Settings, previous_school_year
from monitor.goals import change_level, dashboard_colour, status_level, statuses, targets
from monitor.trajectories import at_current_rate, signed_points


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
    projected = at_current_rate(first["_value"], first["position"].where(span > 0),
                                 latest["_value"], latest["position"], last)
    # Nothing to project once the year's last window has closed.
    projected = projected.where(~latest["_year_over"].astype(bool))
    target_rows = shown.groupby(keys).tail(1)
    on = keys[target_rows.index]
    rows.loc[target_rows.index, "projected_year_end"] = projected.reindex(on).round(1).to_numpy()
    return rows


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
