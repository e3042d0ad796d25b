"""Small-group suppression: the only place a value is hidden, before any page sees it.

`protect` takes the counts behind a measure at school grain, adds the district rows, and hides:

1. primary: cells of fewer than `min_n` students (or observations, respondents);
2. disclosive: cells of fewer than `disclosive_n` where everyone shares one outcome (0% or
   100%), which would tell each student's result;
3. complementary: wherever one hidden sensitive cell could be recovered by subtraction, the next
   smallest shown cell of the same partition is hidden too. The partitions are
   - a yes/no group (English learners, ...) and its complement, against all students;
   - the race/ethnicity groups of one school (or the district), against all students;
   - the schools of the district, for one group.
   The complement or remainder of a partition (students in none of its shown cells) is never
   shown, so it counts as hidden; it is sensitive when it is itself small.
Passes repeat until nothing changes (hiding only ever grows, so this ends).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.ingest.common import GRADE_BANDS, GRADE_ORDER, LEVEL_BANDS

DISTRICT = "__district__"
UNPLACED = "__unplaced__"
NO_DETAIL = "__none__"
KEYS = ["school_year", "window_id", "detail", "all_details"]
SMALL, ONE_OUTCOME, COMPLEMENT = "small", "one outcome", "complementary"


def wilson_interval(meeting: np.ndarray, n: np.ndarray,
                    z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of meeting / n, in percent (NaN where n is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = meeting / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return 100 * np.clip(centre - half, 0, 1), 100 * np.clip(centre + half, 0, 1)


def _sensitive(n: np.ndarray, meeting: np.ndarray, min_n: int, disclosive_n: int) -> np.ndarray:
    """Cells whose own value must not be known: small, or small enough and all one outcome."""
    n = np.asarray(n, dtype=float)
    meeting = np.asarray(meeting, dtype=float)
    same = (meeting == 0) | (meeting == n)
    return (n > 0) & ((n < min_n) | ((n < disclosive_n) & same))


def _partition_pass(n, meeting, hidden, total_n, total_meeting, total_hidden, min_n,
                    disclosive_n) -> tuple[np.ndarray, np.ndarray]:
    """One pass over many partitions at once (rows = partitions, columns = members).

    Returns (members to hide, totals to hide): in each partition where exactly one unknown
    remains (a hidden member, the unshown remainder, or a hidden total) and it is sensitive,
    the smallest shown member; the total itself when no member is left to hide.
    """
    present = n > 0
    res_n = total_n - np.where(present, n, 0).sum(axis=1)
    res_meeting = total_meeting - np.where(present, meeting, 0).sum(axis=1)
    res_unknown = res_n > 0
    unknown = (hidden & present).sum(axis=1) + res_unknown + total_hidden
    member_sensitive = (hidden & present & _sensitive(n, meeting, min_n, disclosive_n)).any(axis=1)
    res_sensitive = res_unknown & _sensitive(res_n, res_meeting, min_n, disclosive_n)
    total_sensitive = total_hidden & _sensitive(total_n, total_meeting, min_n, disclosive_n)
    exposed = (unknown == 1) & (member_sensitive | res_sensitive | total_sensitive)
    candidates = np.where(present & ~hidden, n, np.inf)
    has_candidate = np.isfinite(candidates.min(axis=1)) if candidates.shape[1] else exposed & False
    rows = np.flatnonzero(exposed & has_candidate)
    to_hide = np.zeros_like(hidden)
    to_hide[rows, candidates.argmin(axis=1)[rows]] = True
    return to_hide, exposed & ~has_candidate & ~total_hidden


def _apply(frame: pd.DataFrame, index: list[str], column: str, members: list[str],
           total_key: str, min_n: int, disclosive_n: int) -> bool:
    """Run one kind of partition over the frame; mark new complementary suppressions.

    `index` names a partition, `column` its members (`members`, with `total_key` the total).
    """
    if not members:
        return False
    keyed = frame[frame[column].isin([*members, total_key])].set_index(index + [column])
    if keyed.empty:
        return False
    wide = keyed[["n", "n_meeting", "hidden", "row"]].unstack(column)
    if total_key not in wide["n"].columns:
        return False
    wide = wide[wide[("n", total_key)].notna()]
    if wide.empty:
        return False

    def part(name: str, columns: list[str]) -> np.ndarray:
        return wide[name].reindex(columns=columns).to_numpy(dtype=float)

    to_hide, hide_total = _partition_pass(
        np.nan_to_num(part("n", members)), np.nan_to_num(part("n_meeting", members)),
        np.nan_to_num(part("hidden", members)).astype(bool),
        part("n", [total_key])[:, 0], part("n_meeting", [total_key])[:, 0],
        part("hidden", [total_key])[:, 0].astype(bool), min_n, disclosive_n)
    rows = np.concatenate([part("row", members)[to_hide], part("row", [total_key])[hide_total, 0]])
    rows = rows[~np.isnan(rows)].astype(int)
    if not len(rows):
        return False
    frame.loc[rows, "hidden"] = True
    frame.loc[rows, "reason"] = COMPLEMENT
    return True


# With a `grade` column (a grade, a band or "*": all grades), the grade partitions too: all
# grades are the grades (and the students with none), and the three level bands; a band is its
# grades; the elementary band is TK-K, 1-3, 4 and 5.
ALL_GRADES = "*"


def _grade_partitions() -> list[tuple[str, list[str]]]:
    return [(ALL_GRADES, list(GRADE_ORDER)), (ALL_GRADES, list(LEVEL_BANDS)),
            ("Elementary (TK-5)", ["TK-K", "1-3", "4", "5"]),
            *[(band, list(grades)) for band, grades in GRADE_BANDS.items()]]


def protect(cells: pd.DataFrame, settings: Settings, min_n: int | None = None,
            disclosive_n: int | None = None) -> pd.DataFrame:
    """School rows plus district rows, with every suppression applied (see module docstring).

    `min_n` / `disclosive_n` override the configured ones (walkthroughs count observations,
    not students). Adds `hidden_label`: "n<10" for a small cell, "suppressed" for the others.
    Cells with a `grade` column are protected over the grade partitions as well.
    """
    min_n = settings.privacy.min_n if min_n is None else min_n
    disclosive_n = settings.privacy.disclosive_n if disclosive_n is None else disclosive_n
    counts = ["n", "n_records", "n_meeting"]
    # A sentinel for "no detail", so partition keys never hold a missing value.
    schools = cells.assign(scope=cells["school_code"].fillna(UNPLACED),
                           detail=cells["detail"].fillna(NO_DETAIL)).drop(columns="school_code")
    graded = "grade" in schools.columns
    keys = KEYS + (["grade"] if graded else [])
    group_keys = keys + ["group_id"]
    district = schools.groupby(group_keys, dropna=False, as_index=False)[counts].sum()
    district["scope"] = DISTRICT
    frame = pd.concat([schools, district], ignore_index=True)
    frame[counts] = frame[counts].astype(float)
    frame["row"] = np.arange(len(frame), dtype=float)
    small = frame["n"].to_numpy() < min_n
    disclosive = _sensitive(frame["n"].to_numpy(), frame["n_meeting"].to_numpy(),
                            min_n, disclosive_n) & ~small
    frame["hidden"] = small | disclosive
    frame["reason"] = np.where(small, SMALL, np.where(disclosive, ONE_OUTCOME, None))

    by_field: dict[str, list[str]] = {}
    for group in settings.groups:
        by_field.setdefault(group.field, []).append(group.id)
    present_groups = set(frame["group_id"])
    yes_no = [[g] for field, ids in by_field.items() if field != "race_ethnicity"
              for g in ids if g in present_groups]
    races = [g for g in by_field.get("race_ethnicity", []) if g in present_groups]
    school_scopes = sorted(set(frame["scope"]) - {DISTRICT})
    grade_partitions = _grade_partitions() if graded else []
    changed = True
    while changed:
        changed = False
        for members in [*yes_no, races]:
            changed |= _apply(frame, keys + ["scope"], "group_id", members, "all", min_n,
                              disclosive_n)
        changed |= _apply(frame, keys + ["group_id"], "scope", school_scopes, DISTRICT, min_n,
                          disclosive_n)
        for total, members in grade_partitions:
            changed |= _apply(frame, KEYS + ["scope", "group_id"], "grade", members, total,
                              min_n, disclosive_n)

    frame["suppressed"] = frame["hidden"]
    frame["hidden_label"] = np.where(~frame["hidden"], None,
                                     np.where(frame["reason"] == SMALL, f"n<{min_n}", "suppressed"))
    value = 100 * frame["n_meeting"] / frame["n_records"].where(frame["n_records"] > 0)
    frame["value"] = value.where(~frame["suppressed"]).astype("Float64").round(1)
    low, high = wilson_interval(frame["n_meeting"].to_numpy(float),
                                frame["n_records"].to_numpy(float))
    frame["ci_low"] = pd.Series(low, index=frame.index).where(~frame["suppressed"]).round(1)
    frame["ci_high"] = pd.Series(high, index=frame.index).where(~frame["suppressed"]).round(1)
    frame["n_meeting"] = frame["n_meeting"].where(~frame["suppressed"])
    frame["n"] = frame["n"].astype(int)
    frame["n_records"] = frame["n_records"].astype(int)
    frame["detail"] = frame["detail"].replace(NO_DETAIL, None)
    return frame.drop(columns=["hidden", "row"]).reset_index(drop=True)


def mask_small(frame: pd.DataFrame, n_column: str, value_columns: list[str],
               min_n: int) -> pd.DataFrame:
    """For tables that are not measure cells (medians, transitions, published comparisons):
    values of rows counting fewer than `min_n` students are dropped."""
    frame = frame.copy()
    small = frame[n_column].fillna(0) < min_n
    for column in value_columns:
        frame[column] = frame[column].where(~small)
    return frame


# Tables of a few cells per school, linked by published sums (level-to-level transitions).
#
# Each school's table is a vector of d counts; what is published about a school is a set of its
# cells and of sums over them (the catching-up table's "below at start", "caught up", ...), and
# the district's table is the schools' tables added up, published the same way. What a person
# can work out is exactly the span of the published vectors. With the schools' published
# subspaces L_s (in R^d) and the district's D, a school's hidden vector a is determined when
# a lies in L_s + (D ∩ the intersection of every other school's L_t), and a district's hidden
# vector when it lies in D + (the intersection of every L_t): the district's sums reach one
# school only through what every other school publishes. So the check runs in R^d, however
# many schools there are. (The district is taken as the schools' sum exactly: students placed
# in no school only add unknowns, so this can hide more, never less.)

_TOLERANCE = 1e-9


def _span(vectors: np.ndarray, d: int) -> np.ndarray:
    """Orthonormal rows spanning the rows of `vectors`."""
    vectors = np.asarray(vectors, dtype=float).reshape(-1, d)
    if not len(vectors):
        return np.zeros((0, d))
    _, singular, vt = np.linalg.svd(vectors, full_matrices=False)
    return vt[singular > _TOLERANCE * max(1.0, singular.max(initial=0.0))]


def _complement(basis: np.ndarray, d: int) -> np.ndarray:
    if not len(basis):
        return np.eye(d)
    _, singular, vt = np.linalg.svd(basis, full_matrices=True)
    return vt[int((singular > _TOLERANCE).sum()):]


def _meet(a: np.ndarray, b: np.ndarray, d: int) -> np.ndarray:
    """The intersection of two subspaces (each as orthonormal rows)."""
    return _complement(_span(np.vstack([_complement(a, d), _complement(b, d)]), d), d)


def _inside(basis: np.ndarray, vector: np.ndarray) -> bool:
    residual = vector - basis.T @ (basis @ vector) if len(basis) else vector
    return float(np.abs(residual).max()) < 1e-7 * max(1.0, float(np.abs(vector).max()))


class _Spans:
    """What the shown vectors span, per table: each school's L_s, the district's D, and the
    meets of every school's but one or two (through prefix and suffix complements), for one
    set of shown vectors. `fixed` answers for one hidden vector, also as if a few more cells
    were hidden."""

    def __init__(self, vectors: np.ndarray, district_shown: np.ndarray,
                 school_shown: np.ndarray):
        self.vectors, self.d = vectors, vectors.shape[1]
        self.district_shown, self.school_shown = district_shown, school_shown
        d = self.d
        self.own = [_span(vectors[shown], d) for shown in school_shown]
        self.district = _span(vectors[district_shown], d)
        # Meets are taken through complements: the meet of many subspaces is the complement
        # of the span of their complements, one SVD however many there are.
        self.own_perp = [_complement(basis, d) for basis in self.own]
        self.prefix_perp = [np.zeros((0, d))]
        for perp in self.own_perp:
            self.prefix_perp.append(_span(np.vstack([self.prefix_perp[-1], perp]), d))
        suffix = [np.zeros((0, d))]
        for perp in reversed(self.own_perp):
            suffix.append(_span(np.vstack([suffix[-1], perp]), d))
        self.suffix_perp = suffix[::-1]
        self.every = _complement(self.prefix_perp[-1], d)    # the meet of every school's
        self._others: dict[int, np.ndarray] = {}
        self._reach: dict[int | None, np.ndarray] = {}
        self._tree: list[np.ndarray] | None = None

    def others(self, school: int) -> np.ndarray:
        """The meet of every school's subspace but `school`'s."""
        if school not in self._others:
            self._others[school] = self.meet_except([school])
        return self._others[school]

    def meet_except(self, points: list[int]) -> np.ndarray:
        """The meet of every school's subspace but those at `points` (sorted): the prefix
        before the first, the suffix after the last, and the ranges between from a tree of
        range complements (log S pieces each)."""
        pieces = [self.prefix_perp[points[0]], self.suffix_perp[points[-1] + 1]]
        for low, high in zip(points, points[1:], strict=False):
            if high > low + 1:
                pieces += self._range(low + 1, high)
        return _complement(_span(np.vstack(pieces), self.d), self.d)

    def _range(self, low: int, high: int) -> list[np.ndarray]:
        """The complements that together span that of the meet of schools low..high-1."""
        d = self.d
        if self._tree is None:
            size = 1
            while size < len(self.own):
                size *= 2
            self._size = size
            tree = [np.zeros((0, d))] * (2 * size)
            for u, perp in enumerate(self.own_perp):
                tree[size + u] = perp
            for node in range(size - 1, 0, -1):
                tree[node] = _span(np.vstack([tree[2 * node], tree[2 * node + 1]]), d)
            self._tree = tree
        out = []
        low += self._size
        high += self._size
        while low < high:
            if low & 1:
                out.append(self._tree[low])
                low += 1
            if high & 1:
                high -= 1
                out.append(self._tree[high])
            low //= 2
            high //= 2
        return out

    def _without(self, shown: np.ndarray, cells: list[int]) -> np.ndarray:
        shown = shown.copy()
        shown[cells] = False
        return _span(self.vectors[shown], self.d)

    def _hiding(self, also: list[tuple[int | None, int]]) -> tuple[np.ndarray,
                                                                   dict[int, np.ndarray]]:
        """The district's span and the changed schools' spans with the cells `also` hidden."""
        district = self.district
        district_cells = [cell for where, cell in also if where is None]
        if district_cells:
            district = self._without(self.district_shown, district_cells)
        changed: dict[int, list[int]] = {}
        for where, cell in also:
            if where is not None:
                changed.setdefault(where, []).append(cell)
        return district, {u: self._without(self.school_shown[u], cells)
                          for u, cells in changed.items()}

    def rest_fixed(self, school: int, k: int,
                   also: list[tuple[int | None, int]] = ()) -> bool:
        """To the principal of `school` (who sees the district and their school), is vector
        `k` of the rest of the district worked out? It is when it lies in both the district's
        span and their school's."""
        district, own = self._hiding(also)
        return _inside(_meet(district, own.get(school, self.own[school]), self.d),
                       self.vectors[k])

    def fixed(self, scope: int | None, k: int,
              also: list[tuple[int | None, int]] = ()) -> bool:
        """Is vector `k` of the table at `scope` (a school, or None: the district) worked out,
        with the cells `also` ((scope, cell) each) hidden as well?"""
        d = self.d
        if not also:
            if scope not in self._reach:
                self._reach[scope] = (
                    _span(np.vstack([self.district, self.every]), d) if scope is None
                    else _span(np.vstack([self.own[scope], _meet(self.district,
                                                                 self.others(scope), d)]), d))
            return _inside(self._reach[scope], self.vectors[k])
        district, own = self._hiding(also)

        def meet_of_all_but(skip: int | None) -> np.ndarray:
            moved = set(own) - {skip}
            if not moved:
                return self.every if skip is None else self.others(skip)
            out = self.meet_except(sorted(moved | ({skip} - {None})))
            for u in moved:
                out = _meet(out, own[u], d)
            return out

        if scope is None:
            reach = _span(np.vstack([district, meet_of_all_but(None)]), d)
        else:
            reach = _span(np.vstack([own.get(scope, self.own[scope]),
                                     _meet(district, meet_of_all_but(scope), d)]), d)
        return _inside(reach, self.vectors[k])


