"""Hiding in linked tables: the level-to-level tables of the district and each school, linked
by their sums (the district is its schools; a table's rows and columns are the catching-up
counts shown elsewhere). Cells are hidden until no hidden cell lies in the span of what is
shown, checked by exact linear algebra."""

from __future__ import annotations

import numpy as np

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
