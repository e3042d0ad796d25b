"""A load run counts again only the measures whose rows it changed (monitor.measures.lattice
`build` with the run's sources): the lattice it stores is the whole build's, cell for cell,
protection included, whichever of a week's files arrive together."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from monitor.db import writable_copy
from monitor.demo.district import write_demo
from monitor.ingest.load import load_files
from monitor.measures import lattice
from monitor.measures.lattice import protecting
from monitor.measures.lattice.dimensions import STORED
from monitor.registry import MEASURES, ROSTER
from tests.conftest import AS_OF

STUDENTS = 1500
THEN = AS_OF - dt.timedelta(days=7)


@pytest.fixture(scope="module")
def week(tmp_path_factory, settings) -> tuple[Path, list[Path]]:
    """A district loaded as it stood a week before AS_OF, and the week's new files."""
    folder = tmp_path_factory.mktemp("incremental")
    earlier = write_demo(folder / "last_week", settings, STUDENTS, 11, THEN)
    new = write_demo(folder / "this_week", settings, STUDENTS, 11, AS_OF, since=THEN)
    base = folder / "base.duckdb"
    os.environ["MONITOR_AS_OF"] = THEN.isoformat()
    try:
        assert load_files(earlier, settings, db_path=base).exit_code == 0
    finally:
        os.environ["MONITOR_AS_OF"] = AS_OF.isoformat()
    return base, new


def stored(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        cells = con.execute("SELECT * FROM measure_lattice").df()
    return _sorted(cells)


def _sorted(cells: pd.DataFrame) -> pd.DataFrame:
    cells = cells[STORED].astype({c: "string" for c in lattice.DIMENSIONS})
    cells = cells.astype({c: "string" for c in ("reason", "hidden_label")})
    cells = cells.astype({c: "float64" for c in STORED if c not in lattice.DIMENSIONS
                          and c not in ("hidden", "reason", "hidden_label")})
    return cells.sort_values(list(lattice.DIMENSIONS)).reset_index(drop=True)


def whole_build(path: Path, settings) -> pd.DataFrame:
    """The lattice a build of every measure gives over the same rows (the stored one is left
    as it was: the copy is thrown away)."""
    class Done(Exception):
        pass
    found = {}
    with pytest.raises(Done), writable_copy(path) as con:
        lattice.build(con, settings)
        found["cells"] = con.execute("SELECT * FROM measure_lattice").df()
        raise Done
    return _sorted(found["cells"])


def test_the_weeks_files_are_not_a_roster(week):
    """(What the sweep below rests on: none of the week's files changes every measure.)"""
    _, new = week
    assert len(new) >= 3 and not any(ROSTER in p.name for p in new)


# Each file alone in the fast lane; pairs and the whole week in the whole suite's.
@pytest.mark.parametrize("size", [1, pytest.param(2, marks=pytest.mark.slow),
                                  pytest.param("all", marks=pytest.mark.slow)])
def test_a_load_of_some_sources_stores_the_whole_builds_lattice(week, settings, tmp_path, size,
                                                               monkeypatch):
    base, new = week
    counted: list[str] = []
    counted_years: set[str] = set()
    real_counts = protecting.counts

    def counting(con, settings, measures=None, years=None):
        for raw in real_counts(con, settings, measures, years):
            counted.append(str(raw["measure"].iloc[0]))
            counted_years.update(raw["school_year"].astype(str))
            yield raw
    monkeypatch.setattr(protecting, "counts", counting)
    runs = ([[p] for p in new] if size == 1 else
            [list(c) for c in itertools.combinations(new, 2)][::3] if size == 2 else [new])
    for files in runs:
        path = tmp_path / f"{files[0].stem}_{len(files)}.duckdb"
        shutil.copy2(base, path)
        before = stored(path)
        counted.clear()
        counted_years.clear()
        result = load_files(files, settings, db_path=path)
        assert result.exit_code == 0, [r.line() for r in result.reports]
        changed = {r.source for r in result.reports if r.loaded or r.replaced}
        after = stored(path)
        recounted = set(counted) - {lattice.RATINGS}
        years_counted = set(counted_years)
        pd.testing.assert_frame_equal(after, whole_build(path, settings))
        # Only the measures counting the changed sources were counted again: every other
        # measure's cells are the ones stored before the load.
        others = [m for m, spec in MEASURES.items() if spec.source not in changed]
        mine = [m for m in MEASURES if m not in others]
        assert mine, changed
        assert recounted == set(mine), (changed, recounted)
        # ...and only the school years the week's rows are in.
        touched = set().union(*(r.school_years for r in result.reports if r.loaded))
        assert years_counted and years_counted <= touched, (years_counted, touched)
        kept = before[before["measure"].isin(others)].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            after[after["measure"].isin(others)].reset_index(drop=True), kept)


