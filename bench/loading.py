"""Loading beside its floor: a district's exports loaded by the product against DuckDB reading
the same files into tables, and a week's new files loaded onto the district as it stood.

Full load: every CSV/TXT export of a folder (a `monitor demo --out` folder; .xlsx files are
left out of both sides, DuckDB reads no workbook without an extension) loaded into a fresh
database by `monitor.ingest.load.load_files`, and the same files read by DuckDB alone
(`CREATE TABLE ... AS SELECT * FROM read_csv(file)`, types detected) into a fresh database:
seconds (median of --repeat runs, each side in its own process, alternating), the ratio, the
load's phases (reading, checking rows, writing, health, lattice, saving) and each process's
peak memory (resident set).

Week: a `monitor demo --week` folder: last_week/ loaded once as the district's database (with
MONITOR_AS_OF its last_week.as_of), then this_week/ loaded onto a copy of it --repeat times:
seconds, phases, which measures were counted again, peak memory.

    .venv/bin/python bench/loading.py --exports DIR [--repeat R]
    .venv/bin/python bench/loading.py --week DIR [--repeat R]

Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = {"Opening": "reading", "Reading": "reading", "Checking data health": "health",
          "Checking": "checking rows", "Writing": "writing", "Counting": "lattice", "Saving": "saving"}


def _phase(text: str) -> str:
    return next(name for prefix, name in PHASES.items() if text.startswith(prefix))


def child_load(db: Path, files: list[Path]) -> dict:
    from monitor.config import load_settings
    from monitor.ingest.load import load_files
    from monitor.measures import lattice

    steps: list[tuple[float, str]] = []
    recounted: list[str] | None = None
    real_build = lattice.build

    def build(con, settings, sources=None, years=None):
        nonlocal recounted
        recounted = lattice.recounted(con, settings, sources)
        if recounted is not None and years is not None:
            recounted = [f"{m} ({', '.join(sorted(years))})" for m in recounted]
        return real_build(con, settings, sources, years)

    from monitor.ingest import load as loader
    loader.lattice.build = build
    started = time.perf_counter()
    result = load_files(files, load_settings(), db_path=db,
                        progress=lambda _, text: steps.append((time.perf_counter(), text)))
    total = time.perf_counter() - started
    steps.append((time.perf_counter(), "end"))
    phases: dict[str, float] = {}
    for (at, text), (after, _) in zip(steps, steps[1:], strict=False):
        phases[_phase(text)] = phases.get(_phase(text), 0.0) + after - at
    return {"seconds": total, "phases": phases,
            "rows": sum(r.rows_read for r in result.reports),
            "rejected": sum(r.rejected for r in result.reports),
            "errors": [r.line() for r in result.reports if r.error],
            "recounted": "every measure" if recounted is None else recounted,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_floor(db: Path, files: list[Path]) -> dict:
    import duckdb

    started = time.perf_counter()
    rows = 0
    with duckdb.connect(str(db)) as con:
        for number, path in enumerate(files):
            con.read_csv(str(path)).to_table(f"t{number}")
            rows += con.table(f"t{number}").aggregate("count(*)").fetchall()[0][0]
        con.execute("CHECKPOINT")
    return {"seconds": time.perf_counter() - started, "rows": rows,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(kind: str, db: Path, files: list[Path], as_of: str | None = None) -> dict:
    env = os.environ | ({"MONITOR_AS_OF": as_of} if as_of else {})
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db),
                           *map(str, files)], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def exports(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".txt"))


def summary(runs: list[dict]) -> dict:
    phases = {name: round(statistics.median(r["phases"].get(name, 0.0) for r in runs), 2)
              for name in dict.fromkeys(n for r in runs for n in r["phases"])}
    return {"seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "runs": [round(r["seconds"], 2) for r in runs], "phases": phases,
            "rows": runs[0]["rows"], "rejected": runs[0]["rejected"],
            "errors": runs[0]["errors"], "recounted": runs[0]["recounted"],
            "peak_mb": round(max(r["peak_mb"] for r in runs))}


def full(folder: Path, repeat: int) -> dict:
    files = exports(folder)
    loads, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            for kind, into in (("floor", floors), ("load", loads)):
                db = Path(tmp) / f"{kind}{run}.duckdb"
                into.append(run_child(kind, db, files))
                for leftover in Path(tmp).glob(f"{kind}{run}.duckdb*"):
                    leftover.unlink()
                (Path(tmp) / "rejected_rows.csv").unlink(missing_ok=True)
    load = summary(loads)
    floor = {"seconds": round(statistics.median(f["seconds"] for f in floors), 2),
             "runs": [round(f["seconds"], 2) for f in floors], "rows": floors[0]["rows"],
             "peak_mb": round(max(f["peak_mb"] for f in floors))}
    return {"files": len(files), "load": load, "duckdb_read": floor,
            "ratio": round(load["seconds"] / floor["seconds"], 2)}


def week(folder: Path, repeat: int) -> dict:
    then = (folder / "last_week.as_of").read_text().strip()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.duckdb"
        setup = run_child("load", base, exports(folder / "last_week"), as_of=then)
        runs = []
        for run in range(repeat):
            db = Path(tmp) / f"week{run}.duckdb"
            shutil.copy2(base, db)
            runs.append(run_child("load", db, exports(folder / "this_week")))
            for leftover in Path(tmp).glob(f"week{run}.duckdb*"):
                leftover.unlink()
    return {"last_week": {"seconds": round(setup["seconds"], 2), "rows": setup["rows"],
                          "peak_mb": round(setup["peak_mb"])},
            "files": [p.name for p in exports(folder / "this_week")], "week": summary(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=Path)
    parser.add_argument("--week", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["load", "floor"])
    parser.add_argument("--db", type=Path)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    if args.child:
        child = child_load if args.child == "load" else child_floor
        print(json.dumps(child(args.db, args.files)))
        return
    result = {}
    if args.exports:
        result["full"] = full(args.exports, args.repeat)
        f = result["full"]
        print(f"full load: {f['load']['seconds']} s against DuckDB's read {f['duckdb_read']['seconds']}"
              f" s ({f['ratio']}x); phases {f['load']['phases']}; peak {f['load']['peak_mb']} MB",
              file=sys.stderr)
    if args.week:
        result["week"] = week(args.week, args.repeat)
        w = result["week"]["week"]
        print(f"week load: {w['seconds']} s; phases {w['phases']}; recounted {w['recounted']}; "
              f"peak {w['peak_mb']} MB", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
