"""The measures table: every protected cell of a measure as one row with its target, status,
changes, gaps and projection (what the CSV export, the overview's grid and the Dashboard-style
grid read)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.measures import privacy
from monitor.measures.goals import change_level, dashboard_colour, status_level, statuses, targets
from monitor.school_years import previous_school_year
from monitor.views.trajectories import at_current_rate, signed_points


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

    A row's comparisons (its series' first window, last year's same window, all students, the
    district) are found by integer keys over the rows' coded dimensions, not by joins: this
    runs for every measure of a first page view, at up to a few hundred thousand cells.
    """
    calendar = settings.calendar_for(measure)
    # Measures without details return each cell twice (pooled and "per detail", both NULL).
    rows = cells[(cells["all_details"] | cells["detail"].notna())
                 & (cells["scope"] != privacy.UNPLACED)].copy()
    if "present" not in rows:
        rows["present"] = rows["n"].fillna(0) > 0
    rows["n"] = rows["n"].astype("Float64").round().astype("Int64")
    rows["school"] = rows["scope"].replace({privacy.DISTRICT: "district"})
    rows["detail"] = rows["detail"].where(~rows["all_details"], None)
    keys = _Keys(rows)
    # Anything that depends on a row's window, year or group alone is worked out once per
    # value and spread over the rows by their codes (Series.map over a few hundred thousand
    # Arrow strings was a third of a measures table at 900 schools).
    rows["position"] = keys.spread("window", {w: float(i) for i, w in enumerate(calendar.ids)},
                                   np.nan)
    value = pd.to_numeric(rows["value"], errors="coerce").to_numpy(float)
    baseline = keys.value_at(value, window=calendar.ids[0])
    rows["target"] = targets(settings, measure, rows["window_id"], rows["school"],
                             pd.Series(baseline, index=rows.index), subject)
    rows["status"] = statuses(pd.Series(value, index=rows.index), rows["target"],
                              settings.status.approaching_band)
    rows["_value"] = value
    position = rows["position"].to_numpy(float)
    rows["change_prior_window"] = np.round(value - keys.prior_value(value, position), 1)
    rows["change_last_year"] = np.round(
        value - keys.value_at(value, year=previous_school_year), 1)
    rows["gap_to_all"] = np.round(value - keys.value_at(value, group="all"), 1)
    rows["gap_to_district"] = np.round(value - keys.value_at(value, school="district"), 1)
    as_of = settings.as_of_date()
    years = rows["school_year"].unique()
    ends = {(year, w.id): w.dates(year)[1] for year in years for w in calendar.windows}
    rows["_closed"] = keys.per_year_and_window({k: end < as_of for k, end in ends.items()})
    rows["_year_over"] = keys.spread(
        "year", {y: ends[(y, calendar.ids[-1])] < as_of for y in years}, False)
    projected, below = _projection(keys.series, position, value,
                                   rows["target"].to_numpy(float), rows["_closed"].to_numpy(),
                                   rows["_year_over"].to_numpy(), len(calendar.ids) - 1,
                                   registry.spec(measure).projects)
    rows["projected_year_end"] = projected
    rows["below_trajectory_last_two"] = below
    rows["measure"] = measure
    rows["subject"] = subject or "all"
    rows["grade"] = grade or "all"
    rows["group"] = pd.Series(keys.spread(
        "group", {g: group_name(settings, g) for g in keys.values("group")}),
        index=rows.index, dtype=rows["group_id"].dtype)
    rows["window_label"] = pd.Series(keys.spread(
        "window", {w: calendar.label_of(w) for w in keys.values("window")}),
        index=rows.index, dtype=rows["window_id"].dtype)
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
    # Sorted by detail (pooled first), school, group, year and window.
    order = np.lexsort([position, *(
        pd.factorize(rows[c], sort=True)[0] for c in ("year", "group", "school", "detail"))])
    return rows.iloc[order][columns].reset_index(drop=True)


