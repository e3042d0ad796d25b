"""Protecting: primary suppression (small cells, one outcome, few teachers) and
complementary suppression by derivation (derive) over the whole lattice
at once, measure by measure, the walks' rating cells with their parents."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.measures import privacy
from monitor.measures.lattice.count import counts
from monitor.measures.lattice.derive import (
    _aliases,
    _codes,
    _collapse,
    _derive,
    _Lines,
    _relations,
    _with_remainders,
)
from monitor.measures.lattice.dimensions import (
    COMPLEMENTARY,
    DIMENSIONS,
    DISTRICT,
    FEW_TEACHERS,
    NO_GRADE,
    NO_SUBJECT,
    OBSERVED,
    ONE_OUTCOME,
    POOLED,
    RATINGS,
    SMALL,
    UNPLACED,
)
from monitor.registry import MEASURES, MeasureId


def protect(cells: pd.DataFrame, settings: Settings, *, virtual: np.ndarray | None = None,
            hidden: np.ndarray | None = None, guarded: np.ndarray | None = None,
            keep: np.ndarray | None = None, trace: list | None = None) -> pd.DataFrame:
    """Hide what must be hidden over linked cells (see the module docstring).

    `cells` holds the dimensions and n, n_records, n_meeting (and for learning walks
    n_teachers, the distinct teachers observed; NaN where not counted); `virtual` marks cells never
    shown (remainders), `hidden` cells already hidden, `guarded` cells whose value must not be
    derivable whatever their size (another school's, in a principal's view), `keep` cells to
    hide last (a principal's own school's, in their view). Returns the cells with `hidden` and
    `reason` (small, one outcome, complementary).

    No sum crosses a measure, a school year or a window (the partitions are of schools,
    grades, groups, subjects and details), so each measure's year and window is protected on
    its own: a round of derivation then runs only where something still leaks, not over the
    whole lattice (at 400,000 students, a third of the build's time).
    """
    cells = cells.reset_index(drop=True)
    size = len(cells)
    flags = [np.zeros(size, bool) if a is None else np.asarray(a, bool)
             for a in (virtual, hidden, guarded, keep)]
    core = cells[[*DIMENSIONS, "n", "n_records", "n_meeting"]].assign(
        n_teachers=cells["n_teachers"] if "n_teachers" in cells else np.nan)
    part = _codes(core, ["measure", "school_year", "window_id"])
    order = np.argsort(part, kind="stable")
    is_hidden = np.zeros(size, bool)
    reason = np.full(size, None, dtype=object)
    for rows in np.split(order, np.flatnonzero(np.diff(part[order])) + 1):
        found = [] if trace is not None else None
        is_hidden[rows], reason[rows] = _protect_part(
            core.iloc[rows].reset_index(drop=True), settings, *(f[rows] for f in flags),
            found)
        if trace is not None:
            trace.extend((int(rows[c]), name, int(rows[leak]), round_)
                         for c, name, leak, round_ in found)
    return cells.assign(hidden=is_hidden, reason=reason, virtual=flags[0])


def _protect_part(cells: pd.DataFrame, settings: Settings, virtual: np.ndarray,
                  hidden: np.ndarray, guarded: np.ndarray, keep: np.ndarray,
                  trace: list | None) -> tuple[np.ndarray, np.ndarray]:
    """`protect` over cells no sum links to others: (hidden, reason) per cell."""
    size = len(cells)
    privacy = settings.privacy
    walks = cells["measure"].isin(OBSERVED).to_numpy()
    adults = cells["measure"].isin([m for m, spec in MEASURES.items() if spec.people]).to_numpy()
    min_n = np.where(walks, privacy.min_observations, privacy.min_n)
    # Teachers' ratings and adults' outcomes: one outcome for everyone is hidden at any size.
    disclosive = np.where((walks | adults) & privacy.adults_one_outcome, np.inf,
                          np.where(walks, 0, privacy.disclosive_n))
    n = cells["n"].to_numpy(float)
    records = cells["n_records"].to_numpy(float)
    meeting = cells["n_meeting"].to_numpy(float)
    # Every walk's cell has its teachers counted (lattice_teachers.sql), but for the group
    # remainders `_with_remainders` adds: walks have no student groups, so those are each one
    # of the counted cells again, under another name, with no count of their own.
    teachers = cells["n_teachers"].to_numpy(float) if "n_teachers" in cells \
        else np.full(size, np.nan)
    teachers = np.where(np.isnan(teachers), np.inf, teachers)
    same = (meeting == 0) | (meeting == records)
    few_teachers = walks & (n > 0) & (teachers < privacy.min_teachers)
    small = (n > 0) & ((n < min_n) | few_teachers)
    one_outcome = (n > 0) & ~small & (n < disclosive) & same
    reason = np.where(small, np.where(few_teachers & (n >= min_n), FEW_TEACHERS, SMALL),
                      np.where(one_outcome, ONE_OUTCOME, None)).astype(object)
    shown_hidden = (small | one_outcome) & ~virtual
    added = hidden & ~shown_hidden
    reason[added] = COMPLEMENTARY
    shown_hidden |= hidden
    # What must never come out derived: hidden cells, small remainders, guarded cells.
    must = shown_hidden | (virtual & (small | one_outcome)) | guarded
    relations = _relations(cells, settings)
    # Which shown cell to hide when one must be: the least important, then the smallest.
    # Importance, highest first: cells to keep (a principal's own school's, in their view:
    # the district's by-grade cells go first), the district's numbers, all grades, all students, every
    # detail pooled, the subject the measure is reported in by default (learning walks: every
    # subject pooled; the others: ELA, Math, each survey), any other total.
    totals = np.zeros(size, bool)
    for relation in relations:
        totals[relation.cells[relation.total]] = True
    pooled_subject = (cells["subject"] == POOLED).to_numpy()
    usual_subject = np.where(walks, pooled_subject, ~pooled_subject)
    importance = (keep * 64 + (cells["scope"] == DISTRICT).to_numpy() * 32
                  + (cells["grade"] == POOLED).to_numpy() * 16
                  + (cells["group_id"] == "all").to_numpy() * 8
                  + (cells["detail"] == POOLED).to_numpy() * 4
                  + usual_subject * 2 + totals)
    # One variable per alias class: hiding one name of a number hides all of them.
    label = _aliases(relations, size)
    classes, index = np.unique(label, return_inverse=True)
    count = len(classes)

    def any_of(flags: np.ndarray) -> np.ndarray:
        out = np.zeros(count, bool)
        np.logical_or.at(out, index, flags)
        return out

    c_virtual = ~any_of(~virtual)                 # virtual only if every name is
    c_hidden = any_of(shown_hidden)
    c_must = any_of(must)
    c_importance = np.zeros(count, dtype=np.int64)
    np.maximum.at(c_importance, index, importance)
    c_records = np.zeros(count)
    np.maximum.at(c_records, index, records)
    c_relations = _collapse(relations, index)
    c_lines = _Lines(c_relations, count)
    # A number that must not be known but is shown under another name (a principal's "other
    # schools" that are one school, shown as the district's cell) is hidden under every name.
    c_hidden |= c_must & ~c_virtual
    for round_ in range(100_000):
        unknown = c_hidden | c_virtual
        known, by_relation, by_line, depth = _derive(c_lines, unknown)
        leaks = np.flatnonzero(known & unknown & c_must)
        if not len(leaks):
            break
        # The leaks nearest the shown cells first: one derived through another leak may close
        # once that one is protected.
        leaks = leaks[depth[leaks] == depth[leaks].min()]
        hid_any = False
        for number in np.unique(by_relation[leaks]):
            relation = c_relations[number]
            mine = leaks[by_relation[leaks] == number]
            lines = np.unique(by_line[mine])
            chosen_line = np.zeros(relation.count, dtype=bool)
            chosen_line[lines] = True
            in_lines = chosen_line[relation.lines]
            members = relation.cells[in_lines]
            line_of = relation.lines[in_lines]
            candidate = ~unknown[members]
            if candidate.any():
                picked = members[candidate]
                order = np.lexsort((c_records[picked], c_importance[picked], line_of[candidate]))
                chosen_lines, first = np.unique(line_of[candidate][order], return_index=True)
                chosen = picked[order][first]
                if trace is not None:
                    leak_of = dict(zip(by_line[mine], mine, strict=True))
                    trace.extend((int(classes[c]), relation.name, int(classes[leak_of[line]]),
                                  round_) for c, line in zip(chosen, chosen_lines, strict=True))
                c_hidden[chosen] = True
                c_must[chosen] = True       # a cell hidden to protect another is protected too
                hid_any = True
                lines = np.setdiff1d(lines, chosen_lines)
            if len(lines):
                # No shown cell left in these sums: every other term was derived in turn;
                # protect those terms so the next round breaks the sums that gave them.
                left = np.zeros(relation.count, dtype=bool)
                left[lines] = True
                others = members[left[line_of] & unknown[members] & ~c_must[members]]
                if len(others):
                    c_must[others] = True
                    hid_any = True
        if not hid_any:
            raise RuntimeError("suppression could not protect every hidden cell")
    added = c_hidden[index] & ~shown_hidden & ~virtual
    reason[added] = COMPLEMENTARY
    shown_hidden |= c_hidden[index] & ~virtual
    return shown_hidden | virtual, reason


def build_cells(con, settings: Settings) -> pd.DataFrame:
    """Every cell of the lattice, counted and protected (remainders dropped: never shown)."""
    cells = _protected(con, settings)
    return cells.astype({d: "str" for d in DIMENSIONS})


def _protected(con, settings: Settings, measures: Collection[str] | None = None,
               years: Collection[str] | None = None) -> pd.DataFrame:
    """As `build_cells`, with the dimensions as categories. `measures` and `years`: those only
    (None: every one)."""
    parts: list[pd.DataFrame] = []
    protect_each(con, settings, parts.append, measures, years)
    if not parts:
        empty = pd.DataFrame(columns=[*DIMENSIONS, "n", "n_records", "n_meeting"])
        return _finish(empty.assign(hidden=False, reason=None), settings)
    return pd.concat(parts, ignore_index=True)


def protect_each(con, settings: Settings, keep: Callable[[pd.DataFrame], None],
                 measures: Collection[str] | None = None,
                 years: Collection[str] | None = None) -> None:
    """Count the lattice's cells and protect them a measure at a time, handing each measure's
    protected cells (dimensions as categories; none empty) to `keep` as soon as they are
    ready, on the thread that protected them (one thread, always the same one): a load stores
    each and lets it go, rather than holding every measure's cells at once.

    No sum crosses measures, so each measure is protected on its own, on that second thread
    while the database counts the next (DuckDB does not hold Python's lock while it counts):
    at 400,000 students the build takes about as long as the counting alone. The ratings
    (RATINGS) are not protected on their own: they follow the walks' cells, and come last.
    `measures` and `years`: those only (None: every one)."""
    rated = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lattice") as pool:
        pending = []
        for raw in counts(con, settings, measures, years):
            if raw["measure"].iloc[0] == RATINGS:
                rated.append(raw)      # hidden as the walks' cells are: those come first
            else:
                pending.append(pool.submit(_protect_and_keep, raw, settings, keep))
        found = [walks for walks in (part.result() for part in pending) if walks is not None]
        for raw in rated:
            pool.submit(_keep_ratings, raw, found[0] if found else None, settings,
                        keep).result()
        pool.submit(_give_back_freed_memory).result()


def _protect_and_keep(raw: pd.DataFrame, settings: Settings,
                      keep: Callable[[pd.DataFrame], None]) -> pd.DataFrame | None:
    """One measure's cells protected and handed to `keep`; returned too where they are the
    learning walks' (their ratings' parents)."""
    _give_back_freed_memory()           # the previous measure's working arrays
    part = _protected_measure(raw, settings)
    if len(part):
        keep(part)
    return part if len(part) and part["measure"].iloc[0] == MeasureId.WALKTHROUGH else None


def _give_back_freed_memory() -> None:
    """Return the memory freed by the last measure's protection to the system (glibc keeps
    what a thread freed for that thread's next allocations: at 400,000 students, most of a
    gigabyte held through the rest of a load). Elsewhere than glibc: nothing to do."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _keep_ratings(raw: pd.DataFrame, walks: pd.DataFrame | None, settings: Settings,
                  keep: Callable[[pd.DataFrame], None]) -> None:
    part = _with_parents_hidden(_counted(raw), walks, settings)
    if len(part):
        keep(part)


