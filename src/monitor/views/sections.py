"""A page's chart sections as data: what a section's title says, the rows its chart draws, the
table under it and how its n reads, computed from the frames the cached views return. Pages only
draw what these give (the School page and the overview's schools at a window); each is a plain
function tested without Streamlit (tests/measures/test_sections.py)."""

from __future__ import annotations

from dataclasses import dataclass

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
    waiting = schools.loc[~schools["present"].astype(bool) & schools["school_code"].isin(expected)]
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
             f"({worst['gap_to_all'].iloc[0]:+.0f} points)" if len(worst)
             and worst["group_id"].iloc[0] != "all" else f"Student groups at {window}")
    table = rows[["group", "value", "n", "gap_to_all"]].rename(
        columns={"group": "Group", "value": "Value (%)", "gap_to_all": "Gap to all students"})
    return Section(title, rows, table, n_note)


def target_or_none(point: pd.Series) -> float | None:
    """A trajectory point's goal, or None where it has none."""
    return float(point["target"]) if pd.notna(point["target"]) else None
