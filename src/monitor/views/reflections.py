"""The System reflection page's sections as data: each term's stages of the framework's levers
(and their elements) as recorded, the latest term counted in the title; the headline
indicators' change over the year beside it; each lever with its stage, note and the indicators
named for it; and which terms the form offers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor.config import Framework, Settings
from monitor.views import trajectories
from monitor.views.sections import Section
from monitor.writing import reflection

RECORDED = ["term", "lever", "element", "stage", "note", "evidence", "recorded_by",
            "recorded_at"]


def row_name(lever: str, element: str) -> str:
    """A grid row: a lever, or one of its elements."""
    return lever if not element else f"{lever}: {element}"


@dataclass(frozen=True)
class Grid:
    """The framework's rows (levers and elements), the terms with a record, what was recorded
    in the framework's rows, the rows' labels (a lever bold, its elements beneath it) and the
    chart's section (None: nothing recorded yet)."""

    rows: list[str]
    terms: list[str]
    recorded: pd.DataFrame
    labels: list[str]
    section: Section | None


def grid(records: list[dict], framework: Framework, terms: list[str]) -> Grid:
    """What has been recorded of `framework` over `terms` (every term of the years shown)."""
    recorded = pd.DataFrame(records, columns=RECORDED)
    parts = reflection.parts(framework)
    rows = [row_name(lever, element) for lever, element in parts]
    shown = recorded.assign(row=[row_name(a, b) for a, b in zip(
        recorded["lever"], recorded["element"], strict=True)])
    shown = shown[shown["row"].isin(rows)]
    used = [t for t in terms if t in set(shown["term"])]
    labels = [f"<b>{lever}</b>" if not element else element for lever, element in parts]
    if shown.empty:
        return Grid(rows, used, shown, labels, None)
    latest = used[-1]
    counts = shown[shown["term"] == latest]["stage"].value_counts()
    title = (f"{latest}: " + ", ".join(f"{counts[s]} at {s}" for s in reflection.STAGES
                                       if s in counts)
             + f" of {len(rows)} levers" + (" and elements" if len(rows) > len(framework.levers)
                                            else ""))
    table = shown.sort_values(["term", "row"])[
        ["term", "row", "stage", "note", "evidence", "recorded_by", "recorded_at"]].rename(
        columns={"term": "Term", "row": "Lever", "stage": "Stage", "note": "Note",
                 "evidence": "Evidence", "recorded_by": "Recorded by",
                 "recorded_at": "Recorded at"})
    return Grid(rows, used, shown, labels, Section(
        title, shown, table, f"{len(used)} term(s) recorded; ↑ / ↓: moved since the term before"))


def years_shown(records: list[dict], school_year: str) -> list[str]:
    """The school years with a record, and the one in view."""
    return sorted({r["term"].rsplit(" ", 1)[0] for r in records} | {school_year})


def headline_change(trajectories_by_label: list[tuple[str, bool, pd.DataFrame]]) -> pd.DataFrame:
    """Each headline indicator's first and latest value this year and the change between:
    (its label, whether it is practice (leading), its trajectory). An indicator with no value
    yet is left out."""
    lines = []
    for label, leading, frame in trajectories_by_label:
        values = frame[frame["value"].notna()]
        if values.empty:
            continue
        first, last = values.iloc[0], values.iloc[-1]
        lines.append({
            "Indicator": label,
            "Kind": "practice (leading)" if leading else "results (lagging)",
            "First this year": f"{first['value']:.0f}% at {first['window']}",
            "Latest": f"{last['value']:.0f}% at {last['window']}" if len(values) > 1
            else "not measured again yet",
            # A change needs two values: one window so far is no change of ±0.
            "Change (points)": trajectories.signed_points(last["value"] - first["value"])
            if len(values) > 1 else "one window so far"})
    return pd.DataFrame(lines, columns=["Indicator", "Kind", "First this year", "Latest",
                                        "Change (points)"])


def form_terms(settings: Settings, school_year: str, as_of: dt.date) -> tuple[list[str], int]:
    """The terms the form offers (the school year's terms begun by the as-of date; a year
    wholly past, all of them) and which it opens on: the current term."""
    begun = reflection.terms_begun(settings, school_year, as_of)
    if not begun:
        return [], 0
    return begun, len(begun) - 1


def indicator_line(label: str, frame: pd.DataFrame) -> str:
    """One indicator a lever should move, in words: its latest value this year and its
    change since the first (only where there are two values)."""
    values = frame[frame["value"].notna()]
    if values.empty:
        return f"{label}: no value yet this year"
    first, last = values.iloc[0], values.iloc[-1]
    line = f"{label}: {last['value']:.0f}% at {last['window']}"
    if len(values) > 1:
        line += (f" ({trajectories.signed_points(last['value'] - first['value'])} since "
                 f"{first['window']})")
    return line


LEVER_COLUMNS = ["Lever", "Stage", "What it means", "Note", "Indicators it should move"]


def levers(grid_: Grid, term: str | None, lines: dict[str, list[str]]) -> pd.DataFrame:
    """Each lever (and element) at `term` (the latest recorded): its stage and what the stage
    means, the district's note, and the indicators named for it (`lines`: lever -> each
    indicator's line, indicator_line) or why there are none."""
    at = grid_.recorded[grid_.recorded["term"] == term].set_index("row") if term else \
        grid_.recorded.iloc[0:0].set_index("row")
    rows = []
    for row in grid_.rows:
        stage = at["stage"].get(row) if row in at.index else None
        rows.append({"Lever": row, "Stage": stage or "not recorded",
                     "What it means": reflection.STAGE_MEANINGS.get(stage, ""),
                     "Note": at["note"].get(row, "") if row in at.index else "",
                     "Indicators it should move": "; ".join(lines.get(row, [])) or
                     "none named (config.toml [reflection.indicators])"})
    return pd.DataFrame(rows, columns=LEVER_COLUMNS)
