"""Coaching logs: Google Forms, Microsoft Forms (.xlsx or CSV) or a plain CSV, one row per
coaching entry: when, the coach, who was coached (a teacher or a school leader) and their role,
the school, the goal and whether it was met (Yes / No / Partly), and, where a district rates
leaders on a rubric, one column per rubric domain (config.toml [coaching]).

Headers are found the way forms write them: the goal-met question is the header that names a
goal and "met" ("Goal met?", "Was the goal met?"); the goal is the other header that names a
goal; a rubric column's header begins with its domain's name. Each entry becomes one row for
its goal (aspect 'goal') and one per rubric domain rated (aspect = the domain). The names of
coaches and of the people coached are kept for analysts and never shown in an aggregate.
"""

from __future__ import annotations

import re

import pandas as pd

from monitor.config import Settings
from monitor.ingest import codes
from monitor.ingest.base import (
    RESPONSE_TIME_COLUMNS,
    Adapted,
    Columns,
    Context,
    dated_windows,
    read_code,
    response_identity,
    window_ids,
)
from monitor.ingest.common import Rejects, blank, parse_dates, per_value
from monitor.ingest.readers import RawTable, UnreadableFile
from monitor.registry import MeasureId

KEY = ("entry_id", "aspect")
SCHOOL = ("School", "School Name", "School Code", "Site")
DATE = ("Coaching Date", "Session Date", "Date of Coaching", "Date of Session", "Date",
        "Observation Date")
COACH = ("Coach", "Coach Name", "Coach Email", "Email Address", "Email", "Name")
COACHEE = ("Coachee", "Person Coached", "Name of Person Coached", "Coached", "Teacher or Leader",
           "Coached Teacher or Leader", "Educator", "Teacher")
ROLE = ("Role", "Coachee Role", "Role of Person Coached", "Position")
CYCLE = ("Cycle", "Coaching Cycle")


def _words(header: str) -> set[str]:
    return set(re.findall(r"[a-z]+", header.lower()))


def goal_met_column(cols: Columns) -> str | None:
    """The question whether the goal was met: a header naming a goal and 'met'."""
    return next((c for c in cols.frame.columns if {"goal", "met"} <= _words(c)
                 or {"goals", "met"} <= _words(c)), None)


def goal_column(cols: Columns) -> str | None:
    """The goal itself: the first other header naming a goal."""
    met = goal_met_column(cols)
    return next((c for c in cols.frame.columns
                 if c != met and _words(c) & {"goal", "goals"} and "met" not in _words(c)), None)


def looks_like(cols: Columns) -> bool:
    return goal_met_column(cols) is not None and cols.name(*COACHEE) is not None and (
        cols.name("Coach", "Coach Name", "Coach Email", "Coachee") is not None
        or "coach" in " ".join(cols.frame.columns).lower())


def _domain_column(cols: Columns, domain: str) -> str | None:
    """A rubric column: its header begins with the domain's name, at a word boundary."""
    wanted = " ".join(domain.lower().split())
    for column in cols.frame.columns:
        text = " ".join(column.lower().split())
        if text.startswith(wanted) and (len(text) == len(wanted)
                                        or not text[len(wanted)].isalnum()):
            return column
    return None


def rubric_code(settings: Settings) -> codes.Code:
    """A rubric rating: the level's number (1 = lowest) or its name ('3 - Proficient')."""
    levels = settings.coaching.rubric_levels
    spellings: dict[str, object] = {codes.normalise(v): None for v in codes.NOT_OBSERVED}
    for number, name in enumerate(levels, start=1):
        spellings[str(number)] = number
        spellings[codes.normalise(name)] = number

    def parse(text: str) -> object:
        for part in re.split(r"\s*[-:–()]\s*", text):
            if part in spellings and spellings[part] is not None:
                return spellings[part]
        return codes.UNRECOGNISED

    return codes.Code("rubric level", spellings, parse=parse,
                      examples=(f"1-{len(levels)}", *levels, "N/A or blank = not rated"))


