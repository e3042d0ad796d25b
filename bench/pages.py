"""Server-side cost of each page on one database, without a browser (Streamlit's AppTest).

For every page: a cold run (empty data caches, the database already open), warm reruns, a
filter change seen for the first time and warm filter changes back and forth; the bare DuckDB
queries behind the page (every query the cold run sent, replayed alone: the floor); what one
rerun sends (element bytes, points per chart); a principal's warm school page in CPU time;
reruns per second from one process; and the benchmark measure computed the way a typical
dashboard does it (pandas over the raw rows) beside the SQL the app runs. Prints JSON.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/pages.py [--repeat R]

Run by bench/scale.py, one process per district size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from monitor.access import Scope
from monitor.config import PROJECT_ROOT, load_settings
from monitor.db import Database, sql
from monitor.measures import rules
from monitor.school_years import previous_school_year
from monitor.ui import data, signin

APP = str(PROJECT_ROOT / "app.py")
PAGES = ["overview", "school", "groups", "learning_walks", "surveys", "data"]
MAIN_PAGES = ["overview", "school", "groups"]


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 1)


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def run(at: AppTest) -> AppTest:
    at.run()
    if at.exception:
        raise SystemExit(f"page failed: {[e.value for e in at.exception]}")
    return at


def choose(at: AppTest, key: str, value: str | None = None, index: int | None = None):
    """Change a sidebar filter and rerun."""
    box = at.selectbox(key=key)
    box.select(value) if index is None else box.select_index(index)
    return run(at)


def open_app(page: str) -> AppTest:
    at = run(AppTest.from_file(APP, default_timeout=900))
    if page != "overview":
        at.switch_page(f"app_pages/{page}.py")
    return at


# -- what a rerun sends -----------------------------------------------------------------------

def elements(node) -> list:
    """Every element (leaf) of an AppTest tree."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    found = []
    for child in children.values():
        found.extend(elements(child))
    return found


def points(figure: dict) -> int:
    total = 0
    for trace in figure.get("data", []):
        sizes = [len(trace[key]) for key in ("x", "y", "values", "lat") if
                 isinstance(trace.get(key), list)]
        z = trace.get("z")
        if isinstance(z, list):
            sizes.append(sum(len(row) if isinstance(row, list) else 1 for row in z))
        total += max(sizes, default=0)
    return total


def payload(at: AppTest) -> dict:
    protos = [leaf.proto for leaf in elements(at._tree) if getattr(leaf, "proto", None)]
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {"bytes": sum(p.ByteSize() for p in protos), "charts": len(charts),
            "max_points": max((points(c) for c in charts), default=0),
            "points": sum(points(c) for c in charts)}


# -- the floor: the page's own queries, alone ---------------------------------------------------

class QueryLog:
    """Records every Database.query a page run sends (name, parameters, version)."""

    def __init__(self):
        self.calls: list[tuple[str, dict, object]] = []
        self._original = Database.query

    def __enter__(self):
        log, original = self, self._original

        def recording(db, name, params=None, at=None):
            log.calls.append((name, dict(params or {}), at))
            return original(db, name, params, at)
        Database.query = recording
        return self

    def __exit__(self, *exc):
        Database.query = self._original


def bare_seconds(db: Database, calls: list[tuple[str, dict, object]]) -> float:
    """DuckDB alone: execute each query and fetch its result as Arrow."""
    started = time.perf_counter()
    for name, params, at in calls:
        cursor = db.connection(at).cursor()
        if "_outcomes(" in sql(name):
            cursor.execute(sql("macros"))
        cursor.execute(sql(name), params).to_arrow_table()
        cursor.close()
    return time.perf_counter() - started


# -- the comparison: pandas over the raw rows --------------------------------------------------

def pandas_benchmark_cells(con, years: list[str], subject: str, proficient_rank: int,
                           percent_cut: float) -> pd.DataFrame:
    """Benchmark proficiency counts per year, window, school and group for one subject, the
    way a typical dashboard computes them: pull the rows into pandas, join, deduplicate,
    group."""
    results = con.execute("SELECT * FROM assessment_results").df()
    roster = con.execute("SELECT * FROM roster").df()
    groups = con.execute("SELECT * FROM roster_groups").df()
    results = results[(results["source"] == "benchmark") & results["school_year"].isin(years)
                      & (results["subject"] == subject)]
    placed = results.merge(roster[["school_year", "student_id", "school_code"]],
                           on=["school_year", "student_id"], how="left", suffixes=("", "_r"))
    placed["school_code"] = placed["school_code_r"].fillna(placed["school_code"])
    latest = (placed.sort_values(["test_date", "load_id"], na_position="first")
              .drop_duplicates(["school_year", "window_id", "student_id"], keep="last"))
    level, percent = latest["level_rank"], latest["percent_correct"]
    latest = latest.assign(meets=np.where(level.notna(), level >= proficient_rank,
                                          np.where(percent.notna(), percent >= percent_cut,
                                                   np.nan)))
    latest = latest[latest["meets"].notna()]
    everyone = latest.assign(group_id="all")
    members = latest.merge(groups, on=["school_year", "student_id"])
    keys = ["school_year", "window_id", "school_code", "group_id"]
    return (pd.concat([everyone, members]).groupby(keys)
            .agg(n=("student_id", "nunique"), n_meeting=("meets", "sum")).reset_index())


