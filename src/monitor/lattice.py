"""The measures lattice: every number a user can reach, counted and protected once per version
of the database.

For every measure, subject (and every subject pooled), detail (and every detail pooled),
school (and the district), student group, grade (each grade, each band, all grades), school
year and window, the lattice holds how many students (observations, respondents) a cell counts
and how many of them meet the measure. It is built when a load commits (`build`, stored in the
database version itself as `measure_lattice`) and every page, the command line, the exports and
the slides read it (`read`); none of them counts from raw rows.

Suppression is applied here over the whole lattice at once (`protect`), so it holds across
views: no hidden count can be derived from any combination of the shown ones, whichever views a
person opens. The cells are linked by sums: the district is its schools (and results placed in
none), all grades are the grades (and results with none), and the three level bands; a band
is its grades; all students are a yes/no group and its complement, or the race/ethnicity groups
and the students in none; every subject pooled is the subjects; every detail pooled is the
details. A remainder nobody is shown (the students not in a group, the results with no grade)
is a cell too, never shown.

1. Primary: a cell of fewer than `min_n` students (walkthroughs: `min_observations`) is hidden
   ("n<10"), and so is one of fewer than `disclosive_n` where everyone shares one outcome.
   Learning walks count teachers too: a cell of fewer than `min_teachers` distinct teachers is
   hidden ("n<5 teachers"), and so is one where every observed teacher got the same rating
   (0% or 100%), at any size; so is a cell of an adults' measure (teacher growth, coaching)
   where everyone had the same outcome. No view gives one teacher's ratings.
2. Complementary, by derivation: starting from what is shown, every sum with exactly one
   unknown term gives that term, and what it gives is known in turn, across every partition,
   until nothing more follows. Any hidden cell, or small remainder, that comes out known has
   the smallest shown cell of the sum that gave it hidden too; repeat until nothing hidden can
   be derived. This closes chains through other partitions (a cell hidden only to protect
   another is protected in its own partitions too).

What it does not do: solve the whole linear system. Hidden cells that pair up in two sums at
once (two schools hidden in two grades) stay protected by it; rarer patterns could in principle
be solved by elimination over many sums at once. The test suite attacks generated districts and
the demo with exact linear algebra (tests/measures/test_lattice_attack.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor import privacy
from monitor.config import Settings
from monitor.db import run_here, sql
from monitor.ingest.common import GRADE_BANDS, GRADE_ORDER, LEVEL_BANDS
from monitor.items import ITEMS, ITEMS_BY_ID
from monitor.registry import MEASURES, MeasureId

DISTRICT, UNPLACED = privacy.DISTRICT, privacy.UNPLACED
POOLED = "*"                    # every subject / every detail / all grades
NO_GRADE, NO_SUBJECT = "(none)", "(none)"
COMPLEMENT = "~"                # a yes/no group's complement: "~el"
NO_RACE = "~race"               # the students in none of the race/ethnicity groups
DIMENSIONS = ("measure", "school_year", "window_id", "scope", "grade", "subject", "detail",
              "group_id")
BANDS = GRADE_BANDS
SMALL, ONE_OUTCOME, COMPLEMENTARY = "small", "one outcome", "complementary"
# Core Actions 2 and 3 by rating, as cells of their own: detail 'ca2=1' .. 'ca3=4', n the
# observations rated on that core action, n_meeting those given that rating. Not a measure of
# the registry (no page lists it): each cell is shown or hidden with its core action's cell of
# the learning walks ('ca2', 'ca3'), whose counts its four ratings make up.
RATINGS = "walkthrough_ratings"
OBSERVED = (MeasureId.WALKTHROUGH, RATINGS)     # counted in observations: min_observations applies
FEW_TEACHERS = "few teachers"


def grade_keys() -> pd.DataFrame:
    """Each grade's keys: itself, the bands it is in, and all grades."""
    rows = [(NO_GRADE, NO_GRADE), (NO_GRADE, POOLED)]
    for grade in GRADE_ORDER:
        rows += [(grade, grade), (grade, POOLED)]
        rows += [(grade, band) for band, grades in BANDS.items() if grade in grades]
    return pd.DataFrame(rows, columns=["grade", "grade_key"])


