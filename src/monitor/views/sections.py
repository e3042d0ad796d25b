"""A page's chart sections as data: what a section's title says, the rows its chart draws, the
table under it and how its n reads, computed from the frames the cached views return. Pages only
draw what these give (the School page and the overview's schools at a window); each is a plain
function tested without Streamlit (tests/measures/test_sections.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.views import trajectories

# Schools of a level a school is ranked among, at least, where a reader may not see the other
# schools' values: of two, "1st, median 51%" is the other school's 51%.
PEER_MINIMUM = 5

SCHOOL_COLUMNS = {"school_name": "School", "level": "Level", "value": "Value (%)", "n": "n",
                  "target": "Goal (%)", "status": "Status"}


@dataclass(frozen=True)
class Section:
    """One chart section: its title (the finding), the rows its chart draws, the table shown
    under it (and downloaded) and its n as the caption says it."""

    title: str
    rows: pd.DataFrame
    table: pd.DataFrame
    n_note: str


def _school_table(rows: pd.DataFrame, level: bool = True) -> pd.DataFrame:
    columns = [c for c in SCHOOL_COLUMNS if level or c != "level"]
    return rows[columns].rename(columns=SCHOOL_COLUMNS)


def schools_at_window(schools: pd.DataFrame, expected: list[str], window: str,
                      approaching_band: float) -> Section:
    """Every school with results at a window against its goal, the schools not met counted in
    the title, and the schools whose results have not arrived (they had some this year) named."""
    expected = set(expected)
    waiting = schools.loc[~schools["present"].astype(bool) & np.fromiter(
        (code in expected for code in schools["school_code"]), bool, len(schools))]
    shown = schools.loc[schools["present"].astype(bool)]
    off = shown[shown["status"] == "not met"]
    title = (f"{len(off)} of {len(shown)} schools not met (more than {approaching_band:.0f} "
             f"points below the goal) at {window}")
    if len(waiting):
        title += f"; {len(waiting)} with no results: " + ", ".join(waiting["school_name"][:3])
    return Section(title, shown, _school_table(shown), f"n = {len(shown)} schools with results")


def every_school(schools: pd.DataFrame, window: str, label: str) -> Section:
    """Every school at a window (the School page before a school is chosen)."""
    shown = schools.loc[schools["present"].astype(bool)]
    return Section(f"Every school at {window}: {label}", shown, _school_table(shown),
                   f"n = {len(shown)} schools with results")


def standing(peers: pd.DataFrame, school: str, minimum: int = 2) -> dict[str, float | int] | None:
    """Where `school` stands among `peers` (each school's value at one window): its rank, how
    many have a value and their median; with fewer than `minimum` schools, the count alone
    (PEER_MINIMUM where the reader may not see the others' values). None: the school has no
    value there."""
    ranked = peers[peers["value"].notna()].sort_values("value", ascending=False)
    codes = list(ranked["school_code"])
    if school not in codes:
        return None
    if len(codes) < minimum:
        return {"count": len(codes)}
    return {"rank": codes.index(school) + 1, "count": len(codes),
            "median": float(ranked["value"].median())}


def peers(schools: pd.DataFrame, school: str, school_name: str, level: str,
          window: str) -> Section:
    """A school beside the schools of its level at a window (for a reader who sees every
    school): its rank and the median in the title, the school marked in the chart."""
    shown = schools.loc[schools["present"].astype(bool)].copy()
    place = standing(shown, school)
    if place is not None and "rank" in place:
        title = (f"{school_name} is {trajectories.ordinal(place['rank'])} of {place['count']} "
                 f"{level.lower()} schools at {window} (median {place['median']:.0f}%)")
    else:
        title = f"{level} schools at {window}"
    shown["school_name"] = shown["school_name"].where(
        shown["school_code"] != school, "▶ " + shown["school_name"] + " (this school)")
    return Section(title, shown, _school_table(shown, level=False),
                   f"n = {len(shown)} {level.lower()} schools with results")


def by_grade(rows: pd.DataFrame, window: str) -> Section:
    """A school's grades beside the district's same grade, the lowest grade in the title."""
    shown = rows[rows["value"].notna()]
    lowest = shown.sort_values("value").head(1)
    title = (f"By grade at {window}: grade {lowest['detail'].iloc[0]} is lowest at "
             f"{lowest['value'].iloc[0]:.0f}%" if len(lowest) else f"By grade at {window}")
    table = rows.rename(columns={"detail": "Grade", "value": "School (%)",
                                 "last_year": "District, same grade (%)", "target": "Goal (%)"})[
        ["Grade", "School (%)", "n", "District, same grade (%)", "Goal (%)"]]
    return Section(title, rows, table, f"n = {int(rows['n'].sum()):,} students")


def groups(rows: pd.DataFrame, window: str, n_note: str) -> Section:
    """Each student group beside all students, the largest gap in the title."""
    worst = rows[rows["gap_to_all"].notna()].sort_values("gap_to_all").head(1)
    title = (f"Largest gap at {window}: {worst['group'].iloc[0]} "
             f"({trajectories.signed_points(worst['gap_to_all'].iloc[0])} points)" if len(worst)
             and worst["group_id"].iloc[0] != "all" else f"Student groups at {window}")
    table = rows[["group", "value", "n", "gap_to_all"]].rename(
        columns={"group": "Group", "value": "Value (%)", "gap_to_all": "Gap to all students"})
    return Section(title, rows, table, n_note)


def target_or_none(point: pd.Series) -> float | None:
    """A trajectory point's goal, or None where it has none."""
    return float(point["target"]) if pd.notna(point["target"]) else None


# -- the Student groups page ---------------------------------------------------------------

def group_gaps(rows: pd.DataFrame, label: str, window: str, n_phrase: str,
               min_n: int) -> tuple[Section, str | None]:
    """Each group's gap to all students at a window, the widest in the title; and the widest
    group's id (the trajectory shown below it when no group is chosen), or None."""
    gaps = rows[(rows["group_id"] != "all") & rows["gap_to_all"].notna()]
    widest = gaps.sort_values("gap_to_all").head(1)
    title = (f"{label} at {window}: widest gap is {widest['group'].iloc[0]}, "
             f"{trajectories.signed_points(widest['gap_to_all'].iloc[0])} points" if len(widest)
             else f"{label} at {window} by student group")
    suppressed = int(rows["value"].isna().sum())
    table = rows[["group", "value", "n", "gap_to_all"]].rename(
        columns={"group": "Group", "value": "Value (%)", "gap_to_all": "Gap to all students"})
    return (Section(title, rows, table, f"{n_phrase}; {suppressed} groups under n={min_n} "
                                         "suppressed"),
            widest["group_id"].iloc[0] if len(widest) else None)


DASHBOARD_NOTE = ("A performance level is not the goal status: it combines the distance from "
                  "the goal with the change from the same window last year (the California "
                  "School Dashboard's five levels, Red to Blue); each cell also says its goal "
                  "status (met, approaching, not met); each measure at its latest window")


def dashboard(grid: pd.DataFrame, worst_levels: tuple[str, ...]) -> Section:
    """Every group on every measure, coloured as the California School Dashboard does; the
    cells at the two worst levels counted in the title."""
    counts = grid["colour"].value_counts()
    worst = [f"{counts[c]} {c.lower()}" for c in worst_levels if c in counts]
    title = ("Performance level (status and change together, as on the California School "
             "Dashboard): " + (" and ".join(worst) + " cells need attention" if worst
                               else "no red or orange cells"))
    table = grid.rename(columns={
        "group": "Group", "measure": "Measure", "window": "Window", "value": "Value (%)",
        "target": "Goal (%)", "change_last_year": "Change from last year",
        "status_level": "Status level", "change_level": "Change level",
        "colour": "Performance level", "status": "Goal status"}).drop(
        columns=["display", "suppressed"])
    return Section(title, grid, table, DASHBOARD_NOTE)


def gap_trend(trend: pd.DataFrame, label: str) -> Section:
    """Which gaps closed and which widened against the same window last year."""
    closing, widening = (int((trend["trend"] == t).sum()) for t in ("closing", "widening"))
    title = (f"{label}: {closing} gap(s) closing, {widening} widening since "
             f"{trend['window'].iloc[0]} last year")
    table = trend.rename(columns={"group": "Group", "window": "Window", "gap": "Gap now",
                                  "gap_last_year": "Gap last year",
                                  "change": "Change in size (points)", "trend": "Trend"})
    return Section(title, trend, table, "Groups with a value this year and last; a gap is "
                                        "closing when it shrank by a point or more")


def gap_to_all(chosen: pd.DataFrame, everyone: pd.DataFrame) -> pd.Series:
    """A group's trajectory less all students', window by window, to a tenth of a point."""
    return (pd.to_numeric(chosen["value"], errors="coerce")
            - pd.to_numeric(everyone["value"], errors="coerce")).round(1)


def caught_up(table: pd.DataFrame, where: str, group_labels: dict[str, str],
                first_label: str, window: str) -> Section:
    """Of the students below standard at the year's first window, the share who reached it by
    a later one, per group of one scope (`where`: a school code or the district's key)."""
    rows = table[table["scope"] == where].copy()
    rows["group"] = rows["group_id"].map(group_labels)
    rows = rows[rows["group"].notna()]
    everyone = rows[rows["group_id"] == "all"]
    if len(everyone) and pd.notna(everyone["value"].iloc[0]):
        title = (f"Catching up: {everyone['value'].iloc[0]:.0f}% of students below standard "
                 f"at {first_label} reached it by {window}")
    else:
        title = f"Catching up from {first_label} to {window}"
    shown = rows.assign(**{"Caught up": rows["display"]})[
        ["group", "n", "Caught up", "ci_low", "ci_high", "n_at_standard", "n_fell_behind"]
    ].rename(columns={"group": "Group", "n": "Below at start", "ci_low": "95% low",
                      "ci_high": "95% high", "n_at_standard": "At standard at start",
                      "n_fell_behind": "Fell behind"})
    return Section(title, rows, shown, f"n = students below standard at {first_label}; 95% "
                                       "interval shown")


# -- the overview ----------------------------------------------------------------------------

def grid_measures(grid: pd.DataFrame) -> list[str]:
    """The schools x measures grid's measures that have results (each a value column beside
    its "<label> status" column)."""
    return [label for label in grid.columns
            if f"{label} status" in grid.columns and grid[label].notna().any()]


def grid_heading(grid: pd.DataFrame, labels: list[str]) -> str:
    """How many schools are at goal on each measure of the grid, at its latest window."""
    met = {label: (int((grid[f"{label} status"] == "met").sum()),
                   int(grid[f"{label} status"].notna().sum())) for label in labels}
    return "Schools at goal, latest window: " + ", ".join(
        f"{label} {m} of {n}" for label, (m, n) in met.items() if n)


def attention_heading(attention: pd.DataFrame) -> str:
    """The attention list's heading: whole schools' results and groups' results off track."""
    if not len(attention):
        return "Needs attention: nothing off track"
    whole = int(attention["whole"].sum())
    return (f"Needs attention: {whole} school result(s) and {len(attention) - whole} student "
            "group result(s) off track")


def state_test(comparison: pd.DataFrame, year: str, subject: str | None) -> Section | None:
    """The district's state test result beside the county's and the state's (CAASPP research
    files), every hidden count in words. None: the district has no shown result."""
    reference = comparison[comparison["level"] != "School"].set_index("level")["pct_met_above"]
    if "District" not in reference or pd.isna(reference["District"]):
        return None
    parts = [f"{level.lower()} {reference[level]:.0f}%" for level in ("State", "County")
             if level in reference and pd.notna(reference[level])]
    title = (f"State test {year}, {subject}: district {reference['District']:.0f}% met or "
             "exceeded" + (f" (vs {', '.join(parts)})" if parts else ""))
    hidden = comparison["suppressed"].astype(bool)
    shown = comparison.assign(
        students_tested=comparison["students_tested"].map(
            lambda v: "" if pd.isna(v) else f"{v:,.0f}").where(~hidden, comparison["hidden_label"]),
        pct_met_above=comparison["pct_met_above"].map(
            lambda v: "" if pd.isna(v) else f"{v:.1f}").where(~hidden, comparison["hidden_label"]))
    table = shown.drop(columns=["suppressed", "hidden_label"]).rename(columns={
        "level": "Level", "entity": "Entity", "school_code": "School code",
        "students_tested": "Students tested", "pct_met_above": "% met or exceeded"})
    return Section(title, comparison, table,
                   f"n = {int(comparison['students_tested'].max()):,} tested (largest entity) "
                   "· CAASPP research file")


def calendar(frame: pd.DataFrame) -> Section:
    """The assessment calendar: which windows are open on the as-of date and, of those, how
    many schools' results are in."""
    open_now = frame[frame["state"] == "open"]
    if len(open_now):
        waiting = open_now[open_now["schools_with_results"] < open_now["schools_expected"]]
        title = (f"{len(open_now)} window(s) open now; " + (
            ", ".join(f"{r.window} ({r.label.split(':')[0]}): {r.schools_with_results} of "
                      f"{r.schools_expected} schools in" for r in waiting.itertuples())
            if len(waiting) else "every school's results are in"))
    else:
        title = "No assessment window is open on the as-of date"
    table = frame.rename(columns={"label": "Measure", "window": "Window", "start": "Opens",
                                  "end": "Closes", "state": "State",
                                  "schools_with_results": "Schools with results",
                                  "schools_expected": "Schools taking it"}).drop(
        columns=["measure", "source", "calendar", "window_id"])
    return Section(title, frame, table, f"{frame['schools_expected'].max()} schools")


# -- the Learning walks page ---------------------------------------------------------------

def observer_calibration(calibration: pd.DataFrame, walk_ids: list[str], walk_id: str,
                         labels: dict[str, str], min_observations: int,
                         analyst: bool) -> Section | None:
    """How each observer's ratings compare with the rest of the same walk, at the latest walk
    up to `walk_id` where at least two observers are over the floor, each beside a rest of
    the walk over it too (an open walk may have none yet). None: no such walk."""
    rated = calibration[calibration["difference"].notna()].groupby("window_id").size()
    ready = [w for w in walk_ids[:walk_ids.index(walk_id) + 1] if rated.get(w, 0) >= 2]
    if not ready:
        return None
    window = ready[-1]
    now = calibration[(calibration["window_id"] == window) & calibration["difference"].notna()]
    widest = now.loc[now["difference"].abs().idxmax()]
    title = (f"Observer calibration at {labels[window]}: ratings range "
             f"{now['difference'].min():+.0f} to {now['difference'].max():+.0f} points from the "
             "rest of the walk" if now["difference"].abs().max() >= 1
             else f"Observer calibration at {labels[window]}: observers agree")
    table = now.rename(columns={"observer": "Observer", "observations": "Observations",
                                "percent": "Meeting (%)", "others_percent": "Everyone else (%)",
                                "difference": "Difference (points)"}).drop(columns=["window_id"])
    who = ("names shown to district analysts only" if analyst else
           "observers numbered; names are for district analysts")
    return Section(title, now, table,
                   f"{len(now)} observers with at least {min_observations} observations; all "
                   f"indicators pooled; {who}; widest: {widest['observer']}")


# -- the Data page -----------------------------------------------------------------------------

def coverage(found: pd.DataFrame, schools: pd.DataFrame, source: str, source_label: str,
             calendar, school_year: str, as_of) -> Section:
    """Which schools have results from one source in which window of the year: students (or
    observations, respondents) per school and window, 0 where a started window has none, "not
    yet" for windows still to come; the schools missing a started window named. A school is
    expected where this source has its results in either year of `found` (this and the last)."""
    found = found[found["source"] == source]
    expected = set(found["school_code"])
    found = found[found["school_year"] == school_year]
    grid = (found.pivot_table(index="school_code", columns="window_id", values="n",
                              aggfunc="sum")
            .reindex(index=schools["school_code"], columns=calendar.ids))
    started = [w.id for w in calendar.windows if w.dates(school_year)[0] <= as_of]
    # (The grid's rows are the schools', in order: one look at the whole grid, not one per
    # school, which took half a second at 900 schools on every run of the Data page.)
    lacking = (grid[started].isna().any(axis=1).to_numpy() if started
               else np.zeros(len(grid), dtype=bool))
    missing = [code for code, lacks in zip(schools["school_code"], lacking, strict=True)
               if lacks and code in expected]
    names = schools.set_index("school_code")["school_name"]
    title = (f"{len(missing)} school(s) with a missing {calendar.label.lower()}: "
             + ", ".join(names[c] for c in missing[:3]) if missing
             else f"Every school with {source_label} data has every window that has started")
    grid.index = pd.Index(schools["school_name"], name="School")
    grid.columns = [calendar.label_of(c) for c in grid.columns]
    # Windows that have started show 0 where nothing arrived; windows still to come are named.
    shown = grid.fillna(0).astype(int).astype(object)
    shown[[calendar.label_of(c) for c in calendar.ids if c not in started]] = "not yet"
    return Section(title, grid, shown, f"Students (or observations, respondents) with results, "
                                       f"{school_year} · as of {as_of:%B %-d, %Y}")


def load_history_heading(history: pd.DataFrame) -> str:
    return (f"Load history: {len(history):,} files, {int(history['rows_loaded'].sum()):,} rows "
            "loaded")