def measures_comparison(db: Database, repeat: int) -> dict:
    """The benchmark measure's counts (ELA, this year and last, every school and group): the
    app's read of the measures lattice against pandas over the raw rows, and a check that both
    count the same (the lattice's exact counts, hidden cells included)."""
    settings = load_settings()
    params = rules.rule_parameters(settings, "benchmark")
    current = settings.current_school_year()
    years = [previous_school_year(current), current]
    query = {"measure": "benchmark", "years": years, "subject": "ELA", "grade": "*"}
    sql_times, pandas_times = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        db.query("lattice_cells", query)
        sql_times.append(time.perf_counter() - t)
        con = db.connection()
        t = time.perf_counter()
        frame = pandas_benchmark_cells(con, years, "ELA", params["proficient_rank"],
                                       params["percent_cut"])
        pandas_times.append(time.perf_counter() - t)
    keys = ["school_year", "window_id", "school_code", "group_id"]
    exact = db.connection().execute(
        "SELECT school_year, window_id, scope AS school_code, group_id, true_n AS n, "
        "true_n_meeting AS n_meeting FROM measure_lattice WHERE measure = 'benchmark' AND "
        "subject = 'ELA' AND grade = '*' AND detail = '*' AND scope <> '__district__' AND "
        "list_contains($years, school_year)", {"years": years}).df()
    ours = exact.set_index(keys)[["n", "n_meeting"]].astype("int64")
    theirs = frame.set_index(keys)[["n", "n_meeting"]].astype("int64")
    agree = ours.sort_index().equals(theirs.sort_index())
    return {"sql_ms": median_ms(sql_times), "pandas_ms": median_ms(pandas_times),
            "cells": len(frame), "same_counts": bool(agree)}


# -- the pages -----------------------------------------------------------------------------------

def measure_page(db: Database, page: str, repeat: int) -> dict:
    at = open_app(page)
    data.forget_results()
    with QueryLog() as log:
        cold, _ = timed(lambda: run(at))
    sent = payload(at)
    # A first run is one sample on a shared machine: also the median of `repeat` of them,
    # each after forgetting every result (the later ones without the page's first imports).
    colds = [cold]
    for _ in range(repeat - 1):
        data.forget_results()
        colds.append(timed(lambda: run(at))[0])
    warm = [timed(lambda: run(at)) for _ in range(repeat)]
    # A filter the page reads (the Surveys page has its own subject: the group changes there).
    key, (first, other) = (("f_group", ("el", "all")) if page == "surveys"
                           else ("f_subject", ("Math", "ELA")))
    first_change, _ = timed(lambda: choose(at, key, first))
    changes = [timed(lambda v=value: choose(at, key, v))[0]
               for value in [other, first] * repeat]
    calls = list({json.dumps([n, p, a], sort_keys=True, default=str): (n, p, a)
                  for n, p, a in log.calls}.values())
    bare = [bare_seconds(db, calls) for _ in range(repeat)]
    return {"cold_ms": round(1000 * cold, 1), "cold_median_ms": median_ms(colds),
            "warm_ms": median_ms([w for w, _ in warm]),
            "warm_cpu_ms": median_ms([c for _, c in warm]),
            "filter_first_ms": round(1000 * first_change, 1),
            "filter_warm_ms": median_ms(changes), "queries": len(calls),
            "bare_ms": median_ms(bare), **{f"payload_{k}": v for k, v in sent.items()}}


def school_switch(repeat: int) -> dict:
    """The school page, switching between two schools (cached district results, sliced)."""
    at = run(open_app("school"))
    codes = [c for c in at.selectbox(key="f_school").options if not c.startswith("All")]
    first, _ = timed(lambda: choose(at, "f_school", index=1))
    switches = [timed(lambda i=index: choose(at, "f_school", index=i))[0]
                for index in [2, 1] * repeat]
    return {"first_ms": round(1000 * first, 1), "warm_ms": median_ms(switches),
            "schools": len(codes)}


def principal(db: Database, repeat: int) -> dict:
    """A principal's own school page, warm: CPU per rerun (their scope, their school)."""
    code = db.query("schools")["school_code"].iloc[0]
    original = signin.scope_or_stop
    signin.scope_or_stop = lambda settings: Scope(role="principal", schools=(code,))
    try:
        at = run(open_app("school"))
        run(at)
        reruns = [timed(lambda: run(at)) for _ in range(repeat)]
    finally:
        signin.scope_or_stop = original
    return {"warm_ms": median_ms([w for w, _ in reruns]),
            "warm_cpu_ms": median_ms([c for _, c in reruns])}


def throughput(seconds: float) -> dict:
    """Warm reruns per second from one process, cycling through the main pages."""
    apps = [run(open_app(page)) for page in MAIN_PAGES]
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        run(apps[count % len(apps)])
        count += 1
    return {"reruns": count, "per_second": round(count / (time.perf_counter() - started), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--throughput-seconds", type=float, default=20)
    args = parser.parse_args()
    db = Database(engine=load_settings().engine)
    started = time.perf_counter()
    first_run, _ = timed(lambda: open_app("overview"))     # imports, database open, caches
    result = {"db": os.environ.get("MONITOR_DB"), "first_run_ms": round(1000 * first_run, 1),
              "pages": {page: measure_page(db, page, args.repeat) for page in PAGES}}
    result["school_switch"] = school_switch(args.repeat)
    result["principal"] = principal(db, args.repeat)
    result["throughput"] = throughput(args.throughput_seconds)
    result["pandas"] = measures_comparison(db, args.repeat)
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
