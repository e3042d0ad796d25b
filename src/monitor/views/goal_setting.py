"""Setting a goal from past performance: where a school (or the district) ended last year, and
suggestions a district can reason about: close a third of the gap to the absolute goal, grow as
the top quarter of schools grew last year, or the absolute goal itself. Read from the protected
measures table (a hidden result is no starting point), each suggestion with its arithmetic in
words, or why it cannot be offered."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from monitor.config import Settings
from monitor.measures import goals
from monitor.school_years import previous_school_year
from monitor.views.sections import PEER_MINIMUM

THIRD, TOP_QUARTER, ABSOLUTE, OWN = "third_of_gap", "top_quarter", "absolute", "own"


@dataclass(frozen=True)
class Starting:
    """Where a school or the district ended last year: the value at the year-end window (or
    the latest measured), or None with why there is none."""
    value: float | None
    words: str


@dataclass(frozen=True)
class Suggestion:
    key: str
    label: str                 # what a district would call it
    value: float | None        # the year-end goal it gives (None: not offered)
    why: str                   # its arithmetic in words, or why it is not offered

    @property
    def basis(self) -> str:
        """How the goal's origin reads where it is used ("close a third of the gap")."""
        return "" if self.key == OWN else self.label[0].lower() + self.label[1:]


def absolute_goal(settings: Settings, measure: str, subject: str | None) -> float | None:
    """The district's absolute goal at year end: config.toml's (the long-range aim every
    goal set in the product works towards)."""
    plain = settings.model_copy(update={"goals_set": ()})
    last = settings.calendar_for(measure).ids[-1]
    return goals.goal_for(plain, measure, last, None, subject)


def starting_point(table: pd.DataFrame, settings: Settings, measure: str, where: str,
                   school_year: str) -> Starting:
    """`where`'s result last year (school code, or "district") from the measures table of one
    subject: all students, all grades, pooled."""
    last_year = previous_school_year(school_year)
    calendar = settings.calendar_for(measure)
    rows = _pooled(table)
    rows = rows[(rows["school"] == where) & (rows["year"] == last_year)]
    if rows.empty:
        return Starting(None, f"no results in {last_year}")
    order = {w: i for i, w in enumerate(calendar.ids)}
    latest = rows.assign(_at=rows["window"].map(order)).sort_values("_at").iloc[-1]
    label = calendar.label_of(latest["window"])
    if pd.isna(latest["value"]):
        return Starting(None, f"{last_year} {label}: hidden (too few to show)")
    value = float(latest["value"])
    return Starting(value, f"{_pct(value)} at {label} {last_year} (n={int(latest['n'])})")


def first_window(table: pd.DataFrame, settings: Settings, measure: str, where: str,
                 school_year: str) -> tuple[float, str] | None:
    """Where `where` starts the year: its shown result at the first window this year, else
    last year's (the growth of a year is added to a start, not to last year's end)."""
    calendar = settings.calendar_for(measure)
    rows = _pooled(table)
    rows = rows[(rows["school"] == where) & (rows["window"] == calendar.ids[0])
                & rows["value"].notna()]
    for year in (school_year, previous_school_year(school_year)):
        found = rows[rows["year"] == year]
        if len(found):
            value = float(found["value"].iloc[0])
            return value, f"{_pct(value)} at {calendar.label_of(calendar.ids[0])} {year}"
    return None


def top_quarter_growth(table: pd.DataFrame, settings: Settings, measure: str,
                       school_year: str) -> tuple[float | None, str]:
    """The growth from the first window to the year-end window last year that a quarter of
    schools reached or passed (their 75th percentile), in points, over the schools whose both
    results are shown; None with why where it cannot be said (one window a year, or fewer than
    PEER_MINIMUM schools: a quantile of a few schools tells their results)."""
    ids = settings.calendar_for(measure).ids
    last_year = previous_school_year(school_year)
    if len(ids) < 2:
        return None, "one window a year: no growth within a year to compare"
    rows = _pooled(table)
    rows = rows[(rows["school"] != "district") & (rows["year"] == last_year)
                & rows["window"].isin([ids[0], ids[-1]]) & rows["value"].notna()]
    both = rows.pivot_table(index="school", columns="window", values="value").dropna()
    if ids[0] not in both or ids[-1] not in both or len(both) < PEER_MINIMUM:
        return None, (f"fewer than {PEER_MINIMUM} schools with results shown at both the first "
                      f"and last window of {last_year}")
    growth = both[ids[-1]] - both[ids[0]]
    return float(growth.quantile(0.75)), f"{len(both)} schools in {last_year}"


