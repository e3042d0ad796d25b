"""Who moved: catching up (students below the standard at one window who reached it at a later
one) and level-to-level transitions between two windows, counted outside the lattice and
protected together (privacy.partitions for catching up, privacy.linked for the transitions'
tables), for a principal as their view allows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.db import Database
from monitor.keys import GRADE_BANDS
from monitor.measures import lattice, privacy
from monitor.measures.rules import rule_parameters
from monitor.measures.selection import Filters
from monitor.views.trajectories import with_display


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
