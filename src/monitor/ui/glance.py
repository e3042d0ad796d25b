"""The first screen's three answers, drawn compactly enough to be read at 1366 x 768 without
scrolling: which schools are off track on which goal, what changed this week, where to look
next (the overview); a school's goals, what changed there and its own attention list (the
School page). The data is monitor.views.glance and monitor.views.changes; every name and word from the
data is escaped here (html.escape) before it is drawn. The lists are one click away
(popovers with their first rows, every row as a CSV: components.long_table)."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from monitor.present.charts import STATUS_COLOURS
from monitor.ui import components
from monitor.views import changes
from monitor.views import glance as answers

# Status marks in the status colours every page uses (monitor.present.charts.STATUS_COLOURS).
STYLE = """<style>
.glance {font-size: 0.92rem; line-height: 1.35; color: #262730; margin: 0;}
.glance p {margin: 0 0 0.45rem 0;}
.glance .what {font-weight: 600;}
.glance .quiet {color: #505257;}
.glance .mark {font-weight: 700;}
</style>"""


def _mark(status: str | None) -> str:
    symbol = {"met": "✓", "approaching": "≈", "not met": "✗"}.get(status or "", "·")
    return (f"<span class='mark' style='color:{STATUS_COLOURS.get(status, STATUS_COLOURS[None])}'>"
            f"{symbol}</span>")


def _html(paragraphs: list[str]) -> None:
    st.html(STYLE + "<div class='glance'>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div>")


def _heading(title: str):
    """A section's heading with room beside it for its "show all" (the popover returned)."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.markdown(f"#### {title}")
    return row


def render_goals(goals: list[answers.Goal], *, key: str,
                 title: str = "Off track on each goal") -> None:
    """Each headline goal: the district's value and status, how many schools are below it and
    the furthest below by name; every school below a goal in a popover."""
    row = _heading(title)
    if not goals:
        _html(["<span class='quiet'>No headline results this year yet.</span>"])
        return
    lines = []
    for goal in goals:
        target = "no goal yet" if goal.target is None else f"goal {goal.target:.0f}%"
        district = ("" if goal.district is None else
                    f" · district {_mark(goal.district_status)} {goal.district:.0f}%")
        lines.append(f"<span class='what'>{escape(goal.label)}</span> "
                     f"<span class='quiet'>{escape(goal.window)}, {target}{district}</span><br>"
                     f"{_mark('not met') if goal.not_met else _mark('met')} "
                     f"{escape(goal.line())}")
    below = [goal.off.assign(Goal=goal.label, Window=goal.window) for goal in goals
             if len(goal.off)]
    if below:
        every = pd.concat(below, ignore_index=True)[
            ["Goal", "Window", "School", "Value (%)", "Goal (%)", "Points short", "Status"]]
        with row.popover(f"All {len(every):,}", icon=":material/list:",
                         help="Every school below a goal"):
            components.long_table(every, hide_index=True, key=f"{key}_off_track",
                                  file_name="schools-below-a-goal", what="schools below a goal")
    _html(lines)


def render_scope_goals(goals: pd.DataFrame, *, title: str = "Its goals") -> None:
    """One school's value against each headline goal: status mark, value, window and goal,
    the change from last year."""
    _heading(title)
    if goals.empty:
        _html(["<span class='quiet'>No headline results this year yet.</span>"])
        return
    lines = []
    for row in goals.itertuples():
        target = "no goal yet" if row.target is None else f"goal {row.target:.0f}%"
        value = "too few to show" if row.hidden else f"{row.value:.0f}%"
        change = ("" if row.change_last_year is None or pd.isna(row.change_last_year)
                  else f" · {row.change_last_year:+.0f} vs last year")
        lines.append(f"{_mark(row.status)} <span class='what'>{escape(row.label)}</span> "
                     f"{value} <span class='quiet'>{escape(row.window)}, {target}{change}"
                     "</span>")
    _html(lines)


def render_week(week: changes.Week, *, key: str, limit: int = 4,
                title: str = "What changed") -> None:
    """The week in a heading and a few lines (results in, statuses that changed, the largest
    move); every change in a popover."""
    row = _heading(title)
    if len(week.changes):
        with row.popover(f"All {len(week.changes):,}", icon=":material/history:",
                         help="Every change of the week"):
            components.long_table(components.changes_table(week.changes), hide_index=True,
                                  key=f"{key}_changes", file_name="what-changed",
                                  what="changes")
    lines = [f"<span class='quiet'>{escape(week.short())}</span>"]
    lines += [f"· {escape(line)}" for line in changes.summary(week, limit=2)[:limit]]
    _html(lines)


def render_next(attention: pd.DataFrame, *, key: str, limit: int = 5,
                nothing: str = "Nothing off track.", title: str = "Where to look next") -> None:
    """The first `limit` attention items with their reason; the whole list in a popover."""
    row = _heading(title)
    if attention.empty:
        _html([f"<span class='quiet'>{escape(nothing)}</span>"])
        return
    if len(attention) > limit:
        with row.popover(f"All {len(attention):,}", icon=":material/list:",
                         help="Everything off track, in order"):
            components.long_table(components.attention_table(attention), hide_index=True,
                                  key=f"{key}_attention", file_name="needs-attention",
                                  what="items")
    top = answers.look_next(attention, limit)
    _html([f"{_mark('not met')} <span class='what'>{escape(row.who)}</span>: "
           f"{escape(row.what)} <span class='quiet'>· {escape(row.why)}</span>"
           for row in top.itertuples()])
