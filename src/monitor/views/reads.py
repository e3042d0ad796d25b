"""What reads the database for the pages (through monitor.db's named queries or the measures
lattice): a measure's protected cells, the walks' rating cells, a cycle's indicator points,
survey response rates and the week's changes. The state test's comparison is in
monitor.views.state_test, who moved (catching up, level to level) in monitor.views.movement."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.db import Database
from monitor.items import ITEMS_BY_ID
from monitor.measures import lattice, privacy
from monitor.measures.selection import Filters, subject_of
from monitor.registry import MeasureId
from monitor.school_years import previous_school_year
from monitor.views import changes
from monitor.writing import cycles


def reported_subjects(db: Database, measure: str) -> list[str | None]:
    """The subjects the measures table reports a measure in by default: for learning walks
    every subject pooled, then each subject observed (Science, History... as well as ELA and
    Math); for the others their registry subjects."""
    if measure == MeasureId.WALKTHROUGH:
        return [None, *db.query("walkthrough_subjects")["subject"]]
    return list(registry.spec(measure).subjects)


def measure_cells(db: Database, settings: Settings, measure: str, filters: Filters,
                  years: list[str] | None = None, survey_items: bool = False,
                  schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One measure's cells per (school_year, window_id, scope, detail, group_id), from the
    protected measures lattice (monitor.measures.lattice): the filters' subject and grade (or band),
    the filters' school year and the one before it.

    `scope` is a school code or privacy.DISTRICT. A hidden cell has no value and no counts
    (`n` NaN) and `suppressed` with its `hidden_label`; `present` says a cell has results,
    shown or not. Rows with `all_details` pool every detail (measures without details have
    their rows twice, pooled and not). Survey details are constructs, or items with
    `survey_items`. With `schools` (a principal's), only the district and those schools,
    protected for that principal's view (monitor.measures.lattice.principal_view).
    """
    years = years or [previous_school_year(filters.school_year), filters.school_year]
    subject = subject_of(measure, filters)
    frame = lattice.read(db, settings, measure, years,
                         lattice.POOLED if subject is None else subject,
                         filters.grade or lattice.POOLED, schools)
    frame["present"] = frame["suppressed"] | (frame["n_records"].fillna(0) > 0)
    frame = frame[frame["present"]]
    pooled = frame["detail"] == lattice.POOLED
    if measure == MeasureId.SURVEY:
        items = frame["detail"].isin(ITEMS_BY_ID)
        frame = frame[pooled | (items if survey_items else ~items)]
        pooled = frame["detail"] == lattice.POOLED
    frame = frame.assign(all_details=pooled, detail=frame["detail"].where(~pooled, None))
    if not registry.spec(measure).details:
        frame = pd.concat([frame, frame.assign(all_details=False)], ignore_index=True)
    return frame.reset_index(drop=True)


def rating_cells(db: Database, settings: Settings, filters: Filters,
                 schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Core Actions 2 and 3 by rating (lattice.RATINGS) for the filters' school year, subject
    observed and grade (or band): every scope's cells, or with `schools` (a principal's) the
    district's and theirs as their view protects them."""
    subject = subject_of(MeasureId.WALKTHROUGH, filters)
    return lattice.read(db, settings, lattice.RATINGS, [filters.school_year],
                        lattice.POOLED if subject is None else subject,
                        filters.grade or lattice.POOLED, schools)


def indicator_points(db: Database, settings: Settings, where: str, indicator,
                     school_year: str) -> pd.DataFrame:
    """An improvement cycle's indicator (monitor.writing.store.Indicator) at `where` (a school, or
    monitor.writing.store.DISTRICT): its protected values for `school_year` and the year before, all
    students, dated (monitor.writing.cycles.dated). What the pages get through monitor.ui.data."""
    return cycles.points(lambda measure, f: measure_cells(db, settings, measure, f), settings,
                         where, indicator, school_year)


