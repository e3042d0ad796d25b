"""What changed since last week (SPEC section 9): the headline measures as they stood in the
last data version at least seven days before the as-of date, against now, for the current
school year only.

Each load records, in `measure_history`, every headline cell (each measure and subject, each
school and the district, all students, all grades, details pooled) whose shown value or n it
changed, stamped with the load's as-of date (lattice.record_history). A cell as it stood at a
moment is its latest entry at or before it. `week()` compares the version of the last load on
or before the as-of date less seven days with now and says, per changed cell: a value that
moved (and a status that changed against the goal), results that arrived (a window's first
results), results withdrawn, hidden or corrected. A change resting on fewer new results than
the privacy floor says "updated" without its size (the two values would give those few
results away). Where no version is seven days old, there is nothing to compare, and it says
so. The overview, the School page and `monitor digest` read this one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.measures import privacy
from monitor.measures.goals import goal_for, status_of
from monitor.school_years import school_year_of

WEEK = dt.timedelta(days=7)
# The keys of a changed cell, as the measures CLI names them.
KEYS = ["measure", "subject", "school", "group", "grade", "year", "window"]
COLUMNS = [*KEYS, "measure_label", "measure_short", "school_name", "window_label", "kind",
           "then", "now", "change", "status_then", "status_now", "what"]
ARRIVED = ("new", "new hidden")


@dataclass(frozen=True)
class Week:
    """The comparison of one as-of date with the week before it."""

    as_of: dt.date
    then: dt.datetime | None        # the version compared with; None: none is a week old
    first_load: dt.datetime | None  # the first version there is (None: nothing loaded)
    changes: pd.DataFrame           # COLUMNS, the district first, then the largest changes

    @property
    def comparable(self) -> bool:
        return self.then is not None

    def short(self) -> str:
        """The heading in a few words, for a first screen."""
        if self.first_load is None or self.then is None or self.changes.empty:
            return self.heading()
        return f"Since {self.then:%b %-d}: {len(self.changes):,} changed" + _parts(self.changes)

    def heading(self) -> str:
        """One line: what is compared with what, and how much changed."""
        if self.first_load is None:
            return "Nothing has been loaded yet"
        if self.then is None:
            return (f"First load on {self.first_load:%B %-d, %Y}: nothing to compare with yet "
                    f"(a week's change shows from {self.first_load.date() + WEEK:%B %-d})")
        if self.changes.empty:
            return f"Nothing changed since {self.then:%B %-d} (the data as of {self.as_of:%B %-d})"
        return (f"Since {self.then:%B %-d}: {len(self.changes):,} result(s) changed"
                + _parts(self.changes))


def _parts(changes: pd.DataFrame) -> str:
    arrived = changes["kind"].isin(ARRIVED).sum()
    status = (changes["status_then"].notna() & changes["status_now"].notna()
              & (changes["status_then"] != changes["status_now"])).sum()
    parts = [f"{arrived:,} new" if arrived else "",
             f"{status:,} changing status" if status else ""]
    parts = [p for p in parts if p]
    return f" ({', '.join(parts)})" if parts else ""


def versions(history: pd.DataFrame) -> pd.Series:
    """The distinct times of the recorded versions (`measure_history.taken_at`), in order."""
    return pd.Series(sorted(pd.to_datetime(history["taken_at"]).unique()), dtype="datetime64[us]")


def week(moved_between, settings: Settings, as_of: dt.date, stamps: pd.Series,
         school_names: dict[str, str], schools: tuple[str, ...] | None = None) -> Week:
    """The week to `as_of`. `stamps` are the versions' times (`versions`); `moved_between`
    (then, until) returns queries/measure_history_moved.sql's rows for two moments; with
    `schools` (a principal's), only those schools' cells."""
    stamps = pd.to_datetime(pd.Series(stamps))
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    known = stamps[stamps < until]
    first = known.min().to_pydatetime() if len(known) else None
    older = known[known < dt.datetime.combine(as_of - WEEK + dt.timedelta(days=1), dt.time())]
    if not len(older):
        return Week(as_of, None, first, pd.DataFrame(columns=COLUMNS))
    then = older.max().to_pydatetime()
    moved = moved_between(then, until)
    return Week(as_of, then, first, describe(moved, settings, school_year_of(as_of),
                                             school_names, schools))


def describe(moved: pd.DataFrame, settings: Settings, school_year: str,
             school_names: dict[str, str], schools: tuple[str, ...] | None = None
             ) -> pd.DataFrame:
    """The changed cells of queries/measure_history_moved.sql in words (see the module
    docstring): the school year's only, each measure's reported subjects only."""
    rows = []
    band = settings.status.approaching_band
    moved = moved[moved["school_year"] == school_year]
    if schools is not None:
        moved = moved[moved["scope"].isin(schools)]
    for row in moved.itertuples():
        if row.measure not in settings.measures:
            continue
        spec = registry.spec(row.measure)
        if row.subject not in [s or "*" for s in spec.subjects]:
            continue
        school = None if row.scope == privacy.DISTRICT else row.scope
        floor = settings.privacy.min_observations if spec.observations else settings.privacy.min_n
        was = _present(row.present_then)
        now_present = _present(row.present_now)
        then = None if pd.isna(row.value_then) else float(row.value_then)
        now = None if pd.isna(row.value_now) else float(row.value_now)
        target = goal_for(settings, row.measure, row.window_id, school,
                          None if row.subject == "*" else row.subject)
        status_then, status_now = status_of(then, target, band), status_of(now, target, band)
        added = (None if pd.isna(row.n_now) or pd.isna(row.n_then)
                 else abs(float(row.n_now) - float(row.n_then)))
        change = None
        if not now_present:
            kind, what = "gone", "withdrawn (no results now)"
            now = status_now = None
        elif not was:
            kind = "new" if now is not None else "new hidden"
            what = "new results" if now is not None else "new results (too few to show)"
            then = status_then = None
        elif now is None:
            kind, what = "hidden", "now hidden (too few to show)"
        elif then is None:
            kind, what = "shown", "now shown (enough results)"
        elif added is not None and 0 < added < floor:
            kind = "updated"
            what = f"updated (fewer than {floor} results added: change not shown)"
            then = now = status_then = status_now = None
        else:
            change = round(now - then, 1)
            kind = "corrected" if added == 0 else "value"
            moved_by = ("up" if change > 0 else "down") + f" {abs(change):.1f} points"
            what = ("same value, other results" if change == 0 else
                    moved_by if kind == "value" else f"corrected: {moved_by}")
        if status_then is not None and status_now is not None and status_then != status_now:
            what += f"; {status_then} -> {status_now}"
        calendar = settings.calendar_for(row.measure)
        rows.append({
            "measure": row.measure, "subject": None if row.subject == "*" else row.subject,
            "school": "district" if school is None else school, "group": "all", "grade": "all",
            "year": row.school_year, "window": row.window_id,
            "measure_label": settings.measures[row.measure].label,
            "measure_short": spec.short,
            "school_name": "District" if school is None else school_names.get(school, school),
            "window_label": calendar.label_of(row.window_id), "kind": kind,
            "then": then, "now": now, "change": change, "status_then": status_then,
            "status_now": status_now, "what": what,
            "_district": school is None, "_size": abs(change) if change is not None else 0})
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_district", "_size"])
    frame = frame.sort_values(["_district", "_size", "measure", "school", "window"],
                              ascending=[False, False, True, True, True])
    return frame[COLUMNS].reset_index(drop=True)


def _present(value) -> bool:
    return not pd.isna(value) and bool(value)


def summary(week: Week, limit: int = 4) -> list[str]:
    """The week in a few lines for a first screen: results that arrived, grouped by measure
    and window ("BM2 results in for 12 schools"), statuses that changed, the largest moves,
    and what was withdrawn or hidden. Each line names what it counts."""
    changes = week.changes
    if changes.empty:
        return []
    lines = []
    arrived = changes[changes["kind"].isin(ARRIVED) & (changes["school"] != "district")]
    if len(arrived):
        grouped = arrived.groupby(["measure_short", "window_label"], sort=False)["school"]
        for (label, window), schools in grouped:
            count = schools.nunique()
            lines.append(f"{label}: {window} results in for {count} "
                         f"school{'s' if count != 1 else ''}")
    flips = changes[changes["status_then"].notna() & changes["status_now"].notna()
                    & (changes["status_then"] != changes["status_now"])]
    for row in flips.head(limit).itertuples():
        lines.append(f"{row.school_name}, {_what(row)}: {row.status_then} -> {row.status_now} "
                     f"({row.then:.0f}% -> {row.now:.0f}%)")
    if len(flips) > limit:
        lines.append(f"... and {len(flips) - limit} more status change(s)")
    moves = changes[(changes["kind"] == "value") & ~changes.index.isin(flips.index)]
    if len(moves):
        top = moves.iloc[0]
        lines.append(f"{len(moves)} other result(s) moved; the largest {top['school_name']}, "
                     f"{_what(top)} {top['change']:+.0f} points")
    for kind, said in (("gone", "withdrawn"), ("hidden", "now hidden (too few to show)"),
                       ("updated", "updated by a few results (change not shown)"),
                       ("corrected", "corrected")):
        count = int((changes["kind"] == kind).sum())
        if count:
            lines.append(f"{count} result(s) {said}")
    return lines


def _what(row) -> str:
    subject = f" {row.subject}" if isinstance(row.subject, str) and row.subject else ""
    return f"{row.measure_short}{subject} at {row.window_label}"


def as_text(week: Week) -> str:
    """The digest as text: the heading, then one line per changed cell with its keys."""
    lines = [week.heading()]
    for row in week.changes.itertuples():
        keys = " ".join(f"{k}={'*' if pd.isna(getattr(row, k)) else getattr(row, k)}"
                        for k in KEYS)
        values = "" if row.then is None and row.now is None else (
            f" then={_pct(row.then)} now={_pct(row.now)}")
        lines.append(f"- {keys}:{values} {row.what}")
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.1f}"
