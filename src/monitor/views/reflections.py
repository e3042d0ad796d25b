"""The System reflection page's sections as data: each term's stages of the framework's levers
(and their elements) as recorded, the latest term counted in the title; the headline
indicators' change over the year beside it; and which term the form opens on."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor.config import Framework
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
            "Latest": f"{last['value']:.0f}% at {last['window']}",
            "Change (points)": trajectories.signed_points(last["value"] - first["value"])})
    return pd.DataFrame(lines, columns=["Indicator", "Kind", "First this year", "Latest",
                                        "Change (points)"])


def first_open_term(this_year: list[str], recorded: pd.DataFrame) -> int:
    """The form's term: this year's first term with nothing recorded, else the first."""
    missing = [t for t in this_year if t not in set(recorded["term"])]
    return this_year.index(missing[0]) if missing else 0