def response_rates(db: Database, settings: Settings, school_year: str, survey: str,
                   schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Per window, each school's respondents and, for the student survey, the students
    enrolled in the surveyed grades and the response rate, for all students and each group;
    with the district's rows (scope privacy.DISTRICT: its schools added up).

    Counted from people, so protected as the lattice is (lattice.protect_table): for the
    student survey a cell is enrolled students of whom some responded (hidden under min_n
    enrolled, or all or none responding under disclosive_n); for staff surveys respondents
    (hidden under min_n); a cell whose survey results are hidden in the lattice is hidden
    here too (its respondents would give their count away); and whatever would let a hidden
    one be worked out from the rest (the district less the schools shown, a group and its
    complement). With `schools` (a principal's), as their view protects it. A hidden row has
    no counts. Columns: window_id, scope, group_id, respondents, enrolled, rate, suppressed,
    hidden_label."""
    counts = db.query("survey_response_rates", {"year": school_year, MeasureId.SURVEY: survey})
    columns = ["window_id", "scope", "group_id", "respondents", "enrolled", "rate",
               "suppressed", "hidden_label"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    students = survey == "student"
    respondents = counts["respondents"].to_numpy(float)
    enrolled = counts["enrolled"].to_numpy(float) if students else respondents
    cells = pd.DataFrame({
        "measure": "response_rate", "school_year": school_year, "window_id": counts["window_id"],
        "scope": counts["school_code"].fillna(privacy.UNPLACED), "grade": lattice.POOLED,
        "subject": survey, "detail": lattice.POOLED, "group_id": counts["group_id"],
        "n": np.nan_to_num(enrolled), "n_records": np.nan_to_num(enrolled),
        "n_meeting": respondents if students else 0.0})
    keys = ["window_id", "group_id"]
    district = cells.groupby(keys, as_index=False)[["n", "n_records", "n_meeting"]].sum()
    cells = pd.concat([cells, district.assign(**{
        d: cells[d].iloc[0] for d in ("measure", "school_year", "grade", "subject", "detail")},
        scope=privacy.DISTRICT)[cells.columns]], ignore_index=True)
    # Where the survey's own cell is hidden (to everyone, or in this principal's view), so is
    # its response count.
    results = lattice.read(db, settings, MeasureId.SURVEY, [school_year], survey, lattice.POOLED,
                           schools)
    results = results[results["detail"] == lattice.POOLED]
    hidden_results = set(zip(results.loc[results["suppressed"], "window_id"],
                             results.loc[results["suppressed"], "scope"],
                             results.loc[results["suppressed"], "group_id"], strict=True))
    already = np.array([key in hidden_results for key in zip(
        cells["window_id"], cells["scope"], cells["group_id"], strict=True)], bool)
    # Staff surveys: a count of respondents, with no outcome to share.
    rules = settings if students else settings.model_copy(update={
        "privacy": settings.privacy.model_copy(update={"disclosive_n": 0})})
    protected = lattice.protect_table(cells, rules, hidden=already, viewer=schools)
    hidden = protected["hidden"].to_numpy(bool)
    out = pd.DataFrame({
        "window_id": protected["window_id"], "scope": protected["scope"],
        "group_id": protected["group_id"],
        "respondents": np.where(hidden, np.nan, protected["n_meeting"] if students
                                else protected["n"]),
        "enrolled": np.where(hidden | (not students), np.nan, protected["n"]),
        "suppressed": hidden, "hidden_label": protected["hidden_label"]})
    out["rate"] = (100 * out["respondents"] / out["enrolled"]).round(0)
    if schools is not None:
        out = out[out["scope"].isin([privacy.DISTRICT, *schools])]
    return out[columns].reset_index(drop=True)


def week_changes(db: Database, settings: Settings, as_of: dt.date,
                 schools: tuple[str, ...] | None = None) -> changes.Week:
    """What changed in the week to `as_of` (monitor.views.changes): every school's and the
    district's headline results, or with `schools` only those schools'."""
    stamps = db.query("measure_history_versions")["taken_at"]
    names = db.query("schools")
    return changes.week(
        lambda then, until: db.query("measure_history_moved", {"then": then, "until": until}),
        settings, as_of, stamps, dict(zip(names["school_code"], names["school_name"],
                                          strict=True)), schools)
