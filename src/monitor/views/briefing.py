"""The weekly briefing (`monitor digest --send`): a first screen's content as plain data for an
email and its PDF: which goals are off track and where, what changed this week, the first items
needing attention, stale sources, and links to the dashboard with the filters. The district's
for district staff; a school's, read in that school's principal's scope (no other school's
result is read, so none can be in it), for its principal."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from monitor import registry
from monitor.db import Database
from monitor.measures import selection
from monitor.views import breakdowns, changes, freshness, glance, measures, reads
from monitor.views.findings import needs_attention
from monitor.views.source import Source

MARKS = {"met": "✓", "approaching": "≈", "not met": "✗", None: "·"}
ATTENTION_SHOWN = 5


@dataclass(frozen=True)
class Briefing:
    """One recipient's briefing: for the district or one school."""

    where: str                      # "district", or a school code
    place: str                      # the district's or the school's name
    as_of: dt.date
    goals: list[str]
    week_heading: str
    week: list[str]
    attention: list[str]
    stale: list[str]
    links: list[tuple[str, str]] = field(default_factory=list)   # (what, address)

    @property
    def subject(self) -> str:
        return f"{self.place}: the week to {self.as_of:%B %-d, %Y}"

    def sections(self) -> list[tuple[str, list[str]]]:
        """The briefing's parts in order, each with its lines (a part with none says so)."""
        return [
            ("Goals: where each stands" if self.where != "district"
             else "Off track on each goal", self.goals or ["No headline results this year yet."]),
            (self.week_heading, self.week or ["Nothing changed this week."]),
            ("Needs attention first", self.attention or ["Nothing off track."]),
            ("Data not fresh", self.stale or ["Every source with a cadence is on time."]),
        ]


def _link(base: str, page: str, **params: str | None) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{base}/{page}" + (f"?{query}" if query else "")


def _goal_line(goal: glance.Goal) -> str:
    target = "no goal yet" if goal.target is None else f"goal {goal.target:.0f}%"
    district = ("" if goal.district is None else
                f"; district {MARKS.get(goal.district_status, '·')} {goal.district:.0f}%")
    return f"{goal.label} ({goal.window}, {target}{district}): {goal.line()}"


def _attention_lines(attention: pd.DataFrame, limit: int) -> list[str]:
    if attention.empty:
        return []
    top = glance.look_next(attention, limit)
    lines = [f"{row.who}: {row.what} · {row.why}" for row in top.itertuples()]
    if len(attention) > limit:
        lines.append(f"... and {len(attention) - limit} more on the dashboard")
    return lines


def _stale(db: Database, settings, as_of: dt.date) -> list[str]:
    return freshness.freshness(db.query("freshness"), settings, as_of).warnings


def district(source: Source, db: Database, as_of: dt.date, base_url: str) -> Briefing:
    """The district's briefing, read in district staff's scope."""
    settings = source.settings
    year = settings.current_school_year()
    filters = selection.Filters(school_year=year)
    names = source.schools()
    school_names = dict(zip(names["school_code"], names["school_name"], strict=True))
    headline = tuple(m for m, c in settings.measures.items() if c.headline)
    tables: dict[str, pd.DataFrame] = {}
    for subject in registry.STUDENT_SUBJECTS:
        tables |= measures.tables_through(source, filters.model_copy(
            update={"subject": subject}), headline)
    goals = [_goal_line(goal) for goal in glance.off_track(tables, school_names, year)]
    grid = tuple(m for m in settings.measures if registry.spec(m).in_grid)
    grid_tables = measures.tables_through(source, filters.model_copy(
        update={"subject": "ELA"}), grid)
    attention = needs_attention(grid_tables, school_names, measures.group_names(settings), year,
                                frozenset(measures.tile_label(settings, m, filters.model_copy(
                                    update={"subject": "ELA"})) for m in headline))
    week = reads.week_changes(db, settings, as_of)
    return Briefing("district", settings.district.name, as_of, goals, week.heading(),
                    changes.summary(week), _attention_lines(attention, ATTENTION_SHOWN),
                    _stale(db, settings, as_of), [
                        ("The district overview", _link(base_url, "", year=year)),
                        ("Every change this week", _link(base_url, "", year=year)),
                        ("How fresh each source is", _link(base_url, "data", year=year))])