def test_what_is_counted_again(week, settings, tmp_path):
    base, _ = week
    path = tmp_path / "rules.duckdb"
    shutil.copy2(base, path)
    with duckdb.connect(str(path)) as con:
        # The sources' own measures only; none for the CAASPP files (they feed no measure).
        assert lattice.recounted(con, settings, {"iready"}) == ["iready_growth"]
        assert sorted(lattice.recounted(con, settings, {"walkthrough"})) == sorted(
            m for m, spec in MEASURES.items() if spec.source == "walkthrough")
        assert lattice.recounted(con, settings, {"caaspp_research"}) == []
        # A roster changes every student's school, grade and groups: everything.
        assert lattice.recounted(con, settings, {"iready", ROSTER}) is None
        assert lattice.recounted(con, settings, None) is None
        # A lattice built under other rules is no base to build on.
        other = settings.model_copy(update={"privacy": settings.privacy.model_copy(
            update={"min_n": settings.privacy.min_n + 1})})
        assert lattice.recounted(con, other, {"iready"}) is None


def test_a_run_that_changed_nothing_keeps_the_lattice(week, settings, tmp_path):
    """Files loaded before (every row a duplicate) change no measure: nothing is counted."""
    base, new = week
    path = tmp_path / "again.duckdb"
    shutil.copy2(base, path)
    assert load_files(new[:1], settings, db_path=path).exit_code == 0
    first = stored(path)
    result = load_files(new[:1], settings, db_path=path)
    assert all(r.loaded == 0 and r.replaced == 0 for r in result.reports)
    pd.testing.assert_frame_equal(stored(path), first)
    pd.testing.assert_frame_equal(first, whole_build(path, settings))


def test_a_corrected_file_of_last_year_counts_last_year_again(week, settings, tmp_path,
                                                             monkeypatch):
    """A corrected export of last year (same name, one score changed): only last year's
    cells of its measure are counted again, and the lattice is the whole build's."""
    base, _ = week
    original = next(p for p in base.parent.joinpath("last_week").iterdir()
                    if p.name.startswith("district_benchmarks_2025"))
    path = tmp_path / "corrected.duckdb"
    shutil.copy2(base, path)
    frame = pd.read_csv(original, dtype=str)
    frame.loc[0, "Percent Correct"] = "0" if frame.loc[0, "Percent Correct"] != "0" else "100"
    corrected = tmp_path / original.name
    frame.to_csv(corrected, index=False)
    years: list[set] = []
    real_counts = protecting.counts

    def counting(con, settings, measures=None, years_=None):
        years.append(set(years_ or ["*"]))
        yield from real_counts(con, settings, measures, years_)
    monkeypatch.setattr(protecting, "counts", counting)
    result = load_files([corrected], settings, db_path=path)
    assert result.exit_code == 0 and result.reports[0].replaced, result.reports[0].line()
    assert years == [{"2025-26"}]
    pd.testing.assert_frame_equal(stored(path), whole_build(path, settings))
