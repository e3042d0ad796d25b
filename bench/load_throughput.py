"""Load throughput: how fast `python -m monitor load` takes a large export.

Writes a district-benchmark export of N rows (default 1,000,000) in the real default layout,
loads it into a fresh database R times (default 3) in separate processes, and prints the
median wall time and rows per second. Usage:

    .venv/bin/python bench/load_throughput.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def write_export(path: Path, rows: int, students: int = 60_000) -> None:
    rng = np.random.default_rng(0)
    percent = rng.integers(0, 101, rows)
    levels = np.array(["Standard Not Met", "Standard Nearly Met", "Standard Met",
                       "Standard Exceeded"])[np.digitize(percent, [55, 70, 85])]
    days = rng.integers(1, 21, rows)
    pd.DataFrame({
        "Student ID": [f"{i:06d}" for i in rng.integers(1, students, rows)],
        "Assessment": [f"Benchmark form {i % 40}" for i in range(rows)],
        "Subject": np.where(rng.random(rows) < 0.5, "ELA", "Math"),
        "Grade": rng.integers(4, 13, rows).astype(str),
        "Test Date": [f"10/{d}/2026" for d in days],
        "Percent Correct": percent,
        "Performance Level": levels,
    }).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "benchmark_export.csv"
        write_export(export, args.rows)
        times = []
        for run in range(args.repeat):
            db = Path(tmp) / f"run{run}.duckdb"
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "monitor", "load", str(export)],
                env=os.environ | {"MONITOR_DB": str(db)}, cwd=ROOT, capture_output=True,
                text=True)
            times.append(time.perf_counter() - started)
            if result.returncode not in (0, 1):
                sys.exit(result.stdout + result.stderr)
            print(f"run {run + 1}: {times[-1]:.2f} s  {result.stdout.splitlines()[0]}")
        median = statistics.median(times)
        print(f"{args.rows:,} rows: median {median:.2f} s over {args.repeat} runs, "
              f"{args.rows / median:,.0f} rows/s (whole command, process start included)")


if __name__ == "__main__":
    main()
