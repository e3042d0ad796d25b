"""The catching-up table over every grade view, attacked: what a person sees picking each
grade, each band and all grades, at each school and the district, solved together. All grades
are the grades and the students with none (an unknown), and the three level bands (with the
same unknown); a band is its grades; the elementary band is TK-K, 1-3, 4 and 5; the district is
its schools and the students placed in none (an unknown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor import privacy, reads, selection
from monitor.db import Database
from monitor.ingest.common import GRADE_BANDS, GRADE_ORDER, LEVEL_BANDS

from .test_transitions_attack import worked_out

ALL = "all grades"
VIEWS = [ALL, *GRADE_BANDS, *GRADE_ORDER]
PARTS = [(ALL, list(GRADE_ORDER), False), (ALL, list(LEVEL_BANDS), False),
         ("Elementary (TK-5)", ["TK-K", "1-3", "4", "5"], True),
         *[(band, list(grades), True) for band, grades in GRADE_BANDS.items()]]


def shown_views(db, settings, group: str, filters_of):
    """Each (scope, view) -> (n below, n at standard) as shown (None where hidden)."""
    out = {}
    for view in VIEWS:
        table = reads.catching_up(db, settings, "benchmark", filters_of(view), "1", "2")
        table = table[table["group_id"] == group]
        for row in table.itertuples(index=False):
            out[(row.scope, view)] = (None if pd.isna(row.n) else int(row.n),
                                      None if pd.isna(row.n_at_standard)
                                      else int(row.n_at_standard))
    return out


def leaks(shown: dict, which: int) -> list:
    """The hidden counts (n below: 0; at standard: 1) the shown ones and the sums fix."""
    cells = sorted(shown)
    index = {cell: i for i, cell in enumerate(cells)}
    size, extra = len(cells), 0
    rows = []
    scopes = sorted({scope for scope, _ in cells})
    schools = [s for s in scopes if s != privacy.DISTRICT]
    for scope in scopes:
        for total, parts, complete in PARTS:
            if (scope, total) not in index:
                continue
            row = {index[(scope, total)]: 1.0}
            for part in parts:
                if (scope, part) in index:
                    row[index[(scope, part)]] = -1.0
            if not complete:
                row[size + extra] = -1.0
                extra += 1
            rows.append(row)
    for view in VIEWS:
        if (privacy.DISTRICT, view) in index:
            row = {index[(privacy.DISTRICT, view)]: 1.0, size + extra: -1.0}
            extra += 1
            for school in schools:
                if (school, view) in index:
                    row[index[(school, view)]] = -1.0
            rows.append(row)
    total_vars = size + extra
    hidden = [i for i, cell in enumerate(cells) if shown[cell][which] is None]
    # Known counts are constants: the system over the unknowns is the rows restricted to them.
    unknown = hidden + list(range(size, total_vars))
    column = {v: j for j, v in enumerate(unknown)}
    matrix = np.zeros((len(rows), len(unknown)))
    for r, row in enumerate(rows):
        for v, coefficient in row.items():
            if v in column:
                matrix[r, column[v]] = coefficient
    secrets = [np.eye(len(unknown))[column[i]] for i in hidden]
    fixed = worked_out(list(matrix), secrets)
    return [cells[i] for i, out in zip(hidden, fixed, strict=True) if out]


@pytest.mark.parametrize("group", ["all", "el", "black"])
def test_no_hidden_catching_up_count_comes_out_across_grades(demo_db, settings, group):
    db = Database(demo_db)

    def filters_of(view):
        return selection.Filters(school_year="2026-27", subject="ELA", group=group,
                                 grade=None if view == ALL else view)

    shown = shown_views(db, settings, group, filters_of)
    # The views overlap (a band is its grades): the attack has something to work with.
    assert sum(1 for value in shown.values() if value[0] is not None) > 5
    assert any(value[0] is None for value in shown.values())
    assert leaks(shown, 0) == []
    assert leaks(shown, 1) == []


def test_the_attack_finds_a_grade_left_alone(demo_db, settings):
    """Protected one grade view at a time (as before), a hidden grade comes out of its band
    less the other grades: the attacker sees it."""
    db = Database(demo_db)
    original = privacy._grade_partitions
    try:
        privacy._grade_partitions = lambda: []
        shown = shown_views(db, settings, "el", lambda view: selection.Filters(
            school_year="2026-27", subject="ELA", group="el",
            grade=None if view == ALL else view))
    finally:
        privacy._grade_partitions = original
    assert leaks(shown, 0) or leaks(shown, 1)
