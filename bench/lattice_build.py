"""The measures lattice at one district size: how long a load takes and how much of it the
lattice is, how many cells it holds, how many are hidden and by which rule, and how long a
first (cold) and a second (warm) read of a page's cells take.

    .venv/bin/python bench/lattice_build.py --students 30000 [--schools 50] [--out DIR]
    .venv/bin/python bench/lattice_build.py --rebuild DB [--repeat 3]

Writes the demo district's exports (seed 2026, as of 2026-11-23, the benchmark's date), loads
them into a fresh database in one run (timing each stage from the loader's progress), rebuilds
the lattice alone three times on a copy (median), and prints one JSON line. With --rebuild,
only the last part, on a copy of an existing database (the same database before and after a
change of the lattice).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

AS_OF = "2026-11-23"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30_000)
    parser.add_argument("--schools", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--rebuild", type=Path, help="only rebuild this database's lattice")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["MONITOR_AS_OF"] = AS_OF
    if args.rebuild:
        rebuild_only(args.rebuild, args.repeat)
        return
    from monitor.config import load_settings
    from monitor.db import Database, create_schema
    from monitor.demo.district import write_demo
    from monitor.ingest.load import load_files
    from monitor.measures import lattice, selection
    from monitor.views import reads

    settings = load_settings()
    folder = args.out or Path(tempfile.mkdtemp(prefix="lattice-bench-"))
    exports = folder / "exports"
    if not exports.exists():
        write_demo(exports, settings, students=args.students, seed=2026,
                   as_of=dt.date.fromisoformat(AS_OF), schools=args.schools)
    files = sorted(exports.iterdir())
    db = folder / "monitor.duckdb"
    db.unlink(missing_ok=True)
    stages: list[tuple[float, str]] = []
    started = time.perf_counter()
    result = load_files(files, settings, db_path=db,
                        progress=lambda _f, text: stages.append((time.perf_counter(), text)))
    load_seconds = time.perf_counter() - started
    stages.append((time.perf_counter(), "end"))
    lattice_seconds = sum(b[0] - a[0] for a, b in zip(stages, stages[1:], strict=False)
                          if a[1].startswith("Counting"))
    rows = sum(r.records or r.loaded for r in result.reports)
    by_stage: dict[str, float] = {}
    for (began, text), (ended, _) in zip(stages, stages[1:], strict=False):
        kind = text.split()[0]
        by_stage[kind] = round(by_stage.get(kind, 0.0) + ended - began, 1)
    builds = []
    for _ in range(3):
        copy = folder / "rebuild.duckdb"
        shutil.copy2(db, copy)
        con = duckdb.connect(str(copy))
        create_schema(con)
        t = time.perf_counter()
        lattice.build(con, settings)
        builds.append(time.perf_counter() - t)
        con.close()
        copy.unlink()
    con = duckdb.connect(str(db), read_only=True)
    reasons = dict(con.execute(
        "SELECT coalesce(reason, 'shown'), count(*) FROM measure_lattice GROUP BY 1").fetchall())
    cells = sum(reasons.values())
    con.close()
    reader = Database(db)
    filters = selection.Filters(school_year=settings.current_school_year(), subject="ELA")
    cold, warm = [], []
    for measure in settings.measures:
        t = time.perf_counter()
        reads.measure_cells(reader, settings, measure, filters)
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        reads.measure_cells(reader, settings, measure, filters)
        warm.append(time.perf_counter() - t)
    print(json.dumps({
        "students": args.students, "schools": args.schools, "rows_loaded": rows,
        "load_seconds": round(load_seconds, 1), "lattice_seconds_in_load": round(lattice_seconds, 1),
        "lattice_share_of_load": round(lattice_seconds / load_seconds, 2),
        # What the lattice adds to the rest of the load (the target: at most half).
        "lattice_adds_to_load": round(lattice_seconds / (load_seconds - lattice_seconds), 2),
        "stage_seconds": by_stage,
        "lattice_rebuild_median_seconds": round(statistics.median(builds), 1),
        "cells": cells, "by_reason": reasons,
        "hidden_share": round(1 - reasons.get("shown", 0) / cells, 3),
        "database_mb": round(db.stat().st_size / 2**20, 1),
        "read_one_measure_cells_median_ms": round(1000 * statistics.median(cold + warm), 1),
    }))


def rebuild_only(db: Path, repeat: int) -> None:
    """The lattice rebuilt alone `repeat` times on a writable copy of `db`."""
    from monitor.config import load_settings
    from monitor.db import create_schema
    from monitor.measures import lattice

    settings = load_settings()
    builds, cells = [], 0
    with tempfile.TemporaryDirectory(prefix="lattice-rebuild-") as folder:
        copy = Path(folder) / "rebuild.duckdb"
        for _ in range(repeat):
            shutil.copy2(db, copy)
            con = duckdb.connect(str(copy))
            create_schema(con)
            t = time.perf_counter()
            cells = lattice.build(con, settings)
            builds.append(time.perf_counter() - t)
            by_measure = dict(con.execute(
                "SELECT measure, count(*) FROM measure_lattice GROUP BY 1 ORDER BY 1").fetchall())
            con.close()
            copy.unlink()
    print(json.dumps({"database": str(db), "cells": cells, "by_measure": by_measure,
                      "rebuild_seconds": [round(b, 1) for b in builds],
                      "rebuild_median_seconds": round(statistics.median(builds), 1)}))


if __name__ == "__main__":
    main()
