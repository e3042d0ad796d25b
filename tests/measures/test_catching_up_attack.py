"""The catching-up table over every grade view, attacked: what a person sees picking each
grade, each band and all grades, at each school and the district, solved together. All grades
are the grades and the students with none (an unknown), and the three level bands (with the
same unknown); a band is its grades; the elementary band is TK-K, 1-3, 4 and 5; the district is
its schools and the students placed in none (an unknown)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.db import Database
from monitor.keys import GRADE_BANDS, GRADE_ORDER, LEVEL_BANDS
from monitor.measures import privacy, rules, selection
from monitor.measures.privacy import partitions
from monitor.views import movement

from .test_transitions_attack import worked_out

# Slow lane: attacks on the catching-up tables.
pytestmark = pytest.mark.slow

ALL = "all grades"
VIEWS = [ALL, *GRADE_BANDS, *GRADE_ORDER]
PARTS = [(ALL, list(GRADE_ORDER), False), (ALL, list(LEVEL_BANDS), False),
         ("Elementary (TK-5)", ["TK-K", "1-3", "4", "5"], True),
         *[(band, list(grades), True) for band, grades in GRADE_BANDS.items()]]


def shown_views(db, settings, group: str, filters_of, schools=None):
    """Each (scope, view) -> (n below, n at standard) as shown (None where hidden); with
    `schools`, as a principal of those schools is shown them."""
    out = {}
    for view in VIEWS:
        table = movement.catching_up(db, settings, "benchmark", filters_of(view), "1", "2",
                                  schools)
        table = table[table["group_id"] == group]
        for row in table.itertuples(index=False):
            out[(row.scope, view)] = (None if pd.isna(row.n) else int(row.n),
                                      None if pd.isna(row.n_at_standard)
                                      else int(row.n_at_standard))
    return out


def partition_rows(index: dict, scopes: list[str], start: int) -> tuple[list[dict], int]:
    """Each scope's grade sums (PARTS) as rows over `index`'s variables, an incomplete sum with
    an unknown of its own numbered from `start`. Returns the rows and how many unknowns."""
    rows, extra = [], 0
    for scope in scopes:
        for total, parts, complete in PARTS:
            if (scope, total) not in index:
                continue
            row = {index[(scope, total)]: 1.0}
            for part in parts:
                if (scope, part) in index:
                    row[index[(scope, part)]] = -1.0
            if not complete:
                row[start + extra] = -1.0
                extra += 1
            rows.append(row)
    return rows, extra


def fixed_secrets(rows: list[dict], unknown: list[int], secrets: list[int]) -> list[bool]:
    """Whether each secret is determined: known counts are constants, so the system is the
    rows restricted to the unknowns."""
    column = {v: j for j, v in enumerate(unknown)}
    matrix = np.zeros((len(rows), len(unknown)))
    for r, row in enumerate(rows):
        for v, coefficient in row.items():
            if v in column:
                matrix[r, column[v]] = coefficient
    return worked_out(list(matrix), [np.eye(len(unknown))[column[i]] for i in secrets])


def leaks(shown: dict, which: int) -> list:
    """The hidden counts (n below: 0; at standard: 1) the shown ones and the sums fix."""
    cells = sorted(shown)
    index = {cell: i for i, cell in enumerate(cells)}
    size = len(cells)
    scopes = sorted({scope for scope, _ in cells})
    schools = [s for s in scopes if s != privacy.DISTRICT]
    rows, extra = partition_rows(index, scopes, size)
    for view in VIEWS:
        if (privacy.DISTRICT, view) in index:
            row = {index[(privacy.DISTRICT, view)]: 1.0, size + extra: -1.0}
            extra += 1
            for school in schools:
                if (school, view) in index:
                    row[index[(school, view)]] = -1.0
            rows.append(row)
    hidden = [i for i, cell in enumerate(cells) if shown[cell][which] is None]
    fixed = fixed_secrets(rows, hidden + list(range(size, size + extra)), hidden)
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


def test_the_attack_finds_a_grade_left_alone(demo_db, settings, monkeypatch):
    """Protected one grade view at a time (as before), a hidden grade comes out of its band
    less the other grades: the attacker sees it."""
    db = Database(demo_db)
    monkeypatch.setattr(partitions, "_grade_partitions", lambda: [])
    shown = shown_views(db, settings, "el", lambda view: selection.Filters(
        school_year="2026-27", subject="ELA", group="el",
        grade=None if view == ALL else view))
    assert leaks(shown, 0) or leaks(shown, 1)


def true_views(db, settings, group: str) -> dict:
    """Each (school, view) -> (n below, n at standard), unprotected (what the attack must not
    find), from the same counts movement.catching_up starts from."""
    params = rules.rule_parameters(settings, "benchmark") | {
        "year": "2026-27", "from_window": "1", "to_window": "2", "subject": "ELA",
        "grades": None, "survey_detail": "construct"}
    counts = db.query("catching_up", params)
    rows = counts[~counts["district"].to_numpy(bool) & (counts["group_id"] == group)]
    keyed = rows.assign(view=rows["grade"].map(
        lambda g: [ALL if k == privacy.ALL_GRADES else k for k in movement._grade_keys(g)]))
    summed = keyed.explode("view").groupby(["school_code", "view"])[
        ["n_below", "n_at_standard"]].sum()
    return {key: (int(below), int(at)) for key, (below, at) in summed.iterrows()}


def principal_leaks(shown: dict, truth: dict, mine: list[str], which: int,
                    min_n: int) -> list:
    """What a principal of `mine` works out from their view (the district and their schools,
    every grade view): each hidden count, and the other schools together (district less
    theirs) in each view where their schools have students and that is one school, or where
    it is fewer than `min_n` students."""
    others = sorted({school for school, _ in truth} - set(mine))
    cells = sorted(shown)
    variables = [*cells, *[("__others__", view) for view in VIEWS]]
    index = {cell: i for i, cell in enumerate(variables)}
    rows, extra = partition_rows(index, [privacy.DISTRICT, *mine, "__others__"],
                                 len(variables))
    for view in VIEWS:
        if (privacy.DISTRICT, view) in index:
            # The district is their schools and the others (students placed in none among
            # them: the attacker cannot tell them apart).
            row = {index[(privacy.DISTRICT, view)]: 1.0, index[("__others__", view)]: -1.0}
            for school in mine:
                if (school, view) in index:
                    row[index[(school, view)]] = -1.0
            rows.append(row)
    hidden = [i for i, cell in enumerate(cells) if shown[cell][which] is None]
    secret = list(hidden)
    for view in VIEWS:
        with_students = [s for s in others if truth.get((s, view), (0, 0))[which] > 0]
        rest = sum(truth.get((s, view), (0, 0))[which] for s in others)
        theirs = sum(truth.get((s, view), (0, 0))[which] for s in mine)
        if rest > 0 and ((theirs > 0 and len(with_students) <= 1) or rest < min_n):
            secret.append(index[("__others__", view)])
    unknown = sorted({*hidden, *range(len(cells), len(variables) + extra)})
    fixed = fixed_secrets(rows, unknown, secret)
    return [variables[i] for i, out in zip(secret, fixed, strict=True) if out]


def principals(codes: list[str], truth: dict) -> dict[str, list[str]]:
    """Principals to attack from: of the smallest school, of three, of all but the largest
    (the rest is one large school), of all but the smallest."""
    size = {code: sum(v[0] for (s, view), v in truth.items() if s == code and view == ALL)
            for code in codes}
    by_size = sorted(codes, key=lambda c: (size[c], c))
    return {"one": by_size[:1], "three": codes[:3],
            "all but the largest": [c for c in codes if c != by_size[-1]],
            "all but the smallest": [c for c in codes if c != by_size[0]]}


@pytest.mark.parametrize(("group", "who"), [
    ("all", "one"), ("all", "three"), ("all", "all but the largest"),
    ("all", "all but the smallest"), ("el", "all but the largest")])
def test_a_principal_works_out_no_other_school_from_catching_up(demo_db, settings, group,
                                                                who):
    """A principal (of one school, of three, of all but one) sees the district's and their
    schools' catching-up rows in every grade view: the district less theirs never gives the
    other school where theirs have students (or a handful of students), nor a hidden count."""
    db = Database(demo_db)
    truth = true_views(db, settings, group)
    codes = principals(sorted(db.query("schools")["school_code"]), truth)[who]

    def filters_of(view):
        return selection.Filters(school_year="2026-27", subject="ELA", group=group,
                                 grade=None if view == ALL else view)

    shown = shown_views(db, settings, group, filters_of, schools=tuple(codes))
    assert {scope for scope, _ in shown} <= {privacy.DISTRICT, *codes}
    assert any(value[0] is not None for (scope, _), value in shown.items()
               if scope == privacy.DISTRICT)
    for which in (0, 1):
        assert principal_leaks(shown, truth, codes, which, settings.privacy.min_n) == []


def test_the_principal_attack_finds_the_other_school_unprotected(demo_db, settings):
    """Principals of one school, each shown the district's and their school's rows as the
    whole district's protection alone leaves them (as before): for the principal of one of the
    demo's two middle schools, the other's counts come out of the district less theirs."""
    db = Database(demo_db)
    truth = true_views(db, settings, "all")
    shown = shown_views(db, settings, "all", lambda view: selection.Filters(
        school_year="2026-27", subject="ELA", group="all",
        grade=None if view == ALL else view))
    found = {}
    for code in sorted(db.query("schools")["school_code"]):
        theirs = {key: value for key, value in shown.items()
                  if key[0] in (privacy.DISTRICT, code)}
        found[code] = principal_leaks(theirs, truth, [code], 0, settings.privacy.min_n)
    middle = db.query("schools").query("level == 'Middle'")["school_code"]
    assert any(found[code] for code in middle), found