def school(source: Source, db: Database, code: str, as_of: dt.date, base_url: str) -> Briefing:
    """One school's briefing, read in `source`'s scope (its principal's: the district's
    aggregates and this school only)."""
    settings = source.settings
    source.scope.check_school(code)
    year = settings.current_school_year()
    filters = selection.Filters(school_year=year, school=code)
    row = source.schools().set_index("school_code").loc[code]
    headline = tuple(m for m, c in settings.measures.items() if c.headline)
    tables: dict[str, pd.DataFrame] = {}
    for subject in registry.STUDENT_SUBJECTS:
        tables |= measures.tables_through(source, filters.model_copy(
            update={"subject": subject}), headline)
    goals = []
    for goal in glance.scope_goals(tables, code, year).itertuples():
        target = "no goal yet" if goal.target is None else f"goal {goal.target:.0f}%"
        value = "too few to show" if goal.hidden else f"{goal.value:.0f}%"
        change = ("" if goal.change_last_year is None or pd.isna(goal.change_last_year)
                  else f", {goal.change_last_year:+.0f} vs last year")
        goals.append(f"{MARKS.get(goal.status, '·')} {goal.label}: {value} at {goal.window} "
                     f"({target}{change})")
    grades = {grade: {} for grade in breakdowns.level_grades(row["level"])}
    for grade in grades:
        for subject in registry.STUDENT_SUBJECTS:
            grades[grade] |= measures.tables_through(source, filters.model_copy(
                update={"subject": subject, "grade": grade, "group": "all"}), headline)
    attention = glance.school_attention(tables, grades, code, row["school_name"],
                                        measures.group_names(settings), year)
    week = reads.week_changes(db, settings, as_of, (code,))
    return Briefing(code, str(row["school_name"]), as_of, goals, week.heading(),
                    changes.summary(week),
                    _attention_lines(attention.rename(columns={"where": "who"}),
                                     ATTENTION_SHOWN),
                    _stale(db, settings, as_of), [
                        ("The school's page", _link(base_url, "school", school=code, year=year)),
                        ("Its student groups", _link(base_url, "groups", school=code,
                                                     year=year)),
                        ("Its improvement cycle", _link(base_url, "cycles", school=code))])


def as_text(briefing: Briefing) -> str:
    """The briefing as plain text (the email's text part)."""
    lines = [briefing.subject, ""]
    for title, items in briefing.sections():
        lines += [title, *[f"- {item}" for item in items], ""]
    lines += [f"{what}: {address}" for what, address in briefing.links]
    return "\n".join(lines) + "\n"


def as_html(briefing: Briefing) -> str:
    """The briefing as an HTML email: every value escaped, plain inline styles (mail clients
    drop style sheets), the links to the dashboard with their filters."""
    esc = html.escape
    parts = [f"<h1 style='font-size:20px;margin:0 0 4px'>{esc(briefing.place)}</h1>",
             f"<p style='color:#505257;margin:0 0 16px'>The week to "
             f"{briefing.as_of:%B %-d, %Y}</p>"]
    for title, items in briefing.sections():
        parts.append(f"<h2 style='font-size:16px;margin:16px 0 4px'>{esc(title)}</h2><ul>")
        parts += [f"<li>{esc(item)}</li>" for item in items]
        parts.append("</ul>")
    parts.append("<p>" + " · ".join(f"<a href='{esc(address, quote=True)}'>{esc(what)}</a>"
                                    for what, address in briefing.links) + "</p>")
    body = "".join(parts)
    return ("<!DOCTYPE html><html><body style='font-family:Arial,sans-serif;font-size:15px;"
            f"color:#1f2328;max-width:720px'>{body}</body></html>")