def _determined(vectors: np.ndarray, district_shown: np.ndarray, school_shown: np.ndarray,
                district_guarded: np.ndarray, school_guarded: np.ndarray,
                spans: _Spans | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which guarded vectors the shown ones fix. `vectors`: (k, d) functionals over a table's
    cells (the same for every scope); `*_shown` and `*_guarded`: (k,) for the district and
    (S, k) for the schools."""
    spans = spans or _Spans(vectors, district_shown, school_shown)
    district_fixed = np.zeros(len(vectors), bool)
    for k in np.flatnonzero(district_guarded):
        district_fixed[k] = spans.fixed(None, int(k))
    school_fixed = np.zeros(school_shown.shape, bool)
    for s, k in zip(*np.nonzero(school_guarded), strict=True):
        school_fixed[s, k] = spans.fixed(int(s), int(k))
    return district_fixed, school_fixed


def small_cells(tables: np.ndarray, min_n: int) -> np.ndarray:
    """The primary rule for tables of counts (the last axis a table's cells): cells under the
    minimum, and every cell of a table of fewer students than the minimum (its zeros would
    tell where those few are: "all of them were Not Met")."""
    tables = np.asarray(tables, dtype=float)
    totals = tables.sum(axis=-1, keepdims=True)
    return ((tables > 0) & (tables < min_n)) | ((totals > 0) & (totals < min_n))


def protect_linked_tables(district: np.ndarray, schools: np.ndarray, sums: np.ndarray,
                          sums_shown_district: np.ndarray, sums_shown_schools: np.ndarray,
                          min_n: int, *, school_tables: bool = True,
                          ) -> tuple[np.ndarray, np.ndarray]:
    """Which cells of the district's table (d,) and of each school's (S, d) to hide.

    `sums` (m, d) are 0/1 sums over a table's cells published elsewhere for each scope, with
    whether each is shown there (hidden ones of more than 0 must stay unknown too). Cells of
    fewer than `min_n` (and more than 0) are hidden, and every cell of a table of fewer than
    `min_n`; then, while any hidden cell or hidden sum can be
    worked out from what is shown, the smallest shown cell that breaks the link is hidden:
    one in a published sum with it, else the same cell at another school, else any.
    With `school_tables` False no school's table is shown (every cell hidden): only the
    district's is protected, against every sum.
    Returns (district_hidden, schools_hidden)."""
    district = np.asarray(district, dtype=float)
    schools = np.asarray(schools, dtype=float).reshape(-1, len(district))
    sums = np.asarray(sums, dtype=float).reshape(-1, len(district))
    d = len(district)
    vectors = np.vstack([np.eye(d), sums])
    hidden_d = small_cells(district, min_n)
    hidden_s = small_cells(schools, min_n)
    if not school_tables:
        hidden_s[:] = True
    sums_d = np.asarray(sums_shown_district, bool)
    sums_s = np.asarray(sums_shown_schools, bool).reshape(len(schools), len(sums))
    # One school: the district's table is that school's (but for students placed in none), so
    # a cell is hidden in both or in neither.
    twins = len(schools) == 1
    if twins:
        hidden_d |= hidden_s[0]
        hidden_s[0] |= hidden_d

    def with_twin(option: tuple[int | None, int]) -> list[tuple[int | None, int]]:
        if not twins:
            return [option]
        return [(None, option[1]), (0, option[1])]
    # What must stay unknown: hidden cells and hidden sums, but not a count of no one (a sum
    # of 0 tells nothing about anyone, like a cell of 0), though it stays unknown to others.
    values_d = vectors @ district
    values_s = schools @ vectors.T
    # What the shown sums give away on their own (a hidden sum, or a cell such as "stayed
    # below" = below at start less caught up) is published there: hiding cells cannot take it
    # back, so it is not asked of them (a sum's own leak is its protection's to mend).
    no_cells = np.zeros(d, bool)
    alone_d, alone_s = _determined(
        vectors, np.concatenate([no_cells, sums_d]),
        np.hstack([np.zeros((len(schools), d), bool), sums_s]),
        np.concatenate([~no_cells, ~sums_d]), np.hstack([np.ones_like(hidden_s), ~sums_s]))

    # A principal sees the district and their school: the district less their school is, to
    # them, the other schools. Where that is one school, or fewer than `min_n` students, it must
    # not come out (unless the catching-up counts alone give it: theirs to mend).
    rest = values_d[None, :] - values_s
    with_students = schools.sum(axis=1) > 0
    one_other = (with_students.sum() - with_students == 1) & (
        district.sum() == schools.sum())
    # (Where their school has no one, the rest is the district's own number: protected, or
    # shown, as that.)
    rest_guarded = (rest > 0) & (values_s > 0) & ((rest < min_n) | one_other[:, None]) \
        if len(schools) > 1 else np.zeros_like(rest, bool)
    sums_only = np.concatenate([no_cells, sums_d])
    district_sums = _span(vectors[sums_only], d)
    rest_alone = np.zeros_like(rest_guarded)
    for school in np.flatnonzero(rest_guarded.any(axis=1)):
        both = _meet(district_sums, _span(vectors[np.concatenate([no_cells, sums_s[school]])],
                                          d), d)
        for k in np.flatnonzero(rest_guarded[school]):
            rest_alone[school, k] = _inside(both, vectors[k])
    rest_guarded &= ~rest_alone

    for _ in range(d * (len(schools) + 1) + 1):
        shown_d = np.concatenate([~hidden_d, sums_d])
        shown_s = np.hstack([~hidden_s, sums_s])
        spans = _Spans(vectors, shown_d, shown_s)
        fixed_d, fixed_s = _determined(vectors, shown_d, shown_s,
                                       ~shown_d & (values_d > 0) & ~alone_d,
                                       ~shown_s & (values_s > 0) & ~alone_s, spans)
        rest_leaks = [(int(school), int(k)) for school, k in zip(*np.nonzero(rest_guarded),
                                                                  strict=True)
                      if spans.rest_fixed(int(school), int(k))]
        if not fixed_d.any() and not fixed_s.any() and not rest_leaks:
            return hidden_d, hidden_s
        for school, k in rest_leaks:
            # Hide the principal's own cell first (a school's number matters less than the
            # district's), else the district's: the first that stops the rest coming out.
            options = [option for option in _candidates(
                vectors[k], sums, schools[school], hidden_s[school], schools, hidden_s,
                school, district, hidden_d) if option[0] in (school, None)]
            chosen = next((option for option in options
                           if not spans.rest_fixed(school, k, with_twin(option))),
                          options[0] if options else None)
            if chosen is None:
                raise RuntimeError("linked tables: nothing left to hide for a principal")
            for where, cell in with_twin(chosen):
                (hidden_d if where is None else hidden_s[where])[cell] = True
        if rest_leaks:
            continue
        # Each worked-out number, the district's first: the first candidate that protects it
        # on its own. A number with none such gets the first candidate, one per table each
        # round (hiding one cell often protects several); the next round checks again.
        targets = [(None, int(k)) for k in np.flatnonzero(fixed_d)] + [
            (int(s), int(k)) for s, k in zip(*np.nonzero(fixed_s), strict=True)]
        touched: set[int | None] = set()
        for scope, k in targets:
            table = district if scope is None else schools[scope]
            hidden = hidden_d if scope is None else hidden_s[scope]
            options = _candidates(vectors[k], sums, table, hidden, schools, hidden_s, scope,
                                  district, hidden_d)
            if not options:
                raise RuntimeError("linked tables: nothing left to hide")
            chosen = next((option for option in options[:CANDIDATES_TRIED]
                           if not spans.fixed(scope, k, with_twin(option))), None)
            if chosen is None:
                if scope in touched:
                    continue
                chosen = options[0]
            for where, cell in with_twin(chosen):
                (hidden_d if where is None else hidden_s[where])[cell] = True
            touched.add(scope)
    raise RuntimeError("linked tables: suppression could not protect every hidden cell")


CANDIDATES_TRIED = 24


def _candidates(vector: np.ndarray, sums: np.ndarray, table: np.ndarray, hidden: np.ndarray,
                schools: np.ndarray, schools_hidden: np.ndarray, scope: int | None,
                district: np.ndarray, district_hidden: np.ndarray,
                ) -> list[tuple[int | None, int]]:
    """Shown cells whose hiding may stop `vector` (of the table at `scope`: a school's index,
    or None for the district) being worked out, most wanted first: the smallest shown cells
    of the same table in a published sum with it; the same cells, then those linked to them,
    at other schools (the district's sum links them); for a school's, the district's same
    cells; then any shown cell of the table. Smallest first, cells of 0 last: hiding a 0 only
    helps where it breaks a sum (it is then tried: see `protect_linked_tables`), while a
    hidden count of more than 0 is itself protected in turn, which carries the protection
    on to whatever gave it away."""
    cells = np.flatnonzero(vector)
    linked = np.zeros(len(table), bool)
    linked[cells] = True
    for row in sums:
        if row[cells].any():
            linked |= row > 0
    same = np.flatnonzero(linked & ~hidden)
    same_sorted = [(scope, int(c)) for c in same[np.argsort(table[same], kind="stable")]]
    # At other schools: the same cells first, then those in a published sum with them.
    elsewhere = sorted((float(cell not in cells), float(schools[other, cell]), int(other),
                        int(cell))
                       for cell in np.flatnonzero(linked)
                       for other in np.flatnonzero(~schools_hidden[:, cell]) if other != scope)
    other_sorted = [(other, cell) for *_, other, cell in elsewhere]
    in_district = [] if scope is None else [
        (None, int(c)) for c in sorted((c for c in cells if not district_hidden[c]),
                                       key=lambda c: district[c])]

    def value(option: tuple[int | None, int]) -> float:
        where, cell = option
        return float((district if where is None else schools[where])[cell])

    # A district number is better kept: for one, other schools' cells come first; for a
    # school's, its own. Counts of more than 0 before cells of 0.
    ordered = (other_sorted + same_sorted) if scope is None else (
        same_sorted + other_sorted + in_district)
    out = [o for o in ordered if value(o) > 0] + [o for o in ordered if value(o) == 0]
    rest = np.flatnonzero(~hidden & ~linked)
    out += [(scope, int(c)) for c in rest[np.lexsort((table[rest], table[rest] == 0))]]
    return out
