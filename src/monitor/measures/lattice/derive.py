"""The sums that link the lattice's cells (a school's district, a grade's bands, a group's
complement, the subjects' pool) and the derivation that finds every cell the shown ones give
away: starting from what is shown, a sum with one unknown term gives it, until nothing more
follows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.items import ITEMS, ITEMS_BY_ID
from monitor.keys import GRADE_ORDER, LEVEL_BANDS
from monitor.measures.lattice.dimensions import (
    BANDS,
    COMPLEMENT,
    DIMENSIONS,
    DISTRICT,
    NO_GRADE,
    NO_RACE,
    POOLED,
)
from monitor.registry import MEASURES


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


def _as_categories(cells: pd.DataFrame) -> pd.DataFrame:
    """The dimensions as categories in sorted order (missing last): sorting, grouping and
    taking millions of strings is most of the time otherwise."""
    for d in DIMENSIONS:
        if not isinstance(cells[d].dtype, pd.CategoricalDtype):
            found, uniques = pd.factorize(cells[d], sort=True)
            cells[d] = pd.Categorical.from_codes(found, categories=uniques)
    return cells