class _Keys:
    """Each row's place as integer codes: its series (detail, school, group, year) and, with
    its window, a key unique to the row; and the row with one of those changed (the same cell
    last year, for all students, for the district, at the first window)."""

    def __init__(self, rows: pd.DataFrame):
        self._codes: dict[str, np.ndarray] = {}
        self._vocab: dict[str, dict] = {}
        columns = {"detail": rows["detail"].fillna("-"), "school": rows["school"],
                   "group": rows["group_id"], "year": rows["school_year"],
                   "window": rows["window_id"]}
        for name, column in columns.items():
            codes, uniques = pd.factorize(column)
            self._codes[name] = codes.astype(np.int64)
            self._vocab[name] = {u: i for i, u in enumerate(uniques)}
        self._sizes = {name: len(v) + 1 for name, v in self._vocab.items()}
        self.series = self._key(self._codes, ("detail", "school", "group", "year"))
        self.key = self._key(self._codes)
        self._index = pd.Index(self.key)
        if not self._index.is_unique:
            raise ValueError("a measure's cells repeat a (detail, school, group, year, window)")

    def _key(self, codes: dict[str, np.ndarray],
             names: tuple[str, ...] = ("detail", "school", "group", "year", "window")):
        key = np.zeros(len(self._codes["detail"]), np.int64)
        for name in names:
            key = key * self._sizes[name] + codes[name]
        return key

    def value_at(self, value: np.ndarray, **changed) -> np.ndarray:
        """`value` of the row with the dimensions `changed` (a value, or a function of this
        row's value: year=previous_school_year), NaN where there is none."""
        codes = dict(self._codes)
        for name, to in changed.items():
            vocab = self._vocab[name]
            if callable(to):
                inverse = list(vocab)
                moved = np.array([vocab.get(to(u), -1) for u in inverse], np.int64)
                code = moved[codes[name]] if len(inverse) else codes[name]
            else:
                code = np.full(len(codes[name]), vocab.get(to, -1), np.int64)
            codes[name] = code
        missing = np.zeros(len(self.key), bool)
        for name in changed:
            missing |= codes[name] < 0
        found = self._index.get_indexer(self._key(codes))
        found[missing] = -1
        return np.where(found >= 0, value[np.maximum(found, 0)], np.nan) if len(value) else value

    def prior_value(self, value: np.ndarray, position: np.ndarray) -> np.ndarray:
        """The latest earlier value of the same series, by `position` (a window outside the
        calendar, NaN, first), NaN where there is none."""
        order = np.lexsort((np.nan_to_num(position, nan=-1.0), self.series))
        ordered = pd.Series(value[order])
        filled = ordered.groupby(self.series[order]).ffill()
        prior = np.empty(len(value))
        prior[order] = filled.groupby(self.series[order]).shift(1).to_numpy(float)
        return prior

    def values(self, name: str) -> list:
        """The distinct values of one dimension."""
        return list(self._vocab[name])

    def spread(self, name: str, mapping: dict, default: object = None) -> np.ndarray:
        """`mapping` of each row's value of one dimension: `default` where the mapping has
        none, or the row no value (its code -1 takes the last entry, the default)."""
        found = [mapping.get(value, default) for value in self._vocab[name]] + [default]
        kind = (bool if all(isinstance(v, bool) for v in found)
                else float if all(isinstance(v, float) for v in found) else object)
        return np.array(found, dtype=kind)[self._codes[name]]

    def per_year_and_window(self, flags: dict[tuple[str, str], bool]) -> np.ndarray:
        """A flag per (year, window) spread over the rows (False where none is given)."""
        table = np.zeros((self._sizes["year"], self._sizes["window"]), bool)
        for (year, window), flag in flags.items():
            if year in self._vocab["year"] and window in self._vocab["window"]:
                table[self._vocab["year"][year], self._vocab["window"][window]] = flag
        return table[self._codes["year"], self._codes["window"]]


def _projection(series: np.ndarray, position: np.ndarray, value: np.ndarray,
                target: np.ndarray, closed: np.ndarray, year_over: np.ndarray, last: int,
                projects: bool) -> tuple[np.ndarray, np.ndarray]:
    """Two columns over each series (detail, school, group, year):

    - projected_year_end, on the series' latest row with a value: where the year's last window
      lands if the change per window between the first and latest closed windows' values goes
      on. Only closed windows count (an open one holds the students tested so far); none with
      fewer than two closed values, once the last window has closed, or for a measure whose
      windows are not one thing measured over the year (`projects`).
    - below_trajectory_last_two, on every row with a value: the decision rule, this value and
      the series' value before it both short of their targets.
    """
    projected = np.full(len(series), np.nan)
    below = np.zeros(len(series), bool)
    shown = np.flatnonzero(~np.isnan(value))
    if not shown.size:
        return projected, below
    shown = shown[np.lexsort((position[shown], series[shown]))]
    same = np.r_[False, series[shown][1:] == series[shown][:-1]]
    short = (value[shown] < target[shown]) & ~np.isnan(target[shown])
    below[shown] = short & np.r_[False, short[:-1]] & same
    closed_rows = shown[closed[shown]]
    if not projects or not closed_rows.size:
        return projected, below
    of = series[closed_rows]
    first = closed_rows[np.r_[True, of[1:] != of[:-1]]]
    latest = closed_rows[np.r_[of[1:] != of[:-1], True]]
    span = position[latest] - position[first]
    with np.errstate(divide="ignore", invalid="ignore"):
        line = at_current_rate(value[first], np.where(span > 0, position[first], np.nan),
                               value[latest], position[latest], last)
    # Nothing to project once the year's last window has closed.
    line = np.round(np.where(year_over[latest], np.nan, line), 1)
    ends = shown[np.r_[series[shown][1:] != series[shown][:-1], True]]
    at = np.searchsorted(series[latest], series[ends])
    at = np.minimum(at, len(latest) - 1)
    has = series[latest][at] == series[ends]
    projected[ends[has]] = line[at[has]]
    return projected, below


def latest_rows(table: pd.DataFrame, school_year: str) -> pd.DataFrame:
    """From a measures table: each series' latest window with data in `school_year`, the
    series pooled over its details (a learning walk's every indicator together; a table's
    per-indicator rows are other series, never a school's value)."""
    rows = table[(table["year"] == school_year) & table["present"]]
    if "detail" in rows:
        rows = rows[rows["detail"].isna()]
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
                "colour": colour, "status": row.status if isinstance(row.status, str) else None,
                "suppressed": bool(row.suppressed)})
    frame = pd.DataFrame(rows, columns=["group", "measure", "window", "value", "target",
                                        "change_last_year", "status_level", "change_level",
                                        "colour", "status", "suppressed"])
    # The performance level keeps the Dashboard's own name, and says it is a level (status and
    # change together), beside the goal status every other page shows in its own colours.
    frame["display"] = [
        ("suppressed" if s else "-") if pd.isna(v)
        else f"{c + ' level' if isinstance(c, str) else 'No level'} · {v:.0f}%"
        + ("" if pd.isna(d) else f" ({signed_points(d)})")
        + (f" · {status}" if isinstance(status, str) else "")
        for v, d, c, s, status in zip(frame["value"], frame["change_last_year"],
                                      frame["colour"], frame["suppressed"], frame["status"],
                                      strict=True)]
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