def _counted(raw: pd.DataFrame) -> pd.DataFrame:
    """A measure's counted cells less those with no one counted in them (only students left
    out, as an i-Ready student with no baseline): no cell."""
    return raw[raw["n_records"] > 0].reset_index(drop=True)


def _with_parents_hidden(ratings: pd.DataFrame, walks: pd.DataFrame | None,
                         settings: Settings) -> pd.DataFrame:
    """The rating cells (RATINGS), each hidden as its core action's cell among `walks` (the
    learning walks' protected cells), values and labels added.

    A core action's cell is its four ratings added up (its n_meeting is ratings 3 and 4), and
    every sum that links the walks' cells (schools, grades, subjects) links each rating's
    cells the same way; hidden in the same pattern, a rating's hidden count follows from the
    shown ones no more than the core action's does. A rating cell without its core action's
    cell (none are expected) is hidden. Cells nobody is shown (results placed in no school,
    with no grade or no subject) are dropped, as the walks' are."""
    ratings = ratings[(ratings["scope"] != UNPLACED) & (ratings["grade"] != NO_GRADE)
                      & (ratings["subject"] != NO_SUBJECT)].reset_index(drop=True)
    hidden, reason = _parents_hidden(ratings, walks)
    return _finish(ratings.assign(hidden=hidden, reason=reason), settings)


