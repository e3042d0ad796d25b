"""Survey exports: Qualtrics CSV (three header rows), Google Forms CSV, and long format.

Wide files carry one respondent per row and one item per column; the item is recognised when
its statement (monitor.items) appears in the header or, for Qualtrics, in the question-text
row. Long files carry one row per respondent per item. Either way the output is one row per
respondent per item with the answer's position on the scale; "don't know" and the like are kept
with no value, so they leave the denominator.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from monitor.ingest.base import Adapted, Columns, Context, dated_windows
from monitor.ingest.common import Rejects, blank, parse_dates, per_value
from monitor.ingest.readers import RawTable, UnreadableFile
from monitor.items import (
    ITEMS_BY_ID,
    SCALE_LABELS,
    Item,
    Wording,
    match_item,
    normalise_text,
    scale_value,
)
from monitor.registry import MeasureId, Source

KEY = ("survey", "school_year", "window_id", "respondent_id", "item_id")  # column
SCALE = "answer on the agreement scale"
SCALE_ACCEPTED = ("Strongly disagree, Disagree, Neither agree nor disagree, Agree, Strongly "
                  "agree, 1-5, or an excluded answer (config.toml surveys.excluded_answers)")
DATE_COLUMNS = ("RecordedDate", "EndDate", "Timestamp", "Date", "Response Date", "StartDate")
LONG_COLUMNS = (("Respondent ID", "Respondent", "ResponseId"), ("Item", "Question"),
                ("Response", "Answer"))


def is_long(cols: Columns) -> bool:
    return all(cols.name(*names) for names in LONG_COLUMNS)


def is_wide(table: RawTable, wording: Wording | None = None) -> bool:
    return bool(_item_columns(table, wording))


def looks_like_unknown_items(table: RawTable) -> bool:
    """A form export whose items are not ours: a date column and answers on the agreement scale
    (by their labels: numbers alone could be any rating). Detected so that the survey loader
    can say which questions it does not know, rather than the file being a mystery."""
    cols = Columns(table)
    if cols.name(*DATE_COLUMNS) is None:
        return False
    for column in table.frame.columns:
        text = table.frame[column].dropna().astype(str).map(normalise_text)
        text = text[text != ""]
        if len(text) and text.isin(SCALE_LABELS).mean() >= 0.8:
            return True
    return False


def _item_columns(table: RawTable, wording: Wording | None) -> dict[str, Item]:
    found = {}
    for column in table.frame.columns:
        text = (table.question_text or {}).get(column) or column
        item = match_item(text, wording) or match_item(column, wording)
        if item:
            found[column] = item
    return found


def _respondents(cols: Columns) -> pd.Series:
    given = cols.get("ResponseId", "Response ID", "Respondent ID")
    # Google Forms has no response id: the row's own content identifies it.
    # (Built row by row: an export with a header and no rows gives an empty Series, not a frame.)
    rows = cols.frame.fillna("").astype(str).itertuples(index=False)
    fallback = pd.Series(
        ["r" + hashlib.sha1("|".join(row).encode(), usedforsecurity=False).hexdigest()[:16]
         for row in rows], index=cols.frame.index, dtype=object)
    return given.fillna(fallback)


def _placement(cols: Columns, ctx: Context, rejects: Rejects) -> tuple[pd.Series, ...]:
    school = cols.get("School", "School Name", "School Code")
    if cols.name("School", "School Name", "School Code") is None:
        raise UnreadableFile(f"{cols.table.path.name}: survey export with no School column; "
                             "add one (or map the district's header in config.toml [columns])")
    rejects.add(blank(school), cols.name("School", "School Name", "School Code"),
                "required value is blank")
    date_column = cols.name(*DATE_COLUMNS)
    if date_column is None:
        raise UnreadableFile(f"{cols.table.path.name}: survey export with no date column "
                             f"(one of {', '.join(DATE_COLUMNS)})")
    raw = cols.get(date_column)
    dates = parse_dates(raw)
    rejects.add(blank(raw) | dates.isna(), date_column, "not a date")
    years, windows, _ = dated_windows(rejects, ctx, MeasureId.SURVEY, date_column, dates)
    codes = per_value(school, ctx.school_code)
    return codes, years, windows


def _answers(responses: pd.Series, excluded: set[str]) -> tuple[pd.Series, pd.Series]:
    """(scale position or NA, unreadable mask) for a column of answers."""
    text = per_value(responses, normalise_text, "")
    values = pd.to_numeric(per_value(responses, scale_value), errors="coerce")
    is_excluded = text.isin(excluded)
    unreadable = (text != "") & values.isna() & ~is_excluded
    return values.where(~is_excluded), unreadable


def adapt(table: RawTable, ctx: Context) -> Adapted:
    cols = Columns(table)
    excluded = {normalise_text(a) for a in ctx.settings.surveys.excluded_answers}
    rejects = Rejects()
    if is_long(cols):
        frame = _adapt_long(cols, ctx, rejects, excluded)
    else:
        items = _item_columns(table, ctx.settings.surveys.wording)
        if not items:
            questions = list((table.question_text or {}).values()) or list(table.frame.columns)
            sample = "; ".join(q for q in questions if q and len(q) > 3)[:300]
            raise UnreadableFile(
                f"{table.path.name}: no known survey item in this export. The loader knows the "
                f"belonging, consistency, coherence, student voice, teacher and leader items "
                f"(README, Surveys), and a district's own wording of them in config.toml "
                f"[surveys.wording]; this file asks: {sample}"
            )
        frame = _adapt_wide(cols, ctx, rejects, excluded, items)
    return Adapted(Source.SURVEY, "survey_responses", frame, KEY, rejects)


def _adapt_wide(cols, ctx, rejects, excluded, items: dict[str, Item]) -> pd.DataFrame:
    schools, years, windows = _placement(cols, ctx, rejects)
    respondents = _respondents(cols)
    student = cols.get("Student ID")
    parts = []
    answered = pd.Series(False, index=cols.frame.index)
    for column, item in items.items():
        raw = cols.frame[column]
        values, unreadable = _answers(raw, excluded)
        rejects.add_unrecognised(raw, unreadable, column, SCALE, SCALE_ACCEPTED)
        present = ~blank(raw)
        answered |= present
        parts.append(pd.DataFrame({
            "school_year": years, "window_id": windows, "survey": item.survey,  # column
            "respondent_id": respondents, "student_id": student, "school_code": schools,
            "item_id": item.id, "construct": item.construct, "response_value": values,
            "scale_points": 5,
        })[present])
    rejects.add(~answered, next(iter(items)), "no answer to any known item")
    return pd.concat(parts) if parts else pd.DataFrame()


def _adapt_long(cols, ctx, rejects, excluded) -> pd.DataFrame:
    schools, years, windows = _placement(cols, ctx, rejects)
    item_text = cols.get(*LONG_COLUMNS[1])
    wording = ctx.settings.surveys.wording
    matched = item_text.fillna("").map(
        lambda v: match_item(v, wording) or ITEMS_BY_ID.get(v.strip()))
    rejects.add(matched.isna(), cols.name(*LONG_COLUMNS[1]), "not a known survey item")
    answers = cols.get(*LONG_COLUMNS[2])
    values, unreadable = _answers(answers, excluded)
    rejects.add_unrecognised(answers, unreadable, cols.name(*LONG_COLUMNS[2]), SCALE,
                             SCALE_ACCEPTED)
    rejects.add(blank(answers), cols.name(*LONG_COLUMNS[2]), "required value is blank")
    return pd.DataFrame({
        "school_year": years, "window_id": windows,
        "survey": matched.map(lambda i: i.survey if i else None),  # column
        "respondent_id": cols.get(*LONG_COLUMNS[0]), "student_id": cols.get("Student ID"),
        "school_code": schools, "item_id": matched.map(lambda i: i.id if i else None),
        "construct": matched.map(lambda i: i.construct if i else None),
        "response_value": values, "scale_points": 5,
    })
