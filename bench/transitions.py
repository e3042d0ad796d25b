"""What protecting the level-to-level tables costs: every school's table and the district's,
with the catching-up counts over them (privacy.protect_linked_tables), for each group.

For each group: the median of `--repeat` runs of movement.level_transitions (the query, the
catching-up table and the protection), and of the protection alone; how many schools, how
many cells hidden and how many of them only to protect others; over
movement.LINKED_SCHOOLS_MAX schools only the district's table is shown. Prints JSON.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/transitions.py \
        [--year 2025-26] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from monitor.config import load_settings
from monitor.db import Database
from monitor.measures import privacy, selection
from monitor.views import movement


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", default="2025-26")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--groups", default="all,el,swd,foster,black")
    args = parser.parse_args()
    settings = load_settings()
    db = Database()
    calls: list[tuple[float, int, int, int]] = []
    protect = privacy.protect_linked_tables

    def timed(district, schools, *rest, **options):
        start = time.perf_counter()
        hidden_d, hidden_s = protect(district, schools, *rest, **options)
        min_n = rest[-1]
        small = int(((schools > 0) & (schools < min_n)).sum()
                    + ((district > 0) & (district < min_n)).sum())
        calls.append((time.perf_counter() - start, len(schools),
                      int(hidden_d.sum() + hidden_s.sum()), small))
        return hidden_d, hidden_s

    privacy.protect_linked_tables = timed
    out = {}
    for group in args.groups.split(","):
        filters = selection.Filters(school_year=args.year, subject="ELA", group=group)
        whole = []
        calls.clear()
        for _ in range(args.repeat):
            start = time.perf_counter()
            movement.level_transitions(db, settings, "benchmark", filters, "1", "2")
            whole.append(time.perf_counter() - start)
        seconds, schools, hidden, small = calls[-1]
        shown_schools = schools <= movement.LINKED_SCHOOLS_MAX
        out[group] = {
            "level_transitions_ms": round(1000 * statistics.median(whole), 1),
            "protection_ms": round(1000 * statistics.median(c[0] for c in calls), 1),
            "schools": schools, "school_tables_shown": shown_schools,
            "cells": 16 * (schools + 1), "hidden": hidden,
            "hidden_under_minimum": small,
        }
    print(json.dumps({"database": str(db.path), "year": args.year, "groups": out,
                      "numpy": np.__version__}, indent=2))


if __name__ == "__main__":
    main()
