"""Read time of the measures layer at demo scale.

Times `reads.measure_cells` (a read of the protected measures lattice) for every measure and
subject, median of R runs (default 5), and the whole measures table (`python -m monitor
measures` in-process).
Run on the database MONITOR_DB points at (default data/monitor.duckdb):

    .venv/bin/python bench/measure_table.py [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import time

from monitor import registry
from monitor.config import load_settings
from monitor.db import Database
from monitor.measures import selection
from monitor.views import measures_table, reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings()
    db = Database(engine=settings.engine)
    year = settings.current_school_year()
    total_rows, started = 0, time.perf_counter()
    print(f"{'measure':18s} {'subject':8s} {'cells':>7s} {'median s':>9s}")
    for measure in settings.measures:
        for subject in registry.spec(measure).subjects:
            filters = selection.Filters(school_year=year, subject=subject)
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                cells = reads.measure_cells(db, settings, measure, filters)
                times.append(time.perf_counter() - t)
            total_rows += len(measures_table.measure_table(cells, settings, measure, subject, None))
            print(f"{measure:18s} {subject or 'all':8s} {len(cells):7d} "
                  f"{statistics.median(times):9.3f}")
    print(f"whole measures table: {total_rows:,} rows; wall time with {args.repeat} runs per "
          f"query: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
