"""Everything here reads the database (through monitor.db's named queries or the measures
lattice): a measure's protected cells, its second statistics, the CAASPP comparison, and the
catching-up and level-to-level counts protected together."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from monitor import registry
from monitor.config import Settings, previous_school_year
from monitor.db import Database
from monitor.items import ITEMS_BY_ID
from monitor.keys import GRADE_BANDS
from monitor.measures import lattice, privacy
from monitor.measures.rules import rule_parameters
from monitor.measures.selection import Filters, subject_of
from monitor.registry import MeasureId
from monitor.views import changes
from monitor.views.trajectories import with_display
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


CAASPP_GRADES = {"3", "4", "5", "6", "7", "8", "11"}
CAASPP_DISTRICT = "0000000"


def caaspp_comparison(db: Database, settings: Settings, filters: Filters, school_year: str,
                      schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """State, county, district and school percent met and above from CAASPP research files,
    for the filters' subject, group and grade (a tested grade, else all grades).

    Empty when the district's CDS codes are not configured, the filters' group has no CAASPP
    id, or no research file for that year is loaded. The state's own suppression stays NULL.
    The district's and its schools' rows are counted from students, so they are protected
    like the lattice (`caaspp_protected`: fewer than min_n, or CDE's own state_min_tested, and
    whatever would let a hidden row be worked out from the others); the state's and county's
    are other people's totals, shown where at least state_min_tested were tested. With
    `schools` (a principal's), the district's and school rows as their view protects them.
    Columns: level, entity, school_code, students_tested, pct_met_above, suppressed,
    hidden_label."""
    district = settings.district
    group_ids = {"all": 1} | {g.id: g.caaspp_id for g in settings.groups}
    group_id = group_ids.get(filters.group)
    grade = filters.grade if filters.grade in CAASPP_GRADES else "all"
    columns = ["level", "entity", "school_code", "students_tested", "pct_met_above",
               "suppressed", "hidden_label"]
    if not (district.cds_county and district.cds_district) or group_id is None:
        return pd.DataFrame(columns=columns)
    subject = filters.subject or "ELA"
    frame = db.query("caaspp_comparison", {
        "school_year": school_year, "subject": subject,
        "group_id": str(group_id), "grade": grade, "county": district.cds_county,
        "district": district.cds_district})
    others = frame["level"].isin(["State", "County"])
    few = frame["students_tested"].fillna(0) < settings.privacy.state_min_tested
    protected = caaspp_protected(db, settings, school_year, subject, schools)
    mine = protected[(protected["group_id"] == filters.group)
                     & (protected["grade"] == (lattice.POOLED if grade == "all" else grade))]
    mine = mine.assign(school_code=mine["scope"].replace(privacy.DISTRICT, CAASPP_DISTRICT))
    frame = frame.merge(mine[["school_code", "hidden", "hidden_label"]], how="left",
                        on="school_code")
    hidden = np.where(others, few, frame["hidden"].fillna(True).astype(bool))
    frame["suppressed"] = hidden
    frame["hidden_label"] = np.where(others, np.where(few, f"n<{settings.privacy.state_min_tested}",
                                                      None), frame["hidden_label"])
    frame.loc[hidden, ["students_tested", "pct_met_above"]] = np.nan
    frame.loc[~hidden & frame["pct_met_above"].isna(), "hidden_label"] = "suppressed by CDE"
    return frame[columns]


def caaspp_protected(db: Database, settings: Settings, school_year: str, subject: str,
                     schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The district's CAASPP rows (the district and each school, every configured group and
    tested grade) of one year and subject, protected together as the lattice's cells are
    (lattice.protect_table): a row of fewer than min_n students tested, or of fewer than
    CDE's state_min_tested, or where all or none met (under disclosive_n), is hidden, and so
    is whatever would let one be worked out (the district less the schools shown, a group
    and its complement, all grades less the grades shown). The met count is worked back
    from the published percent. With `schools` (a principal's), as their view protects it.
    Columns: scope (a school code or privacy.DISTRICT), group_id, grade (POOLED for all),
    hidden, reason, hidden_label."""
    district = settings.district
    rows = db.query("caaspp_district_rows", {
        "school_year": school_year, "subject": subject, "county": district.cds_county,
        "district": district.cds_district})
    ours = {"1": "all"} | {str(g.caaspp_id): g.id for g in settings.groups if g.caaspp_id}
    rows = rows.assign(group_id=rows["student_group_id"].map(ours))
    rows = rows[rows["group_id"].notna() & rows["students_tested"].notna()
                & (rows["grade"].isin(CAASPP_GRADES) | (rows["grade"] == "all"))]
    rows = rows.drop_duplicates(["school_code", "group_id", "grade"], keep="last")
    tested = rows["students_tested"].to_numpy(float)
    # The state hides a row's percent where it has its own reasons: that row's met count is
    # unknown, so it is taken as hidden (counted as none met).
    met = np.round(tested * rows["pct_met_above"].fillna(0).to_numpy(float) / 100)
    cells = pd.DataFrame({
        "measure": "state_comparison", "school_year": school_year, "window_id": "spring",
        "scope": np.where(rows["school_code"] == CAASPP_DISTRICT, privacy.DISTRICT,
                          rows["school_code"]),
        "grade": np.where(rows["grade"] == "all", lattice.POOLED, rows["grade"]),
        "subject": subject, "detail": lattice.POOLED, "group_id": rows["group_id"],
        "n": tested, "n_records": tested, "n_meeting": met,
        "unknown": rows["pct_met_above"].isna().to_numpy()})
    keys = ["scope", "grade"]
    # A group's row needs all students' beside it (a group is some of everyone).
    everyone = cells.loc[cells["group_id"] == "all", keys].drop_duplicates()
    cells = cells.merge(everyone, on=keys).reset_index(drop=True)
    # What the district's row holds beyond its schools' rows (schools not listed, students
    # counted at the district only): a remainder nobody is shown.
    placed = cells[cells["scope"] != privacy.DISTRICT]
    added = placed.groupby(["grade", "group_id"], as_index=False)[
        ["n", "n_records", "n_meeting"]].sum()
    whole = cells[cells["scope"] == privacy.DISTRICT].merge(
        added, on=["grade", "group_id"], how="left", suffixes=("", "_schools")).fillna(0)
    rest = whole.assign(scope=privacy.UNPLACED, unknown=False, **{
        c: (whole[c] - whole[f"{c}_schools"]).clip(lower=0)
        for c in ("n", "n_records", "n_meeting")})[cells.columns]
    # A group's remainder is some of all students' remainder; where it is more (the file
    # leaves out schools' rows for that group), there is none: the district's row is then
    # taken as its schools' exactly, which can only hide more.
    everyone_rest = rest[rest["group_id"] == "all"].set_index("grade")["n"]
    room = rest["grade"].map(everyone_rest).fillna(0).to_numpy(float)
    kept = (rest["n"] > 0) & ((rest["group_id"] == "all") | (rest["n"] <= room))
    cells = pd.concat([cells, rest[kept]], ignore_index=True)
    strict = settings.model_copy(update={"privacy": settings.privacy.model_copy(update={
        "min_n": max(settings.privacy.min_n, settings.privacy.state_min_tested)})})
    protected = lattice.protect_table(cells.drop(columns="unknown"), strict,
                                      hidden=cells["unknown"].to_numpy(bool), viewer=schools)
    if schools is not None:
        protected = protected[protected["scope"].isin([privacy.DISTRICT, *schools])]
    return protected.reset_index(drop=True)


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


def measure_statistics(db: Database, settings: Settings, measure: str,
                       filters: Filters) -> pd.DataFrame:
    """A measure's second statistics per (school_year, window_id, scope, group_id), from the
    lattice (monitor.registry names them): i-Ready median percent progress to typical and to
    stretch growth, and how many students had no baseline; mean percent correct for
    benchmarks, performance tasks and ESGI. A hidden cell has none."""
    names = registry.spec(measure).statistics
    cells = measure_cells(db, settings, measure, filters)
    rows = cells[cells["all_details"]].rename(columns=names)
    return rows[["school_year", "window_id", "scope", "group_id", "n", *names.values()]
                ].reset_index(drop=True)


def _grade_keys(grade: object) -> list[str]:
    """The grade views a student of `grade` counts in: the grade, each band holding it, and
    all grades (a student with no grade: all grades only)."""
    if grade is None or pd.isna(grade):
        return [privacy.ALL_GRADES]
    return [str(grade), *[band for band, grades in GRADE_BANDS.items() if grade in grades],
            privacy.ALL_GRADES]


def catching_up(db: Database, settings: Settings, measure: str, filters: Filters,
                from_window: str, to_window: str,
                schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Of the students below standard at `from_window`, the share at or above it at
    `to_window`, per scope (school or district) and group, for the filters' grade (a grade, a
    band, or all grades).

    Every grade, band and all grades are protected together, over schools and groups too
    (privacy.protect with grades), so that no grade's hidden row is another view less the
    rest. Columns: scope, group_id, n (students below at the start), value (percent caught
    up), ci_low, ci_high, suppressed, display, plus n_at_standard and n_fell_behind (students
    at standard at the start, and how many of them fell behind: hidden with the cell, and
    protected as a table of their own). With `schools` (a principal's), the district's and
    those schools' rows as that principal may see them (`_for_principal`).
    """
    params = rule_parameters(settings, measure) | {
        "year": filters.school_year, "from_window": from_window, "to_window": to_window,
        "subject": filters.subject, "grades": None, "survey_detail": "construct"}
    counts = db.query("catching_up", params)
    rows = counts[~counts["district"].to_numpy(bool)]
    totals = ["n_below", "n_caught_up", "n_at_standard", "n_fell_behind"]
    keyed = rows.assign(grade=rows["grade"].map(_grade_keys),
                        school_code=rows["school_code"].fillna(privacy.UNPLACED)).explode("grade")
    summed = keyed.groupby(["school_code", "group_id", "grade"], as_index=False)[totals].sum()
    shaped = pd.DataFrame({
        "school_year": filters.school_year, "window_id": to_window,
        "school_code": summed["school_code"].replace(privacy.UNPLACED, None),
        "detail": None, "group_id": summed["group_id"], "all_details": True,
        "grade": summed["grade"], "n": summed["n_below"], "n_records": summed["n_below"],
        "n_meeting": summed["n_caught_up"]})
    wanted = filters.grade or privacy.ALL_GRADES
    # Those at standard at the start, and how many fell behind, are a second table over the
    # same schools, groups and grades: protected as one (under the minimum, or all one
    # outcome, and whatever would let either be worked out).
    at_standard = shaped.assign(n=summed["n_at_standard"], n_records=summed["n_at_standard"],
                                n_meeting=summed["n_fell_behind"])
    protected = privacy.protect(shaped, settings)
    behind = privacy.protect(at_standard, settings)
    if schools is not None:
        where = {"measure": measure, "school_year": filters.school_year, "window_id": to_window,
                 "subject": filters.subject or lattice.POOLED}
        protected = _for_principal(protected, shaped, settings, schools, where)
        behind = _for_principal(behind, at_standard, settings, schools, where)
    protected = protected[protected["grade"] == wanted]
    behind = behind[behind["grade"] == wanted]
    at_grade = summed[summed["grade"] == wanted]
    extra = pd.concat([
        at_grade.rename(columns={"school_code": "scope"}),
        at_grade.groupby("group_id", as_index=False)[totals].sum().assign(
            scope=privacy.DISTRICT)])[["scope", "group_id", "n_at_standard", "n_fell_behind"]]
    out = protected.merge(extra, on=["scope", "group_id"], how="left").merge(
        behind[["scope", "group_id", "suppressed"]].rename(
            columns={"suppressed": "behind_hidden"}), on=["scope", "group_id"], how="left")
    out = with_display(out)
    # Here every count is an outcome of the first window (how many were below or at standard):
    # a hidden cell keeps none of them.
    hidden = out["suppressed"].to_numpy()
    out["n"] = out["n"].astype("Int64").mask(hidden)
    behind_hidden = hidden | out["behind_hidden"].fillna(True).to_numpy(bool)
    out[["n_at_standard", "n_fell_behind"]] = out[["n_at_standard", "n_fell_behind"]].astype(
        "Int64").mask(behind_hidden[:, None].repeat(2, axis=1))
    return out[["scope", "group_id", "n", "value", "ci_low", "ci_high", "suppressed",
                "hidden_label", "display", "n_at_standard", "n_fell_behind"]].reset_index(
        drop=True)


def _for_principal(protected: pd.DataFrame, counts: pd.DataFrame, settings: Settings,
                   schools: tuple[str, ...], where: dict[str, str]) -> pd.DataFrame:
    """The district's and `schools`' rows of a catching-up table protected for the whole
    district (`protected`, from `counts`: school_code, group_id, grade, n, n_records,
    n_meeting), as a principal of those schools may see them: the district less their
    schools is the other schools, protected as in their view of the lattice
    (lattice.principal_hidden), over every grade, band and group at once. `where` names the
    table's measure, school year, window and subject."""
    keys = ["scope", "group_id", "grade"]
    truth = counts.assign(scope=counts["school_code"].fillna(privacy.UNPLACED))
    totals = ["n", "n_records", "n_meeting"]
    district = truth.groupby(["group_id", "grade"], as_index=False)[totals].sum()
    placed = truth[(truth["scope"] != privacy.UNPLACED) & (truth["n_records"] > 0)]
    with_results = placed.groupby(["group_id", "grade"]).size().rename("schools").reset_index()
    district = district.merge(with_results, how="left", on=["group_id", "grade"]).assign(
        scope=privacy.DISTRICT)
    district["schools"] = district["schools"].fillna(0)
    exact = pd.concat([district, truth[truth["scope"].isin(schools)]], ignore_index=True)
    exact = exact[[*keys, *totals, "schools"]].merge(
        protected[[*keys, "suppressed"]], how="left", on=keys)
    exact = exact.assign(hidden=exact["suppressed"].fillna(False).astype(bool),
                         detail=lattice.POOLED, **where)
    hidden = lattice.principal_hidden(exact, settings)
    newly = exact.loc[hidden & ~exact["hidden"].to_numpy(bool), keys].assign(_newly=True)
    view = protected[protected["scope"].isin([privacy.DISTRICT, *schools])].merge(
        newly, how="left", on=keys)
    newly = view.pop("_newly").fillna(False).astype(bool).to_numpy()
    view["suppressed"] = view["suppressed"].to_numpy(bool) | newly
    for column in ("value", "ci_low", "ci_high", "n_meeting"):
        view[column] = view[column].where(~newly)
    view["reason"] = view["reason"].where(~newly, privacy.COMPLEMENT)
    view["hidden_label"] = view["hidden_label"].where(~newly, "suppressed")
    return view


def _rest_told(district: np.ndarray, schools: np.ndarray, theirs: list[int],
               min_n: int) -> bool:
    """Whether the district's table less the `theirs` schools' would tell the other schools'
    where it must not: in a cell where theirs have students and the rest is one school, or a
    cell where the rest is under `min_n` students."""
    mine = schools[theirs].sum(axis=0) if theirs else np.zeros_like(district)
    rest = district - mine
    others = np.delete(schools, theirs, axis=0)
    lone = (others > 0).sum(axis=0) <= 1
    return bool((((mine > 0) & lone) | (rest < min_n))[rest > 0].any())


LEVEL_NAMES = {1: "Not Met", 2: "Nearly Met", 3: "Met", 4: "Exceeded"}


# Protecting every school's level-to-level table together grows with the square of the number
# of schools (bench/transitions.py: 3 s at 50 schools, 7 minutes at 900). Above this many
# schools in a view, schools' tables are not shown; the district's is, protected against every
# school's catching-up counts.
LINKED_SCHOOLS_MAX = 100


def level_transitions(db: Database, settings: Settings, source: str, filters: Filters,
                      from_window: str, to_window: str,
                      viewer: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Students moving from each performance level to each between two windows, as a 4 x 4
    table for the filters' school (None: the district), every grade (rows: level at
    `from_window`; columns: at `to_window`). Hidden cells are NaN.

    Every school's table, the district's, and the catching-up table's sums over them (below
    at start, caught up, at standard at start, fell behind: `catching_up` for every grade)
    are protected together, so no hidden cell or hidden sum can be worked out from any of
    them (privacy.protect_linked_tables). Over LINKED_SCHOOLS_MAX schools, a school's table
    is hidden whole (`attrs["schools_not_shown"]`, the limit in `attrs["schools_limit"]`).

    That protection guards, for each school's principal, the district less their school. For
    `viewer`, a principal of several schools, the district less all of theirs is checked here:
    where their schools have students in a cell and the rest is one school, or where the rest
    is fewer than min_n students, the district's table is hidden whole from them
    (`attrs["hidden_for_viewer"]`)."""
    filters = filters.model_copy(update={"grade": None, "subject": filters.subject or "ELA"})
    frame = db.query("level_transitions", {
        "source": source, "year": filters.school_year, "from_window": from_window,
        "to_window": to_window, "subject": filters.subject, "group": filters.group})
    levels = list(LEVEL_NAMES)
    cell = {(i, j): k for k, (i, j) in enumerate((i, j) for i in levels for j in levels)}
    codes = sorted(frame["school_code"].dropna().unique())
    position = {code: s for s, code in enumerate(codes)}
    schools = np.zeros((len(codes), len(cell)))
    district = np.zeros(len(cell))
    for code, i, j, n in frame[["school_code", "from_level", "to_level", "n"]].itertuples(
            index=False):
        district[cell[int(i), int(j)]] += n
        if code is not None and not pd.isna(code):
            schools[position[code], cell[int(i), int(j)]] += n
    proficient = int(rule_parameters(settings, source)["proficient_rank"])
    rows = np.array([i for i, _ in cell])
    columns = np.array([j for _, j in cell])
    below, at = rows < proficient, rows >= proficient
    # The catching-up table's four counts for each scope: below at start, caught up, at
    # standard at start, fell behind.
    sums = np.vstack([below, below & (columns >= proficient), at, at & (columns < proficient)])
    everyone = catching_up(db, settings, source, filters, from_window, to_window)
    everyone = everyone[everyone["group_id"] == filters.group].set_index("scope")

    def published(scope: str) -> np.ndarray:
        if scope not in everyone.index:
            return np.zeros(len(sums), bool)
        row = everyone.loc[scope]
        shown = not bool(row["suppressed"])
        both = shown and not pd.isna(row["n_at_standard"])
        return np.array([shown, shown, both, both])

    hidden_district, hidden_schools = privacy.protect_linked_tables(
        district, schools, sums, published(privacy.DISTRICT),
        np.array([published(code) for code in codes]).reshape(len(codes), len(sums)),
        settings.privacy.min_n, school_tables=len(codes) <= LINKED_SCHOOLS_MAX)
    if filters.school is None:
        counts, hidden = district, hidden_district
        if viewer is not None and len(viewer) > 1 and _rest_told(
                district, schools, [position[c] for c in viewer if c in position],
                settings.privacy.min_n):
            hidden = np.ones(len(cell), bool)
    elif filters.school in position:
        counts, hidden = schools[position[filters.school]], hidden_schools[
            position[filters.school]]
    else:
        counts, hidden = np.zeros(len(cell)), np.zeros(len(cell), bool)
    shown = np.where(hidden, np.nan, counts).reshape(len(levels), len(levels))
    names = [LEVEL_NAMES[i] for i in levels]
    out = pd.DataFrame(shown, index=names, columns=names)
    # How each hidden cell reads: "n<10" when it is small itself (or its table is), else
    # "suppressed" (hidden so that another cannot be worked out: it may be large).
    min_n = settings.privacy.min_n
    small = privacy.small_cells(counts, min_n)
    out.attrs["hidden_for_viewer"] = bool(filters.school is None and hidden.all()
                                          and not hidden_district.all())
    out.attrs["schools_not_shown"] = len(codes) > LINKED_SCHOOLS_MAX
    out.attrs["schools_limit"] = LINKED_SCHOOLS_MAX
    out.attrs["hidden_labels"] = np.where(
        hidden, np.where(small, f"n<{min_n}", "suppressed"), None).reshape(
        len(levels), len(levels)).tolist()
    return out
