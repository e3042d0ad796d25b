"""A principal's view: their schools and the district, protected for them, so that the
district less their schools (the other schools together) tells no other school's result; and
any table counted outside the lattice protected the same way (protect_table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.measures.lattice.derive import _codes, _with_remainders
from monitor.measures.lattice.dimensions import (
    COMPLEMENTARY,
    DIMENSIONS,
    DISTRICT,
    OTHERS,
    RATINGS,
    SMALL,
    STORED,
    UNPLACED,
    rules_fingerprint,
)
from monitor.measures.lattice.protecting import _parents_hidden, protect
from monitor.measures.lattice.stored import _MEMORY_LOCK, _in_memory, _stored_is_current


def protect_table(cells: pd.DataFrame, settings: Settings, *,
                  hidden: np.ndarray | None = None,
                  viewer: tuple[str, ...] | None = None) -> pd.DataFrame:
    """A table counted from people outside the lattice (response rates, the state test's
    published rows), protected as the lattice is: `cells` holds the lattice's DIMENSIONS and
    n, n_records, n_meeting for each school (scope a school code; UNPLACED for what belongs
    to none, never shown) and the district (DISTRICT: its schools added up), every group and
    grade it has. Primary and complementary suppression over schools, groups (with their
    remainders) and grades; `hidden` marks cells hidden already (their counterpart in the
    lattice is). With `viewer` (a principal's schools), as that principal's view protects it
    (the district less their schools is the other schools: `principal_hidden`).

    Returns the cells but UNPLACED ones, with `hidden`, `reason` and `hidden_label`."""
    cells = cells.reset_index(drop=True)
    counted = ["n", "n_records", "n_meeting"]
    raw = cells[[*DIMENSIONS, *counted]].astype({c: float for c in counted}).assign(
        _row=np.arange(len(cells)), _hidden=False if hidden is None else np.asarray(hidden, bool))
    table = _with_remainders(raw, settings)
    virtual = (table["virtual"].to_numpy(bool) | (table["scope"] == UNPLACED).to_numpy(bool))
    table = table.assign(_row=table["_row"].fillna(-1).astype(int),
                         _hidden=table["_hidden"].fillna(False).astype(bool))
    protected = protect(table[[*DIMENSIONS, *counted]], settings, virtual=virtual,
                        hidden=table["_hidden"].to_numpy(bool))
    real = ~virtual
    is_hidden = np.zeros(len(cells), bool)
    reason = np.full(len(cells), None, dtype=object)
    rows = table["_row"].to_numpy(int)[real]
    is_hidden[rows] = protected["hidden"].to_numpy(bool)[real]
    reason[rows] = protected["reason"].to_numpy(object)[real]
    if viewer is not None:
        placed = cells[(cells["scope"] != DISTRICT) & (cells["scope"] != UNPLACED)
                       & (cells["n_records"] > 0)]
        keys = [d for d in DIMENSIONS if d != "scope"]
        schools = placed.groupby(keys, observed=True).size().rename("schools")
        exact = cells.assign(hidden=is_hidden, _row=np.arange(len(cells)))
        exact = exact[(exact["scope"] == DISTRICT) | exact["scope"].isin(viewer)]
        exact = exact.merge(schools.reset_index(), how="left", on=keys)
        exact["schools"] = exact["schools"].fillna(0)
        theirs = principal_hidden(exact, settings)
        newly = theirs & ~exact["hidden"].to_numpy(bool)
        is_hidden[exact["_row"].to_numpy(int)[theirs]] = True
        reason[exact["_row"].to_numpy(int)[newly]] = COMPLEMENTARY
    out = cells.assign(hidden=is_hidden, reason=reason)
    out["hidden_label"] = np.where(~is_hidden, None, np.where(
        reason == SMALL, f"n<{settings.privacy.min_n}", "suppressed"))
    return out[out["scope"] != UNPLACED].reset_index(drop=True)
_VIEWS: dict[tuple, pd.DataFrame] = {}


def principal_view(db, settings: Settings, schools: tuple[str, ...]) -> pd.DataFrame:
    """The district's and `schools`' cells as a principal of those schools may see them.

    A principal sees their schools and the district, and so the district less their schools:
    the other schools together. Where that remainder is one school, or few students, it would
    tell another school's (or a small group's) result; so it is protected like any hidden
    cell, over the whole of their view (every measure, grade, group, subject and detail), and
    district cells that would give it away are hidden in their view. Cached per version."""
    key = (str(db.path), db.version(), rules_fingerprint(settings), tuple(sorted(schools)))
    with _MEMORY_LOCK:
        if key in _VIEWS:
            return _VIEWS[key]
    if _stored_is_current(db, settings):
        rows = db.query("lattice_schools", {"schools": list(schools)})
    else:
        memory = _in_memory(db, settings)
        rows = memory[(memory["scope"] == DISTRICT) | memory["scope"].isin(schools)]
    rows = rows.reset_index(drop=True)
    rated = (rows["measure"] == RATINGS).to_numpy()
    view_hidden = np.zeros(len(rows), bool)
    view_hidden[~rated] = principal_hidden(
        rows[~rated].assign(n=rows["true_n"], n_records=rows["true_n_records"],
                            n_meeting=rows["true_n_meeting"],
                            n_teachers=rows["true_n_teachers"]), settings)
    # Ratings as their core action's cells are in this view.
    view_hidden[rated] = _parents_hidden(rows[rated],
                                         rows[~rated].assign(hidden=view_hidden[~rated]))[0]
    newly = view_hidden & ~rows["hidden"].fillna(False).to_numpy(bool)
    view = rows.assign(hidden=view_hidden)
    for column in ("value", "ci_low", "ci_high", "mean_a", "median_a", "median_b",
                   "n_excluded", "n", "n_records", "n_meeting"):
        view[column] = view[column].where(~newly)
    view["reason"] = view["reason"].where(~newly, COMPLEMENTARY)
    view["hidden_label"] = view["hidden_label"].where(~newly, "suppressed")
    view = view.sort_values(list(DIMENSIONS))[STORED].reset_index(drop=True)
    with _MEMORY_LOCK:
        _VIEWS[key] = view
        for old in list(_VIEWS)[:-64]:
            del _VIEWS[old]
    return view


def principal_hidden(exact: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Which of a principal's cells they must not see: `exact` holds the district's cells and
    those of the principal's schools (DIMENSIONS, the true n, n_records and n_meeting and
    for learning walks n_teachers,
    `hidden` as the whole district's protection left them, and on district cells `schools`,
    how many schools have results there).

    The district less their schools is, to them, the other schools together: where their
    schools have results in a cell and the rest is one school, or few students, it would
    tell another school's (or a small group's) result, so it is protected as a cell that is
    never shown, over the whole of what they see, and the district's and their own cells
    that would give it away are hidden too. Where their schools have no one in a cell (an
    elementary principal's view of grade 10), the district's cell is the district's number,
    shown or hidden as it is to everyone: nothing of theirs is subtracted from it (the same
    rule as the level-to-level tables', privacy.protect_linked_tables).
    Returns `hidden` for the principal, per row of `exact`."""
    exact = exact.reset_index(drop=True)
    if "n_teachers" not in exact:
        exact = exact.assign(n_teachers=np.nan)
    keys = [d for d in DIMENSIONS if d != "scope"]
    district = exact[exact["scope"] == DISTRICT].set_index(keys)
    own = exact[exact["scope"] != DISTRICT].copy()
    own["with_results"] = (own["n_records"] > 0).astype(int)
    mine = own.groupby(keys)[["n", "n_records", "n_meeting", "n_teachers",
                              "with_results"]].sum(min_count=1)
    mine = mine.reindex(district.index).fillna(0)
    # (Teachers are distinct per school: the other schools' are the district's less theirs.)
    others = pd.DataFrame({
        "n": district["n"] - mine["n"], "n_records": district["n_records"] - mine["n_records"],
        "n_meeting": district["n_meeting"] - mine["n_meeting"],
        "n_teachers": district["n_teachers"] - mine["n_teachers"],
        "schools": district["schools"].fillna(0) - mine["with_results"],
        "theirs": mine["n_records"]}).reset_index()
    others = others[others["n_records"] > 0].assign(scope=OTHERS, _row=-1)
    counted = ["n", "n_records", "n_meeting", "n_teachers"]
    cells = pd.concat([exact.assign(other=False, _row=np.arange(len(exact))),
                       others.assign(other=True, hidden=False)], ignore_index=True)
    cells["guarded"] = (cells["other"] & (cells["schools"] <= 1)
                        & (cells["theirs"].fillna(0) > 0))
    # With each group's complement and the students in no race group, never shown, as the
    # build has them: without them a group's sum would read as all students = that group.
    cells = _with_remainders(
        cells[[*DIMENSIONS, *counted, "other", "hidden", "guarded", "_row"]], settings)
    cells = cells.assign(
        virtual=cells["virtual"] | cells["other"].fillna(False).astype(bool),
        hidden=cells["hidden"].fillna(False).astype(bool),
        guarded=cells["guarded"].fillna(False).astype(bool),
        _row=cells["_row"].fillna(-1).astype(int))
    cells = cells.iloc[np.argsort(_codes(cells, list(DIMENSIONS)), kind="stable")]
    protected = protect(cells[[*DIMENSIONS, *counted]], settings,
                        virtual=cells["virtual"].to_numpy(bool),
                        hidden=cells["hidden"].to_numpy(bool),
                        guarded=cells["guarded"].to_numpy(bool),
                        keep=(~cells["virtual"] & (cells["scope"] != DISTRICT)).to_numpy(bool))
    real = ~cells["virtual"].to_numpy(bool)
    hidden = np.zeros(len(exact), bool)
    hidden[cells["_row"].to_numpy(int)[real]] = protected["hidden"].to_numpy(bool)[real]
    return hidden
