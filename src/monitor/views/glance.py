"""The weekly glance (SPEC section 9): what a first screen answers in a minute, as data the
pages only draw.

- `off_track`: for every headline goal (each headline measure and subject), how many schools
  are below it at the goal's latest window and which, the furthest below first;
- `look_next`: the few attention items to act on first, each with its reason (the rest is the
  whole attention list, one click away);
- `school_attention`: a school's own list: its student groups, its grades and its measures
  below their goal, slipping or below trajectory.

"What changed" is monitor.views.changes; the protected numbers come from the measures tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from monitor.views.findings import needs_attention
from monitor.views.measures_table import latest_rows


@dataclass(frozen=True)
class Goal:
    """One headline goal across the schools at its latest window."""

    label: str
    window: str
    target: float | None
    schools: int                  # schools with a shown value there
    not_met: int
    approaching: int
    hidden: int                   # schools with results too few to show
    district: float | None = None         # the district's value there (None: hidden)
    district_status: str | None = None
    worst: list[tuple[str, float]] = field(default_factory=list)   # (school, value)
    off: pd.DataFrame = field(default_factory=pd.DataFrame)        # every school below it

    def line(self) -> str:
        """'7 of 12 schools not met, 2 approaching: Oak 41%, Pine 48%, ...'."""
        if not self.schools:
            return ("no school's results to show yet" if not self.hidden else
                    f"{self.hidden} school(s) with results too few to show")
        head = (f"{self.not_met} of {self.schools} school{'s' if self.schools != 1 else ''} "
                "not met" + (f", {self.approaching} approaching" if self.approaching else ""))
        if not self.worst:
            return head
        named = ", ".join(f"{name} {value:.0f}%" for name, value in self.worst)
        more = self.not_met - len(self.worst)
        return f"{head}: {named}" + (f" and {more} more" if more > 0 else "")


def off_track(tables: dict[str, pd.DataFrame], school_names: dict[str, str], school_year: str,
              worst: int = 3) -> list[Goal]:
    """Each goal of `tables` (label -> measures table, all students, pooled; the headline
    measures and subjects) at the district's latest window with results: the schools not met,
    the `worst` furthest below named first. A school with results there but hidden counts as
    hidden, never named."""
    goals = []
    for label, table in tables.items():
        table = table[table["detail"].isna()]             # every detail pooled
        district = latest_rows(table[(table["school"] == "district") & (table["group"] == "all")],
                               school_year)
        if district.empty:
            continue
        window_id = district["window"].iloc[0]
        window = district["window_label"].iloc[0]
        target = district["target"].iloc[0]
        value = district["value"].iloc[0]
        status = district["status"].iloc[0]
        rows = table[(table["group"] == "all") & (table["school"] != "district")
                     & (table["year"] == school_year) & (table["window"] == window_id)
                     & table["present"]]
        shown = rows[rows["value"].notna()]
        below = shown[shown["status"].isin(["not met", "approaching"])].assign(
            gap=lambda f: f["target"] - f["value"]).sort_values(["gap", "school"],
                                                                ascending=[False, True])
        not_met = below[below["status"] == "not met"]
        off = pd.DataFrame({
            "School": below["school"].map(lambda s: school_names.get(s, s)),
            "Value (%)": below["value"], "Goal (%)": below["target"],
            "Points short": below["gap"].round(1), "Status": below["status"]})
        goals.append(Goal(
            label, window, None if pd.isna(target) else float(target), len(shown),
            len(not_met), int((below["status"] == "approaching").sum()),
            int(rows["value"].isna().sum()),
            None if pd.isna(value) else float(value),
            status if isinstance(status, str) else None,
            [(school_names.get(s, s), float(v)) for s, v in
             zip(not_met["school"].head(worst), not_met["value"].head(worst), strict=True)],
            off.reset_index(drop=True)))
    return goals


def scope_goals(tables: dict[str, pd.DataFrame], where: str, school_year: str) -> pd.DataFrame:
    """One school's (or the district's: `where` "district") value against each headline goal
    at its latest window with results. Columns: label, window, target, value, status,
    change_last_year, n, hidden (a value too few to show)."""
    rows = []
    for label, table in tables.items():
        latest = latest_rows(table[(table["school"] == where) & (table["group"] == "all")
                                   & table["detail"].isna()], school_year)
        if latest.empty:
            continue
        row = latest.iloc[0]
        rows.append({"label": label, "window": row["window_label"],
                     "target": None if pd.isna(row["target"]) else float(row["target"]),
                     "value": None if pd.isna(row["value"]) else float(row["value"]),
                     "status": row["status"] if isinstance(row["status"], str) else None,
                     "change_last_year": None if pd.isna(row["change_last_year"])
                     else float(row["change_last_year"]),
                     "n": None if pd.isna(row["n"]) else int(row["n"]),
                     "hidden": pd.isna(row["value"])})
    return pd.DataFrame(rows, columns=["label", "window", "target", "value", "status",
                                       "change_last_year", "n", "hidden"])


def look_next(attention: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The first `limit` attention items (monitor.views.findings.needs_attention's order: whole
    schools on headline measures first, then the others, then groups; the most students
    short of the goal first), as lines: who, what, why."""
    top = attention.head(limit)
    return pd.DataFrame({
        "who": top["who"], "what": [f"{m} at {w}: {v:.0f}% (goal {t:.0f}%)" for m, w, v, t in
                                    zip(top["measure"], top["window"], top["value"],
                                        top["target"], strict=True)],
        # The first reason, in short (the attention list has them all, in full).
        "why": top["why"].str.split("; ").str[0].map(short_reason)}).reset_index(drop=True)


def short_reason(reason: str) -> str:
    """An attention reason in a few words: 'below trajectory twice', 'down 6 since the last
    window', '4 below last year', '35 points short'."""
    for long, short in (("below trajectory at the last two windows", "below trajectory twice"),
                        (" points since the last window", " since the last window"),
                        (" points below last year", " below last year")):
        reason = reason.replace(long, short)
    return re.sub(r" points short of the \d+% goal", " points short", reason)


def school_attention(tables: dict[str, pd.DataFrame],
                     grade_tables: dict[str, dict[str, pd.DataFrame]], school: str,
                     school_name: str, group_labels: dict[str, str],
                     school_year: str) -> pd.DataFrame:
    """A school's attention list: its whole-school results, its student groups (from
    `tables`, label -> the school's measures table with its groups) and its grades (from
    `grade_tables`, grade -> such tables by grade, all students) that are not met and
    slipping, below trajectory or far short; in needs_attention's order, the grades after
    the groups. Columns: where (the school, a group, a grade), measure, window, value,
    target, gap, why."""
    mine = {label: table[table["school"] == school] for label, table in tables.items()}
    found = needs_attention(mine, {school: school_name}, group_labels, school_year)
    found = found.assign(where=found["who"].map(
        lambda who: "Whole school" if who == school_name
        else who.removeprefix(f"{school_name}: ")))
    by_grade = []
    for grade, by_label in grade_tables.items():
        rows = needs_attention({label: table[(table["school"] == school)
                                             & (table["group"] == "all")]
                                for label, table in by_label.items()},
                               {school: school_name}, group_labels, school_year)
        by_grade.append(rows.assign(where=f"Grade {grade}"))
    found = pd.concat([found, *by_grade], ignore_index=True)
    return found[["where", "measure", "window", "value", "target", "gap", "why"]]