def rules_fingerprint(settings: Settings) -> str:
    """What the lattice depends on in config.toml: the measure rules, privacy and groups. A
    lattice built under other settings is not read (the reader builds one in memory)."""
    # (How a district words its survey items changes what loads, not how it is counted.)
    parts = settings.model_dump(mode="json", include={"privacy", "loading", "surveys", "groups",
                                                      "coaching"},
                                exclude={"surveys": {"wording"}})
    parts["growth"] = settings.measures[MeasureId.IREADY_GROWTH].growth_expectation
    # 2: intervals count units, not ratings; 3: the ratings' cells; 4: teacher growth;
    # 5: coaching logs; 6: walks counted in teachers, teacher growth's headline per teacher
    parts["version"] = 6
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


# -- counting ------------------------------------------------------------------------------

def counts(con, settings: Settings) -> Iterator[pd.DataFrame]:
    """Each measure's cells with their counts (before protection), every year and window."""
    from monitor.reads import rule_parameters  # monitor.reads reads the lattice

    cursor = con.cursor()
    try:
        cursor.register("grade_keys", grade_keys())
        for measure, spec in MEASURES.items():
            params = rule_parameters(settings, measure) | {
                "details": spec.details, "pool_subjects": spec.pool_subjects,
                "pooled_details": True, "unpooled": [*spec.unpooled, "-"],
                "pooled_only": [*spec.pooled_only, "-"]}
            rolled = run_here(cursor, "lattice_counts", params)
            if measure == MeasureId.SURVEY:
                # Items as details too, beside the constructs they make up (pooled rows are
                # the same either way).
                items = run_here(cursor, "lattice_counts", params | {
                    "survey_detail": "item", "pooled_details": False})
                rolled = pd.concat([rolled, items], ignore_index=True)
            if rolled.empty:
                continue
            if "median_a" in spec.statistics:
                medians = run_here(cursor, "lattice_medians", rule_parameters(settings, measure))
                rolled = rolled.merge(medians, how="left", on=[
                    "school_year", "window_id", "scope", "grade", "subject", "detail",
                    "group_id"])
            if spec.observations:
                teachers = run_here(cursor, "lattice_teachers", rule_parameters(
                    settings, measure) | {"unpooled": params["unpooled"]})
                rolled = rolled.merge(teachers, how="left", on=[
                    "school_year", "window_id", "scope", "grade", "subject", "detail"],
                    validate="many_to_one")
            yield rolled.assign(measure=measure)
            if measure == MeasureId.WALKTHROUGH:
                ratings = run_here(cursor, "lattice_counts", rule_parameters(settings, RATINGS)
                                   | {"details": True, "pool_subjects": True,
                                      "pooled_details": False, "unpooled": ["-"],
                                      "pooled_only": ["-"]})
                if len(ratings):
                    yield ratings.assign(measure=RATINGS)
    finally:
        cursor.close()


# -- protecting ----------------------------------------------------------------------------