def adapt(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    settings = ctx.settings
    cols.require("coaching log", SCHOOL, COACHEE)
    met_column, goal_text_column = goal_met_column(cols), goal_column(cols)
    domains = {d: _domain_column(cols, d) for d in settings.coaching.rubric_domains}
    if met_column is None and not any(domains.values()):
        raise UnreadableFile(f"{table.path.name}: coaching log with no goal-met column (a "
                             "header such as 'Goal met?') and no rubric column (config.toml "
                             "[coaching] rubric_domains)")
    rejects = Rejects()
    notes: list[str] = []
    school_column = cols.name(*SCHOOL)
    school = cols.get(*SCHOOL)
    rejects.add(blank(school), school_column, "required value is blank")
    coachee_column = cols.name(*COACHEE)
    coachee = cols.get(*COACHEE)
    rejects.add(blank(coachee), coachee_column, "required value is blank")

    date_column = cols.name(*DATE) or cols.name(*RESPONSE_TIME_COLUMNS)
    if date_column is None:
        raise UnreadableFile(f"{table.path.name}: coaching log with no date column (one of "
                             f"{', '.join(DATE)}, or the form's submission time)")
    raw_dates = cols.get(date_column)
    dates = parse_dates(raw_dates)
    rejects.add(blank(raw_dates), date_column, "required value is blank")
    rejects.add(~blank(raw_dates) & dates.isna(), date_column,
                "not a date (use YYYY-MM-DD or MM/DD/YYYY)")
    calendar = settings.measures[MeasureId.COACHING_GOALS].calendar
    cycle_column = cols.name(*CYCLE)
    override = (window_ids(rejects, cols.get(*CYCLE), cycle_column,
                           settings.calendars[calendar], reject=False)
                if cycle_column else None)
    years, windows, nearest = dated_windows(rejects, ctx, MeasureId.COACHING_GOALS, date_column,
                                            dates, override)

    role_column = cols.name(*ROLE)
    if role_column is None:
        role = pd.Series("teacher", index=cols.frame.index, dtype=object)
        notes.append("no Role column: everyone coached is taken as a teacher")
    else:
        role = read_code(rejects, cols.get(*ROLE), role_column, codes.COACHED_ROLE)
        rejects.add(blank(cols.get(*ROLE)), role_column, "required value is blank")

    goal = (cols.get(goal_text_column) if goal_text_column
            else pd.Series(pd.NA, index=cols.frame.index, dtype="string"))
    met = (read_code(rejects, cols.get(met_column), met_column, codes.GOAL_MET)
           if met_column else pd.Series(None, index=cols.frame.index, dtype=object))
    ratings = {d: read_code(rejects, cols.get(column), column, rubric_code(settings))
               for d, column in domains.items() if column}
    has_goal = ~blank(goal)
    rated = pd.DataFrame(ratings, index=cols.frame.index).notna().any(axis=1) if ratings \
        else pd.Series(False, index=cols.frame.index)
    rejects.add(~has_goal & ~rated, goal_text_column or met_column or school_column,
                "no goal and no rubric rating: nothing to count")

    coach = cols.get(*COACH)
    codes_ = per_value(school, ctx.school_code)
    entry = response_identity(cols)
    base = pd.DataFrame({
        "entry_id": entry, "school_year": years, "window_id": windows, "coached_on": dates,
        "school_code": codes_, "coach": coach, "coachee": coachee.str.split().str.join(" "),
        "role": role,
    }, index=cols.frame.index)
    parts = [base[has_goal].assign(aspect="goal", goal=goal[has_goal], goal_met=met[has_goal],
                                   rating=None)]
    for domain, values in ratings.items():
        given = values.notna()
        parts.append(base[given].assign(aspect=domain, goal=None, goal_met=None,
                                        rating=values[given]))
    frame = pd.concat(parts)
    frame = frame[["entry_id", "aspect", "school_year", "window_id", "coached_on",
                   "school_code", "coach", "coachee", "role", "goal", "goal_met", "rating"]]
    missing = [d for d, column in domains.items() if column is None]
    if ratings and missing:
        notes.append(f"no column for rubric domain(s) {', '.join(missing)}")
    return Adapted("coaching", "coaching_log", frame, KEY, rejects, nearest, notes)
