"""A measure at one window across schools, student groups or details; walkthrough ratings and
survey response rates per school."""

from __future__ import annotations

import pandas as pd

from monitor.config import Settings
from monitor.keys import GRADE_BANDS, GRADE_ORDER
from monitor.measures import privacy
from monitor.measures.goals import statuses, targets
from monitor.measures.selection import Filters, scope
from monitor.school_years import previous_school_year
from monitor.views.trajectories import with_display

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
                            out["school_code"], out["school_code"].map(baselines),
                            filters.subject)
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


def response_rates_shown(rates: pd.DataFrame) -> pd.DataFrame:
    """Response rates (monitor.views.reads.response_rates) as a table shows them: counts with
    thousands separators, a hidden row's counts as its label ('n<10', 'suppressed')."""
    hidden = rates["suppressed"].astype(bool)

    def text(column: str, fmt: str) -> pd.Series:
        shown = rates[column].map(lambda v: "" if pd.isna(v) else format(v, fmt))
        return shown.where(~hidden, rates["hidden_label"].fillna("suppressed"))
    return rates.assign(respondents_shown=text("respondents", ",.0f"),
                        enrolled_shown=text("enrolled", ",.0f"), rate_shown=text("rate", ".0f"))


RATINGS = {1: "Not Yet", 2: "Somewhat", 3: "Mostly", 4: "Yes"}


def rating_distribution(cells: pd.DataFrame, where: str) -> pd.DataFrame:
    """Core Actions 2 and 3: the share of observations at each rating, per walk, at `where`
    (a school code or privacy.DISTRICT).

    `cells` are the lattice's rating cells (monitor.measures.lattice.RATINGS: detail 'ca2=1' ..
    'ca3=4'), each shown or hidden as its core action's cell. A hidden core action keeps its
    four rows, with no counts and its label. Columns: window_id, core_action, rating, label,
    n (observations given the rating), total (observations rated), percent, suppressed,
    hidden_label."""
    rows = cells[(cells["scope"] == where) & (cells["group_id"] == "all")]
    parts = rows["detail"].str.split("=", n=1, expand=True)
    if rows.empty:
        parts = pd.DataFrame({0: pd.Series(dtype=str), 1: pd.Series(dtype=str)})
    rating = parts[1].astype(int)
    frame = pd.DataFrame({
        "window_id": rows["window_id"], "core_action": parts[0], "rating": rating,
        "label": rating.map(RATINGS), "n": rows["n_meeting"].astype("Int64"),
        "total": rows["n_records"].astype("Int64"), "percent": rows["value"],
        "suppressed": rows["suppressed"].astype(bool), "hidden_label": rows["hidden_label"]})
    return frame.sort_values(["window_id", "core_action", "rating"]).reset_index(drop=True)


def observer_calibration(counts: pd.DataFrame, settings: Settings,
                         show_names: bool) -> pd.DataFrame:
    """Each observer's percent of ratings meeting on a walk against every other observer's on
    the same walk: how far apart they rate, for norming conversations.

    `counts` is queries/walkthrough_observers.sql, for walks whose own cell is shown. Observers
    with fewer than `min_observations` observations on a walk are left out, and so is the rest
    of the walk's percent where the others made fewer (beside one observer's own count, it
    would be those few classrooms' result). Without `show_names`, observers are
    "Observer 1", "Observer 2", ... in the same order on every walk. Columns: window_id,
    observer, observations, percent, others_percent, difference.
    """
    floor = settings.privacy.min_observations
    frame = counts[counts["observations"] >= floor].copy()
    frame["percent"] = (100 * frame["met"] / frame["ratings"]).round(1)
    others = (100 * frame["others_met"] / frame["others_ratings"]).round(1)
    frame["others_percent"] = others.where(frame["others_observations"] >= floor)
    frame["difference"] = (frame["percent"] - frame["others_percent"]).round(1)
    if not show_names:
        order = {name: f"Observer {i}" for i, name in
                 enumerate(sorted(counts["observer"].unique()), start=1)}
        frame["observer"] = frame["observer"].map(order)
    return frame[["window_id", "observer", "observations", "percent", "others_percent",
                  "difference"]].reset_index(drop=True)


def transitions_display(table: pd.DataFrame) -> pd.DataFrame:
    """A `level_transitions` table as shown: counts with thousands separators, each hidden
    cell as its label (n<10, suppressed)."""
    labels = table.attrs.get("hidden_labels")
    values = table.to_numpy()
    shown = [[(labels[i][j] if labels else "suppressed") if pd.isna(values[i][j])
              else f"{int(values[i][j]):,}" for j in range(values.shape[1])]
             for i in range(values.shape[0])]
    return pd.DataFrame(shown, index=table.index, columns=table.columns)