def _codes(cells: pd.DataFrame, dimensions: list[str]) -> np.ndarray:
    """One integer per combination of `dimensions`, in the order of their sorted values
    (missing last): the lattice runs to millions of cells, and strings are slow to group."""
    key = np.zeros(len(cells), dtype=np.int64)
    for d in dimensions:
        codes, uniques = pd.factorize(cells[d], sort=True, use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
    return key


def _with_remainders(cells: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """The cells (dimensions as categories) and, marked `virtual`, the cells nobody is shown
    that complete a partition of all students: each yes/no group's complement ("~el") and the
    students in none of the race/ethnicity groups."""
    counted = ["n", "n_records", "n_meeting"]
    by_field: dict[str, list[str]] = {}
    for g in settings.groups:
        by_field.setdefault(g.field, []).append(g.id)
    sets = [(NO_RACE, ids) if field == "race_ethnicity" else (COMPLEMENT + i, [i])
            for field, ids in by_field.items()
            for i in (ids[:1] if field == "race_ethnicity" else ids)]
    cells = _as_categories(cells)
    # The remainders' names among the groups' (so that both stay categories when joined).
    group = cells["group_id"].cat.set_categories(
        sorted({*cells["group_id"].cat.categories, *(name for name, _ in sets)}))
    cells = cells.assign(group_id=group)
    key = _codes(cells, [d for d in DIMENSIONS if d != "group_id"])
    everyone = np.flatnonzero((group == "all").to_numpy(bool))
    order = np.argsort(key[everyone], kind="stable")
    everyone_keys = key[everyone][order]
    totals = cells[counted].to_numpy(float)
    parts = [cells.assign(virtual=False)]
    for name, members in sets:
        inside = np.flatnonzero(group.isin(members).to_numpy(bool))
        # A group's cell has its all-students cell (a group is some of everyone); one without
        # (a table that leaves all students' row out) has no remainder to make.
        position = np.searchsorted(everyone_keys, key[inside])
        found = position < len(everyone_keys)
        found[found] = everyone_keys[position[found]] == key[inside][found]
        inside, at = inside[found], order[position[found]]
        rest = totals[everyone].copy()
        for column in range(len(counted)):
            rest[:, column] -= np.bincount(at, weights=totals[inside, column],
                                           minlength=len(everyone))
        keep = rest[:, counted.index("n_records")] > 0
        part = cells.iloc[everyone[keep]][[d for d in DIMENSIONS if d != "group_id"]]
        parts.append(part.assign(
            group_id=pd.Categorical.from_codes(
                np.full(len(part), group.cat.categories.get_loc(name)), dtype=group.dtype),
            virtual=True, **{c: rest[keep, i].astype(np.int64) for i, c in enumerate(counted)}))
    return pd.concat(parts, ignore_index=True)


@dataclass
class _Relation:
    """Sums of one kind over the cells: each line is total = members."""

    name: str
    cells: np.ndarray        # indices of the cells in some line of this kind
    lines: np.ndarray        # the line of each
    total: np.ndarray        # whether the cell is its line's total
    count: int               # lines


def _relations(cells: pd.DataFrame, settings: Settings) -> list[_Relation]:
    """Every partition the lattice's cells are linked by (see the module docstring)."""
    codes, uniques = {}, {}
    for d in DIMENSIONS:
        found, values = pd.factorize(cells[d], sort=False, use_na_sentinel=False)
        codes[d] = found.astype(np.int64)
        uniques[d] = {value: code for code, value in enumerate(values)}
    sizes = {d: int(codes[d].max()) + 1 if len(codes[d]) else 1 for d in DIMENSIONS}
    race = [g.id for g in settings.groups if g.field == "race_ethnicity"]
    yes_no = [g.id for g in settings.groups if g.field != "race_ethnicity"]
    schools = sorted(set(uniques["scope"]) - {DISTRICT})
    constructs = sorted({item.construct for item in ITEMS})
    by_construct = {c: [item.id for item in ITEMS if item.construct == c] for c in constructs}
    # Pooled details are the walkthrough indicators (Core Action 1 as a whole aside: its parts
    # are in) or the survey constructs (a construct is its items); a measure's `unpooled`
    # details are not in it (teacher growth's pooled cell is each teacher's mean: no sum).
    measures = list(uniques["measure"])
    unpooled = {d for m in measures if m in MEASURES for d in MEASURES[m].unpooled}
    details = sorted(set(uniques["detail"]) - {POOLED, *unpooled, *ITEMS_BY_ID})
    subjects = sorted(set(uniques["subject"]) - {POOLED})
    kinds: list[tuple[str, str, str, list[str]]] = [
        ("schools", "scope", DISTRICT, schools),
        ("grades", "grade", POOLED, [*GRADE_ORDER, NO_GRADE]),
        ("levels", "grade", POOLED, [*LEVEL_BANDS, NO_GRADE]),
        ("elementary", "grade", "Elementary (TK-5)", list(BANDS["Elementary (TK-5)"])),
        ("elementary bands", "grade", "Elementary (TK-5)", ["TK-K", "1-3", "4", "5"]),
        ("TK-K", "grade", "TK-K", list(BANDS["TK-K"])),
        ("1-3", "grade", "1-3", list(BANDS["1-3"])),
        ("middle", "grade", "Middle (6-8)", list(BANDS["Middle (6-8)"])),
        ("high", "grade", "High (9-12)", list(BANDS["High (9-12)"])),
        ("races", "group_id", "all", [*race, NO_RACE]),
        *[(f"group {g}", "group_id", "all", [g, COMPLEMENT + g]) for g in yes_no],
        ("subjects", "subject", POOLED, subjects),
        ("details", "detail", POOLED, details),
        *[(f"construct {c}", "detail", c, items) for c, items in by_construct.items()],
    ]
    relations = []
    for name, dimension, total, members in kinds:
        if not members:
            continue
        # By codes, not strings: the lattice runs to millions of cells.
        values = codes[dimension]
        is_total = values == uniques[dimension].get(total, -1)
        wanted = np.zeros(len(uniques[dimension]) + 1, dtype=bool)
        wanted[[uniques[dimension][m] for m in members if m in uniques[dimension]]] = True
        taking = is_total | wanted[values]
        index = np.flatnonzero(taking)
        if not len(index):
            continue
        key = np.zeros(len(index), dtype=np.int64)
        for d in DIMENSIONS:
            if d != dimension:
                key = key * sizes[d] + codes[d][index]
        lines, _ = pd.factorize(key)
        # Only lines with their total and a member: a sum without its total tells nothing,
        # and a total without members is a measure the partition does not apply to (the
        # details of a measure that has none).
        has_total = np.zeros(lines.max() + 1, dtype=bool)
        has_total[lines[is_total[index]]] = True
        has_member = np.zeros(lines.max() + 1, dtype=bool)
        has_member[lines[~is_total[index]]] = True
        keep = has_total[lines] & has_member[lines]
        lines, _ = pd.factorize(lines[keep])
        relations.append(_Relation(name, index[keep], lines.astype(np.int64),
                                   is_total[index][keep], int(lines.max()) + 1 if len(lines)
                                   else 0))
    return relations


def sensitive(n, n_meeting, n_records, min_n: int, disclosive_n: int) -> np.ndarray:
    """Cells whose own value must not be known: under the minimum, or small enough and all one
    outcome (everyone met, or no one)."""
    n = np.asarray(n, dtype=float)
    meeting = np.asarray(n_meeting, dtype=float)
    records = np.asarray(n_records, dtype=float)
    same = (meeting == 0) | (meeting == records)
    return (n > 0) & ((n < min_n) | ((n < disclosive_n) & same))


class _Lines:
    """Every sum of every relation as one list of (cell, line) entries, indexed both ways, so
    that what follows from a newly known cell touches only the sums it is in."""

    def __init__(self, relations: list[_Relation], size: int):
        offsets = np.cumsum([0, *[r.count for r in relations]])
        self.offsets = offsets
        self.local = np.concatenate([np.arange(r.count) for r in relations] or [[]]).astype(
            np.int64)
        self.cell = np.concatenate([r.cells for r in relations] or [[]]).astype(np.int64)
        self.line = np.concatenate([r.lines + offsets[i] for i, r in enumerate(relations)]
                                   or [[]]).astype(np.int64)
        self.count = int(offsets[-1])
        self.by_cell = np.argsort(self.cell, kind="stable")
        self.start = np.searchsorted(self.cell[self.by_cell], np.arange(size + 1))

    def entries_of(self, cells: np.ndarray) -> np.ndarray:
        """The entries (positions in `cell`/`line`) of `cells`."""
        first, last = self.start[cells], self.start[cells + 1]
        lengths = last - first
        steps = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self.by_cell[np.repeat(first, lengths) + steps]


def _derive(lines: _Lines, unknown: np.ndarray) -> tuple[np.ndarray, ...]:
    """What an attacker learns from the shown cells: every sum with exactly one unknown term
    gives it, repeatedly. Returns (known, the relation and line that gave each derived cell,
    and its depth: 1 when that sum's other terms were all shown, more when it took cells
    derived before).

    Relation by relation, in passes, as a person working through the sums would: each sum
    keeps how many of its terms are unknown and the sum of their indices, so a sum with one
    left names it, and a cell learnt updates only the sums it is in."""
    known = ~unknown
    size = len(unknown)
    depth = np.zeros(size, dtype=np.int64)
    by_relation = np.full(size, -1)
    by_line = np.full(size, -1)
    open_ = unknown[lines.cell]
    left = np.bincount(lines.line, weights=open_, minlength=lines.count).astype(np.int64)
    which = np.zeros(lines.count, dtype=np.int64)
    np.add.at(which, lines.line[open_], lines.cell[open_])
    deepest = np.zeros(lines.count, dtype=np.int64)
    waiting = left == 1                          # sums with one unknown term
    while waiting.any():
        for number in range(len(lines.offsets) - 1):
            low, high = lines.offsets[number:number + 2]
            ready = np.flatnonzero(waiting[low:high]) + low
            if not len(ready):
                continue
            waiting[ready] = False
            ready = ready[left[ready] == 1]
            # A cell two sums of this relation give at once: the later sum's (a fixed choice,
            # the one earlier builds made).
            ready = ready[::-1]
            cells, first = np.unique(which[ready], return_index=True)
            ready = ready[first]
            if not len(cells):
                continue
            known[cells] = True
            depth[cells] = deepest[ready] + 1
            by_relation[cells] = number
            by_line[cells] = lines.local[ready]
            entries = lines.entries_of(cells)
            touched = lines.line[entries]
            np.subtract.at(left, touched, 1)
            np.subtract.at(which, touched, lines.cell[entries])
            np.maximum.at(deepest, touched, depth[lines.cell[entries]])
            waiting[touched] = left[touched] == 1
    return known, by_relation, by_line, depth


def _aliases(relations: list[_Relation], size: int) -> np.ndarray:
    """Cells that are one number under two names: a sum with a single term (a one-grade
    school's band and its all grades; a subject pooled where only one was taken; all students
    where everyone is in one group). Returns each cell's class (the lowest cell index in it)."""
    label = np.arange(size)
    pairs = []
    for relation in relations:
        per_line = np.bincount(relation.lines, minlength=relation.count)
        two = per_line[relation.lines] == 2
        if two.any():
            cells, lines = relation.cells[two], relation.lines[two]
            order = np.argsort(lines, kind="stable")
            pairs.append(cells[order].reshape(-1, 2))
    if not pairs:
        return label
    pairs = np.concatenate(pairs)
    while True:                  # label propagation to the smallest index in each class
        low = np.minimum(label[pairs[:, 0]], label[pairs[:, 1]])
        changed = (label[pairs[:, 0]] != low) | (label[pairs[:, 1]] != low)
        if not changed.any():
            break
        np.minimum.at(label, pairs[:, 0], low)
        np.minimum.at(label, pairs[:, 1], low)
        label = label[label]     # shortcut chains
    return label


def _collapse(relations: list[_Relation], index: np.ndarray) -> list[_Relation]:
    """The relations over alias classes (`index`: each cell's class number): a class appears
    once per sum, and a sum whose total is one of its own terms says nothing."""
    out = []
    classes = int(index.max()) + 1 if len(index) else 1
    for relation in relations:
        cells, lines = index[relation.cells], relation.lines
        pair = np.sort(lines * classes + cells)
        twice = pair[1:][pair[1:] == pair[:-1]] // classes
        keep = ~np.isin(lines, twice)      # a line naming one class twice is degenerate
        if not keep.any():
            continue
        new_lines, _ = pd.factorize(lines[keep])
        out.append(_Relation(relation.name, cells[keep], new_lines.astype(np.int64),
                             relation.total[keep], int(new_lines.max()) + 1))
    return out


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


def _protected(con, settings: Settings) -> pd.DataFrame:
    """As `build_cells`, with the dimensions as categories (what storing them needs).

    No sum crosses measures, so each measure is protected on its own, on a second thread
    while the database counts the next (DuckDB does not hold Python's lock while it counts):
    at 400,000 students the build takes about as long as the counting alone. The ratings
    (RATINGS) are not protected on their own: they follow the walks' cells."""
    rated = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lattice") as pool:
        pending = []
        for raw in counts(con, settings):
            if raw["measure"].iloc[0] == RATINGS:
                rated.append(raw)      # hidden as the walks' cells are: those come first
            else:
                pending.append(pool.submit(_protected_measure, raw, settings))
        parts = [part.result() for part in pending]
    walks = [part for part in parts if len(part) and part["measure"].iloc[0] == MeasureId.WALKTHROUGH]
    parts += [_with_parents_hidden(_counted(raw), walks[0] if walks else None, settings)
              for raw in rated]
    parts = [part for part in parts if len(part)]
    if not parts:
        empty = pd.DataFrame(columns=[*DIMENSIONS, "n", "n_records", "n_meeting"])
        return _finish(empty.assign(hidden=False, reason=None), settings)
    return pd.concat(parts, ignore_index=True)


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


def _as_categories(cells: pd.DataFrame) -> pd.DataFrame:
    """The dimensions as categories in sorted order (missing last): sorting, grouping and
    taking millions of strings is most of the time otherwise."""
    for d in DIMENSIONS:
        if not isinstance(cells[d].dtype, pd.CategoricalDtype):
            found, uniques = pd.factorize(cells[d], sort=True)
            cells[d] = pd.Categorical.from_codes(found, categories=uniques)
    return cells


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


# -- storing and reading ---------------------------------------------------------------------

STORED = [*DIMENSIONS, "n", "n_records", "n_meeting", "value", "ci_low", "ci_high", "hidden",
          "reason", "hidden_label", "schools", "mean_a", "median_a", "median_b", "n_excluded",
          "true_n", "true_n_records", "true_n_meeting", "true_n_teachers"]


def build(con, settings: Settings) -> int:
    """Count and protect the lattice of the database `con` (a load's writable copy) and store
    it there, with the rules it was built under. Returns the number of cells."""
    cells = _protected(con, settings)[STORED]
    con.execute("DELETE FROM measure_lattice")
    con.register("lattice_cells", cells)
    try:
        con.execute("INSERT INTO measure_lattice BY NAME SELECT * FROM lattice_cells")
    finally:
        con.unregister("lattice_cells")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('lattice_rules', $rules)",
                {"rules": rules_fingerprint(settings)})
    return len(cells)


def record_history(con, as_of: dt.date) -> None:
    """After a load run's build: what its headline cells now show, where that changed (the
    history behind "what changed"), stamped with the run's as-of date (the dashboard's today:
    the day itself in production, a pinned date for a frozen debrief or a test) at the time
    of day it ran, so that two runs of one day keep their order."""
    taken_at = dt.datetime.combine(as_of, dt.datetime.now().time())
    con.execute(sql("measure_history_record"), {"taken_at": taken_at})


def is_current(con, settings: Settings) -> bool:
    """Whether the stored lattice was built under these settings' rules."""
    found = con.execute("SELECT value FROM meta WHERE key = 'lattice_rules'").fetchall()
    return bool(found) and found[0][0] == rules_fingerprint(settings)


_MEMORY: dict[tuple, pd.DataFrame] = {}
_MEMORY_LOCK = threading.Lock()


def _in_memory(db, settings: Settings) -> pd.DataFrame:
    """A lattice built from a database whose stored one is not for these rules (config.toml
    changed since the last load, or a database no load has built one in): counted here, once
    per version and rules, and kept for the newest two."""
    key = (str(db.path), db.version(), rules_fingerprint(settings))
    with _MEMORY_LOCK:
        if key in _MEMORY:
            return _MEMORY[key]
    cells = build_cells(db.connection(), settings)
    with _MEMORY_LOCK:
        _MEMORY[key] = cells
        for old in list(_MEMORY)[:-2]:
            del _MEMORY[old]
    return cells


def read(db, settings: Settings, measure: str, years: list[str], subject: str,
         grade: str, schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One measure's cells for one subject and grade key (POOLED for all), the given years:
    public columns only. `db` is a Database or a VersionView. With `schools` (a principal's),
    the district and those schools as that principal's view protects them."""
    params = {"measure": measure, "years": years, "subject": subject, "grade": grade}
    if schools is not None:
        memory = principal_view(db, settings, schools)
    elif _stored_is_current(db, settings):
        return db.query("lattice_cells", params)
    else:
        memory = _in_memory(db, settings)
    rows = memory[(memory["measure"] == measure) & (memory["subject"] == subject)
                  & (memory["grade"] == grade) & memory["school_year"].isin(years)]
    return rows.rename(columns={"hidden": "suppressed"})[PUBLIC].reset_index(drop=True)


PUBLIC = ["school_year", "window_id", "scope", "detail", "group_id", "n", "n_records",
          "n_meeting", "value", "ci_low", "ci_high", "suppressed", "reason", "hidden_label",
          "schools", "mean_a", "median_a", "median_b", "n_excluded"]


# -- a principal's view ------------------------------------------------------------------------

OTHERS = "__others__"       # in a principal's view: the district less their own schools
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


def _stored_is_current(db, settings: Settings) -> bool:
    return rules_match(db.query("lattice_rules"), settings)


def rules_match(found: pd.DataFrame, settings: Settings) -> bool:
    """Whether a meta row of rules (`value`; none: nothing stored) is these settings' rules."""
    return bool(len(found)) and found["value"].iloc[0] == rules_fingerprint(settings)
