"""The attacker: everything a person can see, and the sums that link it, solved exactly.

Written apart from monitor.measures.lattice on purpose: it states the partitions the way an analyst
would read the published tables (the district is its schools; all grades are the grades, and
the three level bands; a band is its grades; all students are a group and the rest, or the
race/ethnicity groups and the rest; every subject pooled is the subjects; every detail pooled
is the details, but for teacher growth, whose pooled cell is each teacher's mean rating and
no sum of its details; a construct is its items), sets up one equation per sum with the shown counts
as constants and everything hidden (and every unpublished remainder) as unknowns, and finds
each unknown that the system fixes: x_i is determined exactly when the unit vector e_i lies in
the row space of the system, that is when every vector of its null space is 0 at i.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.items import ITEMS

DIMS = ["measure", "school_year", "window_id", "scope", "grade", "subject", "detail", "group_id"]
GRADES = ["TK", "K", *[str(g) for g in range(1, 13)]]
ELEMENTARY = GRADES[:7]
BANDS = {"TK-K": ["TK", "K"], "1-3": ["1", "2", "3"], "Elementary (TK-5)": ELEMENTARY,
         "Middle (6-8)": ["6", "7", "8"], "High (9-12)": ["9", "10", "11", "12"]}
CONSTRUCTS = {}
for _item in ITEMS:
    CONSTRUCTS.setdefault(_item.construct, []).append(_item.id)


def partitions(settings) -> list[tuple[str, str, list[str], bool]]:
    """(dimension, total, parts, complete): `complete` False where the parts leave a remainder
    nobody is shown (the students in no group, results with no grade or school)."""
    race = [g.id for g in settings.groups if g.field == "race_ethnicity"]
    yes_no = [g.id for g in settings.groups if g.field != "race_ethnicity"]
    out = [("grade", "*", GRADES, False),
           ("grade", "*", ["Elementary (TK-5)", "Middle (6-8)", "High (9-12)"], False),
           ("grade", "Elementary (TK-5)", ["TK-K", "1-3", "4", "5"], True),
           ("group_id", "all", race, False)]
    out += [("grade", band, grades, True) for band, grades in BANDS.items()]
    out += [("group_id", "all", [g], False) for g in yes_no]
    out += [("detail", c, items, True) for c, items in CONSTRUCTS.items()]
    return out


def equations(cells: pd.DataFrame, settings, schools_complete: bool = False,
              ) -> tuple[list[tuple[int, list[int], str]], int]:
    """Each sum as (total cell, part cells, remainder variable or ''), over `cells`' rows.
    `schools_complete`: the district is exactly its schools (a table with nothing placed in
    no school, as response rates are)."""
    index = {tuple(row): i for i, row in enumerate(cells[DIMS].itertuples(index=False))}
    found = []
    position = {d: i for i, d in enumerate(DIMS)}

    def add(key, dimension, total, parts, complete):
        total_key = key[:position[dimension]] + (total,) + key[position[dimension] + 1:]
        if total_key not in index:
            return
        members = [index[k] for k in (key[:position[dimension]] + (p,) + key[position[dimension]
                                                                                + 1:]
                                      for p in parts) if k in index]
        if not members:
            return
        rest = "" if complete else f"rest:{dimension}:{total}:{','.join(parts)}:{total_key}"
        found.append((index[total_key], members, rest))

    schools = sorted({k[position["scope"]] for k in index} - {"__district__"})
    items = {i for members in CONSTRUCTS.values() for i in members}
    subjects_of, details_of = {}, {}
    for k in index:
        subjects_of.setdefault(k[0], set()).add(k[position["subject"]])
        details_of.setdefault(k[0], set()).add(k[position["detail"]])
    seen = set()
    for key in index:
        for dimension, total, parts, complete in partitions(settings):
            if key[position[dimension]] != total:
                continue
            marker = (dimension, total, tuple(parts), key)
            if marker not in seen:
                seen.add(marker)
                add(key, dimension, total, parts, complete)
        # The district is its schools (and results placed in none).
        if key[position["scope"]] == "__district__":
            # Complete where the others are one unknown of their own (a principal's view).
            add(key, "scope", "__district__", schools,
                schools_complete or "zz-others" in schools)
        # Every subject pooled, and every detail pooled.
        if key[position["subject"]] == "*":
            add(key, "subject", "*", sorted(subjects_of[key[0]] - {"*"}), False)
        if key[position["detail"]] == "*" and key[0] != "teacher_growth":
            # Not in it: Core Action 1 as a whole (its parts are).
            details = sorted(details_of[key[0]] - {"*", "ca1", *items})
            add(key, "detail", "*", details, key[0] != "walkthrough")
    return found, len(index)


def determined(cells: pd.DataFrame, unknown: np.ndarray, settings,
               schools_complete: bool = False) -> np.ndarray:
    """Which unknown cells (boolean over `cells`) the shown ones and the sums fix exactly."""
    sums, size = equations(cells, settings, schools_complete)
    rests: dict[str, int] = {}
    rows = []
    for total, members, rest in sums:
        row = {total: 1.0}
        for m in members:
            row[m] = row.get(m, 0.0) - 1.0
        if rest:
            rests.setdefault(rest, size + len(rests))
            row[rests[rest]] = -1.0
        rows.append(row)
    # A remainder that appears in one sum only absorbs it: that sum fixes nothing else (and
    # the remainder is not itself a target), so both go, repeatedly. This leaves the system's
    # answers for every cell unchanged and makes it much smaller.
    uses: dict[int, int] = {}
    for row in rows:
        for c in row:
            if c >= size:
                uses[c] = uses.get(c, 0) + 1
    pendant = {c for c, k in uses.items() if k == 1}
    while pendant:
        kept, dropped = [], set()
        for row in rows:
            if pendant & row.keys():
                dropped |= row.keys()
            else:
                kept.append(row)
        rows = kept
        for c in dropped:
            if c >= size and c in uses:
                uses[c] -= 1
        pendant = {c for c in dropped if c >= size and uses.get(c) == 1}
    variables = size + len(rests)
    is_unknown = np.concatenate([unknown, np.ones(len(rests), bool)])
    # Keep the unknown columns only (shown counts are constants), and the rows touching them.
    columns = np.flatnonzero(is_unknown)
    where = {c: i for i, c in enumerate(columns)}
    sparse = [{where[c]: v for c, v in row.items() if c in where} for row in rows]
    sparse = [r for r in sparse if r]
    # Split into connected components: unknowns linked by a shared sum.
    parent = list(range(len(columns)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for r in sparse:
        first, *others = r
        for o in others:
            parent[find(o)] = find(first)
    groups: dict[int, list[int]] = {}
    for c in range(len(columns)):
        groups.setdefault(find(c), []).append(c)
    component_rows: dict[int, list[dict]] = {}
    for r in sparse:
        component_rows.setdefault(find(next(iter(r))), []).append(r)
    fixed = np.zeros(variables, bool)
    for root, members in groups.items():
        local = {c: i for i, c in enumerate(members)}
        matrix = np.zeros((len(component_rows.get(root, [])), len(members)))
        for i, r in enumerate(component_rows.get(root, [])):
            for c, v in r.items():
                matrix[i, local[c]] = v
        if not len(matrix):
            continue
        # An orthonormal basis of the row space; e_i lies in it when its row has length 1.
        q, r = np.linalg.qr(matrix.T)
        rank_rows = np.abs(np.diag(r)) > 1e-9 * max(matrix.shape) if len(r) else np.array([])
        if not rank_rows.all():
            # Rank-deficient: take the basis from the SVD instead (QR without pivoting keeps
            # dependent columns).
            _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
            q = vt[singular > 1e-9 * max(matrix.shape)].T
        length = (q * q).sum(axis=1)
        for c, i in local.items():
            if length[i] > 1 - 1e-7:
                fixed[columns[c]] = True
    return fixed[:size] & unknown
