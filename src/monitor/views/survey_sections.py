"""The Surveys page's sections as data: who answered, each school's % favorable with its
response rate, each construct against fall and spring, and the items furthest from the goal,
computed from the frames the cached views return (tests/measures/test_sections.py)."""

from __future__ import annotations

import pandas as pd

from monitor.items import CONSTRUCT_LABELS, ITEMS_BY_ID, statement
from monitor.views.sections import Section

# Under this share of students responding, a school's student survey is said to be thin.
LOW_RESPONSE_RATE = 50
ITEM_CHARS = 60


def short(text: str, width: int = ITEM_CHARS) -> str:
    """An item's statement cut to a chart label's width."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def respondents(rates: pd.DataFrame, where: str, window_id: str, window: str) -> str | None:
    """Who answered at `where` (a school code or the district's key) and a window: its
    respondents and, for the student survey, of how many enrolled; a hidden count in words.
    `rates` as breakdowns.response_rates_shown gives them. None: no row there."""
    here = rates[(rates["scope"] == where) & (rates["window_id"] == window_id)]
    if not len(here):
        return None
    answered = here.iloc[0]
    if answered["suppressed"]:
        return (f"{window}: respondents {answered['respondents_shown']} (hidden to protect a "
                "small group)")
    line = f"{window}: {answered['respondents_shown']} respondents"
    if pd.notna(answered["rate"]):
        line += (f" of {answered['enrolled_shown']} students enrolled in the surveyed grades "
                 f"({answered['rate_shown']}% response rate)")
    return line


def schools(rows: pd.DataFrame, rates: pd.DataFrame, window_id: str, window: str,
            student_survey: bool, approaching_band: float) -> Section:
    """Each school's % favorable at a window beside its respondents and response rate, the
    schools not met (and, for students, those under half responding) in the title."""
    shown = rows.loc[rows["present"].astype(bool)].merge(
        rates[rates["window_id"] == window_id].rename(columns={
            "scope": "school_code", "suppressed": "counts_suppressed",
            "hidden_label": "counts_label"}), on="school_code", how="left")
    below = int((shown["status"] == "not met").sum())
    thin = shown[shown["rate"] < LOW_RESPONSE_RATE] if student_survey else shown.iloc[:0]
    title = (f"{window}: {below} of {len(shown)} schools not met (more than "
             f"{approaching_band:.0f} points below the goal)"
             + (f"; {len(thin)} with under half their students responding" if len(thin) else ""))
    shown["counts_hidden"] = shown["counts_label"].where(
        shown["counts_suppressed"].astype("boolean").fillna(False).astype(bool), "")
    table = shown[["school_name", "level", "value", "n", "respondents", "enrolled", "rate",
                   "counts_hidden", "target", "status"]].rename(columns={
        "school_name": "School", "level": "Level", "value": "% favorable",
        "n": "Respondents (answered)", "respondents": "Respondents",
        "enrolled": "Enrolled (surveyed grades)", "rate": "Response rate (%)",
        "counts_hidden": "Response counts hidden", "target": "Goal (%)", "status": "Status"})
    return Section(title, shown, table, f"n = {len(shown)} schools with respondents")


def constructs(current: pd.DataFrame, by_window: dict[str, pd.DataFrame], window: str,
               n_note: str) -> tuple[Section, dict[str, str]]:
    """Each construct at a window (with last year's same administration), each window of the
    year beside it in the table, the lowest in the title; and the constructs' labels."""
    rows = current.copy()
    for label, frame in by_window.items():
        rows[label] = rows["detail"].map(frame.set_index("detail")["value"])
    labels = {k: v for k, v in CONSTRUCT_LABELS.items() if k in set(rows["detail"])}
    lowest = rows.sort_values("value").head(1)
    title = (f"{window}: {CONSTRUCT_LABELS[lowest['detail'].iloc[0]]} is lowest at "
             f"{lowest['value'].iloc[0]:.0f}% favorable"
             if len(lowest) and lowest["value"].notna().all() else f"{window} by construct")
    table = rows.assign(construct=rows["detail"].map(CONSTRUCT_LABELS))[
        ["construct", "value", "n", "n_records", "last_year", *by_window]].rename(
        columns={"construct": "Construct", "value": "% favorable", "n": "Respondents",
                 "n_records": "Responses", "last_year": "Same administration last year (%)"})
    return Section(title, rows, table, n_note), labels


def items(rows: pd.DataFrame, target: float | None, wording: dict[str, str],
          window: str) -> tuple[Section, dict[str, str]] | None:
    """The items, furthest below the goal first (where the conversation starts), the furthest
    in the title; and each item's short statement. None: no item has a result."""
    rows = rows[rows["detail"].isin(ITEMS_BY_ID)].copy()
    if not len(rows):
        return None
    rows["distance"] = (rows["value"] - target).round(1) if target is not None else None
    rows = rows.sort_values(["distance" if target is not None else "value"],
                            na_position="last").reset_index(drop=True)
    statements = {i: short(statement(i, wording)) for i in rows["detail"]}
    first = rows.iloc[0]
    title = (f"Furthest from the {target:.0f}% goal: \"{statements[first['detail']]}\" at "
             f"{first['value']:.0f}% favorable" if target is not None and pd.notna(first["value"])
             else f"{window} by item")
    table = rows.assign(
        item=rows["detail"].map(lambda i: statement(i, wording)),
        construct=rows["detail"].map(lambda i: CONSTRUCT_LABELS[ITEMS_BY_ID[i].construct]))[
        ["item", "construct", "value", "distance", "n", "last_year"]].rename(columns={
            "item": "Item", "construct": "Construct", "value": "% favorable",
            "distance": "Points from goal", "n": "Respondents",
            "last_year": "Same administration last year (%)"})
    return (Section(title, rows, table, f"{len(rows)} items, ordered by distance from the goal"),
            statements)