def suggestions(table: pd.DataFrame, settings: Settings, measure: str, subject: str | None,
                where: str, school_year: str) -> tuple[Starting, list[Suggestion]]:
    """Where `where` ended last year and the suggested year-end goals from it."""
    start = starting_point(table, settings, measure, where, school_year)
    absolute = absolute_goal(settings, measure, subject)
    growth, growth_basis = top_quarter_growth(table, settings, measure, school_year)
    found: list[Suggestion] = []
    third = "Close a third of the gap to the absolute goal"
    if absolute is None:
        found.append(Suggestion(THIRD, third, None, "the district has no absolute goal for "
                                "this measure in its settings"))
    elif start.value is None:
        found.append(Suggestion(THIRD, third, None, f"no starting point: {start.words}"))
    elif start.value >= absolute:
        found.append(Suggestion(THIRD, third, _whole(start.value),
                                f"already at or above {_pct(absolute)}: hold last year's "
                                f"{_pct(start.value)}"))
    else:
        value = start.value + (absolute - start.value) / 3
        found.append(Suggestion(THIRD, third, _whole(value),
                                f"{_pct(start.value)} + ({absolute:g} - {start.value:g}) / 3, "
                                "rounded"))
    quarter = "The growth of the top quarter of schools"
    first = first_window(table, settings, measure, where, school_year)
    if growth is None:
        found.append(Suggestion(TOP_QUARTER, quarter, None, growth_basis))
    elif first is None:
        found.append(Suggestion(TOP_QUARTER, quarter, None, "no result shown at the first "
                                "window this year or last to grow from"))
    else:
        base, words = first
        found.append(Suggestion(TOP_QUARTER, quarter, _whole(base + max(growth, 0.0)),
                                f"{words} + {max(growth, 0.0):.1f} points, the growth from "
                                f"the first window to the year end a quarter of schools "
                                f"reached ({growth_basis})"))
    found.append(Suggestion(ABSOLUTE, "The absolute goal", None if absolute is None
                            else _whole(absolute),
                            "the district's long-range goal in its settings" if absolute
                            is not None else "the district has no absolute goal set"))
    return start, found


def _pooled(table: pd.DataFrame) -> pd.DataFrame:
    """All students, all grades, every detail pooled."""
    rows = table[(table["group"] == "all") & (table["grade"] == "all")]
    return rows[rows["detail"].isna()] if "detail" in rows else rows


def _pct(value: float) -> str:
    return f"{round(value, 1):g}%"


def _whole(value: float) -> float:
    """A suggested goal as a whole percent, 0 to 100 (half up, as people round)."""
    return float(min(100, max(0, math.floor(value + 0.5))))


def subject_words(subject: str | None) -> str:
    return "Every subject" if subject is None else str(subject)


def goals_words(settings: Settings, measure: str, table: dict[str, float]) -> str:
    """A goal table in words: "Fall 60% · Winter 75% · Spring 80%", a year-end goal alone
    says the line to it starts from the first window's result."""
    if not table:
        return "no goal"
    calendar = settings.calendar_for(measure)
    words = " · ".join(f"{calendar.label_of(w)} {table[w]:g}%" for w in calendar.ids
                       if w in table)
    if list(table) == [calendar.ids[-1]] and len(calendar.ids) > 1:
        words += f" (a straight line from the {calendar.label_of(calendar.ids[0])} result)"
    return words


def in_force(settings: Settings, school: str | None) -> pd.DataFrame:
    """Every measure's goals that apply to a school (None: the district), with where each
    came from: the Goals page's table. A measure's subjects that share their goals and origin
    are one row ("Every subject, Math")."""
    rows = []
    for measure, config in settings.measures.items():
        shared: dict[tuple[str, str], list[str]] = {}
        for subject in goals.goal_subjects(measure):
            table = goals.goal_table(settings, measure, school, subject)
            key = (goals_words(settings, measure, table),
                   goals.origin_text(settings, measure, school, subject, reason=True))
            shared.setdefault(key, []).append(subject_words(subject))
        rows += [{"Measure": config.label, "Subject": ", ".join(subjects), "Goals": words,
                  "Where it came from": origin} for (words, origin), subjects in shared.items()]
    return pd.DataFrame(rows, columns=["Measure", "Subject", "Goals", "Where it came from"])


RECORD_COLUMNS = ["Measure", "Subject", "Goals", "Status", "Proposed", "Decided",
                  "Suggestion", "Why", "Note"]


def records_table(settings: Settings, records: list) -> pd.DataFrame:
    """Every goal recorded for one school or the district (monitor.writing.goalbook's
    records), newest first: what was set or proposed, by whom and when, and the decision."""
    rows = [{"Measure": settings.measures[r.measure].label if r.measure in settings.measures
             else r.measure,
             "Subject": subject_words(r.subject),
             "Goals": goals_words(settings, r.measure, r.targets)
             if r.measure in settings.measures else "",
             "Status": r.status,
             "Proposed": f"{r.proposed_at[:10]} by {r.proposed_by}",
             "Decided": f"{r.decided_at[:10]} by {r.decided_by}" if r.decided_at else "",
             "Suggestion": r.basis, "Why": r.reason, "Note": r.decision_note}
            for r in reversed(records)]
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)


def interim_goals(settings: Settings, measure: str, subject: str | None,
                  year_end: float | None) -> dict[str, float]:
    """Goals before the year end to start from: the district's trajectory (its goals in force
    for the subject) moved up or down to end at `year_end`, whole percents from 0 to 100. None
    where the district has no goal before the year end (a straight line from the first
    window's result then)."""
    district = goals.goal_table(settings, measure, None, subject)
    last = settings.calendar_for(measure).ids[-1]
    if year_end is None or last not in district:
        return {}
    shift = year_end - district[last]
    return {window: _whole(target + shift) for window, target in district.items()
            if window != last}