def _parents_hidden(ratings: pd.DataFrame, walks: pd.DataFrame | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Per rating cell: (hidden, reason) of its core action's cell in `walks`."""
    if walks is None or not len(ratings):
        return np.ones(len(ratings), bool), np.full(len(ratings), COMPLEMENTARY, object)
    keys = [d for d in DIMENSIONS if d not in ("measure", "detail")]
    # (Teacher growth has details ca2 and ca3 too: the learning walks' are the parents.)
    parents = walks[(walks["measure"] == MeasureId.WALKTHROUGH) & walks["detail"].isin(["ca2", "ca3"])]
    parents = parents[[*keys, "detail", "hidden", "reason"]].astype(
        {d: str for d in [*keys, "detail"]})
    found = ratings[keys].astype(str).assign(
        detail=ratings["detail"].astype(str).str.split("=").str[0]).merge(
        parents, how="left", on=[*keys, "detail"], validate="many_to_one")
    missing = found["hidden"].isna().to_numpy()
    hidden = found["hidden"].fillna(True).to_numpy(bool)
    reason = found["reason"].to_numpy(object, copy=True)
    reason[missing] = COMPLEMENTARY
    return hidden, reason


def _protected_measure(raw: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One measure's cells protected (see `protect`), values and labels added."""
    raw = _counted(raw)
    if raw.empty:
        return _finish(raw.assign(hidden=False, reason=None), settings)
    cells = _with_remainders(raw, settings)
    virtual = (cells["virtual"].to_numpy()
               | (cells["scope"] == UNPLACED).to_numpy()
               | (cells["grade"] == NO_GRADE).to_numpy()
               | (cells["subject"] == NO_SUBJECT).to_numpy())
    # Protected in the cells' sorted order (queries return rows in no fixed order; where two
    # cells tie for hiding, the same one is then chosen on every build).
    order = np.argsort(_codes(cells, list(DIMENSIONS)), kind="stable")
    counted = ["n", "n_records", "n_meeting", *(["n_teachers"] if "n_teachers" in cells else [])]
    core = cells[[*DIMENSIONS, *counted]].take(order).reset_index(drop=True)
    protected = protect(core, settings, virtual=virtual[order])
    cells = cells.take(order[~virtual[order]])
    kept = protected[~protected["virtual"]]
    cells = cells.assign(hidden=kept["hidden"].to_numpy(), reason=kept["reason"].to_numpy())
    return _finish(cells.drop(columns="virtual").reset_index(drop=True), settings)


def _finish(cells: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Values, intervals and labels; a hidden cell keeps its exact counts only in the
    `true_*` columns, which no reader returns."""
    cells = cells.copy()
    hidden = cells["hidden"].to_numpy(bool)
    walks = cells["measure"].isin(OBSERVED).to_numpy()
    records = cells["n_records"].to_numpy(float)
    meeting = cells["n_meeting"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.round(100 * meeting / np.where(records > 0, records, np.nan), 1)
    # The interval counts units (students, observations, respondents), not ratings: an
    # observation's eleven indicator ratings, or a respondent's answers, are not eleven
    # independent draws. The share is the ratings'; its sample size the units'.
    units = cells["n"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = meeting / np.where(records > 0, records, np.nan)
    low, high = privacy.wilson_interval(share * units, units)
    cells["value"] = np.where(hidden, np.nan, value)
    cells["ci_low"] = np.where(hidden, np.nan, np.round(low, 1))
    cells["ci_high"] = np.where(hidden, np.nan, np.round(high, 1))
    small = np.where(walks, f"n<{settings.privacy.min_observations}",
                     f"n<{settings.privacy.min_n}")
    reason = cells["reason"].to_numpy()
    cells["hidden_label"] = np.where(
        ~hidden, None, np.where(reason == SMALL, small, np.where(
            reason == FEW_TEACHERS, f"n<{settings.privacy.min_teachers} teachers",
            "suppressed")))
    # Teachers counted (learning walks): kept only as an exact count behind the protection.
    cells["true_n_teachers"] = (cells["n_teachers"].to_numpy(float) if "n_teachers" in cells
                                else np.nan)
    if "count_a" in cells:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = cells["sum_a"].to_numpy(float) / cells["count_a"].to_numpy(float)
        cells["mean_a"] = np.where(hidden, np.nan, np.round(mean, 1))
    for column in ("median_a", "median_b", "n_excluded"):
        if column in cells:
            cells[column] = np.where(hidden, np.nan, cells[column].to_numpy(float))
    for column in ("n", "n_records", "n_meeting"):
        cells[f"true_{column}"] = cells[column]
        cells[column] = np.where(hidden, np.nan, cells[column].to_numpy(float))
    columns = [*DIMENSIONS, "n", "n_records", "n_meeting", "value", "ci_low", "ci_high",
               "hidden", "reason", "hidden_label", "schools", "mean_a", "median_a", "median_b",
               "n_excluded", "true_n", "true_n_records", "true_n_meeting", "true_n_teachers"]
    for column in columns:
        if column not in cells:
            cells[column] = np.nan
    return cells[columns]
