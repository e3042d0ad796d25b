"""The performance benchmark: districts of three sizes, loaded, paged through, measured.

    make bench                          # = .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --sizes S,M --repeat 3
    .venv/bin/python bench/scale.py --report-only      # rewrite the report from results.json
    .venv/bin/python bench/scale.py --parts pages      # measure again only the server side

For each size (S: 5,000 students in 10 schools; M: 30,000 in 50; L: 400,000 in 900; two school
years each, from the demo generator, as of 2026-11-23) it writes the district's exports, loads
them into a fresh database (time and rows per second per source), runs bench/pages.py (server
side, AppTest) and bench/browser.py (Chromium, memory) on it, and bench/load_throughput.py once
(1 million export rows). Raw figures go to bench/results.json, the report to bench/REPORT.md,
and the chart of time against district size to bench/scaling.png. Generated exports and
databases are kept under --work (default bench/.work, not in git) and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AS_OF = "2026-11-23"
SIZES = {"S": (5_000, 10), "M": (30_000, 50), "L": (400_000, 900)}
RESULTS = HERE / "results.json"
REPORT = HERE / "REPORT.md"
TARGETS = HERE / "TARGETS.md"
CHART = HERE / "scaling.png"
PAGE_TITLES = {"overview": "District overview", "school": "School", "groups": "Student groups",
               "learning_walks": "Learning walks", "surveys": "Surveys", "data": "Data"}


def environment() -> dict[str, str]:
    """The bench scripts' environment: the pinned as-of date, and config.toml with the cache
    warmer off, so a cold run is cold (after_load.py turns it on and off itself)."""
    config = HERE / ".work" / "config_without_warmer.toml"
    config.parent.mkdir(exist_ok=True)
    text = (ROOT / "config.toml").read_text()
    assert "warm_after_load = true" in text
    config.write_text(text.replace("warm_after_load = true", "warm_after_load = false"))
    return os.environ | {"MONITOR_AS_OF": AS_OF, "PYTHONWARNINGS": "ignore",
                         "MONITOR_CONFIG": str(config)}


def run_json(script: str, db: Path, *args: str) -> dict:
    """Run a bench script on a database in a process of its own; its JSON output."""
    done = subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT,
                          env=environment() | {"MONITOR_DB": str(db)}, capture_output=True,
                          text=True)
    if done.returncode:
        sys.exit(f"{script} failed on {db}:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def generate(folder: Path, students: int, schools: int) -> list[Path]:
    marker = folder / ".complete"
    if not marker.exists():
        subprocess.run([sys.executable, "-m", "monitor", "demo", "--out", str(folder),
                        "--students", str(students), "--schools", str(schools),
                        "--as-of", AS_OF], cwd=ROOT, env=environment(), check=True)
        marker.write_text(f"{students} {schools} {AS_OF}\n")
    return sorted(p for p in folder.iterdir() if p.suffix in (".csv", ".txt"))


def timed_load(files: list[Path], db: Path) -> dict:
    """Load every file into a fresh database in one run (the way a district loads a
    season's exports); seconds and rows per source, from the loader's progress steps."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["MONITOR_AS_OF"] = AS_OF
    from monitor.config import load_settings
    from monitor.ingest.load import load_files

    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    steps: list[tuple[float, str]] = []
    started = time.perf_counter()
    result = load_files(files, load_settings(), db_path=db,
                        progress=lambda _, text: steps.append((time.perf_counter(), text)))
    total = time.perf_counter() - started
    steps.append((time.perf_counter(), "end"))
    source_of = {r.file: r.source for r in result.reports}
    per_file: dict[str, float] = {}
    for (t, text), (t_next, _) in zip(steps, steps[1:], strict=False):
        name = text.rsplit(" ", 1)[-1]
        per_file[name] = per_file.get(name, 0.0) + t_next - t
    sources: dict[str, dict[str, float]] = {}
    for report in result.reports:
        entry = sources.setdefault(report.source, {"seconds": 0.0, "rows": 0, "files": 0})
        entry["seconds"] += per_file.get(report.file, 0.0)
        entry["rows"] += report.rows_read
        entry["files"] += 1
    return {"seconds": total, "rows": sum(r.rows_read for r in result.reports),
            "rejected": sum(r.rejected for r in result.reports),
            "errors": [r.line() for r in result.reports if r.error],
            "sources": sources, "source_of": source_of}


def load_size(files: list[Path], db: Path, repeat: int) -> dict:
    runs = [timed_load(files, db) for _ in range(repeat)]
    summary = {"runs": repeat, "seconds": statistics.median(r["seconds"] for r in runs),
               "rows": runs[0]["rows"], "rejected": runs[0]["rejected"],
               "errors": runs[0]["errors"], "sources": {}}
    for source in runs[0]["sources"]:
        seconds = statistics.median(r["sources"][source]["seconds"] for r in runs)
        rows = runs[0]["sources"][source]["rows"]
        summary["sources"][source] = {"rows": rows, "files": runs[0]["sources"][source]["files"],
                                      "seconds": round(seconds, 2),
                                      "rows_per_s": round(rows / seconds) if seconds else None}
    summary["rows_per_s"] = round(summary["rows"] / summary["seconds"])
    summary["seconds"] = round(summary["seconds"], 2)
    summary["database_mb"] = round(db.stat().st_size / 2**20, 1)
    return summary


def million_rows(repeat: int) -> dict:
    done = subprocess.run([sys.executable, str(HERE / "load_throughput.py"), "--repeat",
                           str(repeat)], cwd=ROOT, env=environment(), capture_output=True,
                          text=True, check=True)
    last = done.stdout.strip().splitlines()[-1]       # "1,000,000 rows: median 12.34 s ..."
    return {"line": last, "seconds": float(last.split("median ")[1].split(" s")[0])}


def measure(args: argparse.Namespace) -> dict:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    for size in args.sizes:
        students, schools = SIZES[size]
        folder = args.work / size
        db = folder / "monitor.duckdb"
        entry = results["sizes"].get(size, {}) | {"students": students, "schools": schools}
        if "load" in args.parts or not db.exists():
            print(f"[{size}] {students:,} students, {schools} schools: generating ...",
                  flush=True)
            files = generate(folder / "exports", students, schools)
            # Size L takes minutes to load: once, unless asked for more.
            loads = args.load_repeat if students < 100_000 else args.large_load_repeat
            print(f"[{size}] loading {len(files)} files x{loads} ...", flush=True)
            entry |= {"files": len(files), "load": load_size(files, db, loads)}
            print(f"[{size}] {entry['load']['rows']:,} rows in {entry['load']['seconds']} s",
                  flush=True)
        if "pages" in args.parts:
            print(f"[{size}] pages (AppTest) ...", flush=True)
            entry["server"] = run_json("pages.py", db, "--repeat", str(args.repeat))
            save(results, size, entry, args)
        if "browser" in args.parts:
            print(f"[{size}] browser ...", flush=True)
            entry["browser"] = run_json("browser.py", db, "--repeat", str(args.repeat))
            save(results, size, entry, args)
        if "after_load" in args.parts:
            print(f"[{size}] first visit after a load, warmer on and off ...", flush=True)
            entry["after_load"] = run_json("after_load.py", db)
            save(results, size, entry, args)
        if "sessions" in args.parts:
            print(f"[{size}] {args.sessions} simulated sessions ...", flush=True)
            entry["sessions"] = run_json("sessions.py", db, "--sessions", str(args.sessions),
                                         "--minutes", str(args.session_minutes))
        save(results, size, entry, args)
    if "million" in args.parts:
        print("1 million export rows ...", flush=True)
        results["million_rows"] = million_rows(args.load_repeat)
        RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    return results


def save(results: dict, size: str, entry: dict, args: argparse.Namespace) -> None:
    """Write what is measured so far (a part that fails later loses nothing)."""
    results["sizes"][size] = entry
    results.update(measured=dt.datetime.now().isoformat(timespec="minutes"),
                   repeat=args.repeat, machine=machine())
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")


def machine() -> str:
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores, {int(memory) / 2**20:.0f} GiB, Python "
            f"{platform.python_version()}, git {commit or '?'}")


# -- the report --------------------------------------------------------------------------------

def fmt(value, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:
        value = 0           # not "-0.0"
    return f"{value:,.{digits}f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    """b in time ~ students^b between two sizes (1 = linear)."""
    return math.log(large / small) / math.log(n_large / n_small)


def targets(results: dict) -> list[list[str]]:
    sizes = results["sizes"]
    if "L" not in sizes:
        return []
    big = sizes["L"]
    pages, server, browser = big["server"]["pages"], big["server"], big["browser"]
    main = ["overview", "school", "groups"]
    rows = []

    def add(name: str, measured: str, met: bool, why: str = "") -> None:
        rows.append([name, measured, "met" if met else "**missed**", why])

    worst = max(main + ["learning_walks", "surveys"], key=lambda p: pages[p]["filter_warm_ms"])
    add("Warm filter change < 300 ms (server)",
        f"slowest {PAGE_TITLES[worst]} {fmt(pages[worst]['filter_warm_ms'])} ms; school switch "
        f"{fmt(server['school_switch']['warm_ms'])} ms",
        pages[worst]["filter_warm_ms"] < 300 and server["school_switch"]["warm_ms"] < 300)
    ratios = {p: pages[p]["cold_ms"] / max(pages[p]["bare_ms"], 1) for p in pages}
    worst = max(ratios, key=ratios.get)
    add("Page run within 3x its bare queries (cold run / bare DuckDB)",
        f"worst {PAGE_TITLES[worst]} {ratios[worst]:.1f}x", ratios[worst] <= 3)
    add("Principal's school page < 30 ms CPU per warm rerun",
        f"{fmt(server['principal']['warm_cpu_ms'], 1)} ms CPU",
        server["principal"]["warm_cpu_ms"] < 30)
    add(">= 15 reruns/s on the main pages, one process",
        f"{fmt(server['throughput']['per_second'], 1)} reruns/s",
        server["throughput"]["per_second"] >= 15)
    if "sessions" in big:
        crowd = big["sessions"]
        add(f"{crowd['sessions']} sessions (10 s think time): 95th percentile interaction < 1 s",
            f"p95 {fmt(crowd['p95_ms'])} ms (median {fmt(crowd['median_ms'])} ms, "
            f"{crowd['interactions']} interactions, {crowd['errors']} errors)",
            crowd["p95_ms"] < 1000 and not crowd["errors"])
    wire = max(browser["pages"][p]["websocket_bytes"] for p in browser["pages"])
    add("Payload < 2 MB per rerun", f"largest {wire / 2**20:.2f} MB (websocket, page load)",
        wire < 2 * 2**20)
    most = max(pages[p]["payload_max_points"] for p in pages)
    add("No chart sends more than 50,000 points", f"largest chart {most:,} points",
        most <= 50_000)
    first = max(browser["pages"][p]["first_chart_ms"] for p in browser["pages"])
    last = max(browser["pages"][p]["last_chart_ms"] for p in browser["pages"])
    add("Browser: first chart < 2 s (warm)", f"slowest page {fmt(first)} ms", first < 2000)
    add("Browser: all charts < 4 s (warm)", f"slowest page {fmt(last)} ms", last < 4000)
    if "million_rows" in results:
        seconds = results["million_rows"]["seconds"]
        add("Load 1 million export rows < 20 s", f"{seconds:.1f} s", seconds < 20)
    add("Server memory < 1.5 GiB at L", f"peak {fmt(browser['peak_mb'])} MB",
        browser["peak_mb"] < 1536)
    add("< 60 MB per extra session", f"{fmt(browser['mb_per_session'], 1)} MB",
        browser["mb_per_session"] < 60)
    if "S" in sizes and "load" in sizes["S"] and "load" in big:
        small = sizes["S"]
        worst_b, worst_p = 0.0, ""
        for page in pages:
            b = exponent(small["server"]["pages"][page]["warm_ms"], pages[page]["warm_ms"],
                         small["students"], big["students"])
            if b > worst_b:
                worst_b, worst_p = b, page
        load_b = exponent(small["load"]["seconds"], big["load"]["seconds"], small["students"],
                          big["students"])
        add("Time grows no worse than linearly with students, S to L (exponent <= 1)",
            f"load {load_b:.2f}; warm page runs worst {PAGE_TITLES.get(worst_p, '–')} "
            f"{worst_b:.2f}", max(worst_b, load_b) <= 1)
    return rows


def write_report(results: dict, reasons: str) -> None:
    sizes = results["sizes"]
    order = [s for s in SIZES if s in sizes]
    out = ["# Performance benchmark", "",
           f"Measured {results.get('measured', '?')} by `make bench` (bench/scale.py) on "
           f"{results.get('machine', '?')}. Demo districts as of {AS_OF}, two school years "
           f"each; server figures are medians of {results.get('repeat', '?')} runs, browser "
           "figures medians of as many warm visits. Raw figures: bench/results.json.", ""]
    # The targets as last measured one by one with the scripts (bench/TARGETS.md, written by
    # hand from their output), before the tables of the last whole `make bench`.
    if TARGETS.exists():
        out += [TARGETS.read_text().strip(), ""]
    targets_rows = targets(results)
    if targets_rows:
        out += [f"## Targets at the last whole `make bench` ({results.get('measured', '?')}, size "
                "L unless noted)", "",
                table(["Target", "Measured", "", "Note"], targets_rows), ""]
        if reasons:
            out += [reasons.strip(), ""]
    out += ["## Districts and loading", "",
            table(["Size", "Students", "Schools", "Export files", "Rows", "Load (s)",
                   "Rows/s", "Database (MB)"],
                  [[s, fmt(sizes[s]["students"]), fmt(sizes[s]["schools"]),
                    fmt(sizes[s]["files"]), fmt(sizes[s]["load"]["rows"]),
                    f"{fmt(sizes[s]['load']['seconds'], 1)} (median of {sizes[s]['load']['runs']})",
                    fmt(sizes[s]["load"]["rows_per_s"]),
                    fmt(sizes[s]["load"]["database_mb"], 1)] for s in order
                   if "load" in sizes[s]]), "",
            "Per source (all of a size's files loaded in one run; the rest of the total is "
            "copying and committing the database):", ""]
    rows = []
    for s in (s for s in order if "load" in sizes[s]):
        for source, entry in sorted(sizes[s]["load"]["sources"].items()):
            rows.append([s, source, fmt(entry["files"]), fmt(entry["rows"]),
                         fmt(entry["seconds"], 2), fmt(entry["rows_per_s"])])
    out += [table(["Size", "Source", "Files", "Rows", "Seconds", "Rows/s"], rows), ""]
    if "million_rows" in results:
        out += [f"One benchmark export of 1,000,000 rows (bench/load_throughput.py, whole "
                f"command): {results['million_rows']['line']}.", ""]
    out += ["## Pages, server side (AppTest, no browser)", "",
            "Cold: the page's first run with empty data caches (database open). Warm: a rerun. "
            "Filter change: subject ELA to Math the first time, then back and forth (warm). "
            "Bare queries: the DuckDB queries the cold run sent, alone, results fetched as "
            "Arrow (the floor). Payload: bytes of the elements one run sends.", ""]
    rows = []
    for s in order:
        for page, p in sizes[s]["server"]["pages"].items():
            rows.append([s, PAGE_TITLES[page], fmt(p["cold_ms"]), fmt(p["warm_ms"]),
                         fmt(p["warm_cpu_ms"]), fmt(p["filter_first_ms"]),
                         fmt(p["filter_warm_ms"]), f"{fmt(p['bare_ms'])} ({p['queries']})",
                         f"{p['cold_ms'] / max(p['bare_ms'], 1):.1f}x",
                         fmt(p["payload_bytes"] / 1024, 0), fmt(p["payload_charts"]),
                         fmt(p["payload_max_points"])])
    out += [table(["Size", "Page", "Cold ms", "Warm ms", "Warm CPU ms", "Filter, first ms",
                   "Filter, warm ms", "Bare queries ms (n)", "Cold / bare", "Payload KB",
                   "Charts", "Max points"], rows), ""]
    rows = []
    for s in order:
        server = sizes[s]["server"]
        rows.append([s, fmt(server["school_switch"]["warm_ms"]),
                     fmt(server["principal"]["warm_ms"]),
                     fmt(server["principal"]["warm_cpu_ms"], 1),
                     fmt(server["throughput"]["per_second"], 1)])
    out += [table(["Size", "School switch, warm ms", "Principal's school page, warm ms",
                   "… CPU ms", "Reruns/s (main pages, one process)"], rows), ""]
    out += ["## The same measure, SQL against pandas over the raw rows", "",
            "The benchmark measure's counts (ELA, this year and last, every school and student "
            "group), as the app computes them (one DuckDB query) and as a typical dashboard "
            "does (every row into pandas, merge, deduplicate, group). Both give the same counts "
            "(checked in each run).", ""]
    rows = []
    for s in order:
        p = sizes[s]["server"]["pandas"]
        rows.append([s, fmt(p["sql_ms"]), fmt(p["pandas_ms"]),
                     f"{p['pandas_ms'] / max(p['sql_ms'], 1):.1f}x",
                     "yes" if p["same_counts"] else "**no**"])
    out += [table(["Size", "SQL ms", "pandas ms", "pandas / SQL", "Same counts"], rows), ""]
    out += ["## In the browser (Chromium) and memory", "",
            "From navigation to the first and the last chart drawn, a new tab (session) each "
            "time; cold = the first visit after the server started; websocket bytes = what "
            "the server sent for the page.", ""]
    rows = []
    for s in order:
        for page, p in sizes[s]["browser"]["pages"].items():
            rows.append([s, PAGE_TITLES[page], fmt(p["cold"]["first_chart_ms"]),
                         fmt(p["cold"]["last_chart_ms"]), fmt(p["first_chart_ms"]),
                         fmt(p["last_chart_ms"]), fmt(p["charts"]),
                         fmt(p["websocket_bytes"] / 1024)])
    out += [table(["Size", "Page", "Cold first ms", "Cold last ms", "Warm first ms",
                   "Warm last ms", "Charts", "Websocket KB"], rows), ""]
    floors = [f"{s} {fmt(sizes[s]['browser']['floor']['first_chart_ms'])} ms" for s in order
              if "floor" in sizes[s]["browser"]]
    if floors:
        out += ["The browser's own floor: the smallest Streamlit page with one 3-point Plotly "
                "chart and no data (bench/floor_app.py), opened the same way, draws its chart "
                f"at {', '.join(floors)} (measured in each size's run).", ""]
    rows = []
    for s in order:
        b = sizes[s]["browser"]
        rows.append([s, fmt(b["server_start_mb"]), fmt(b["rss_one_session_mb"]),
                     f"{fmt(b['rss_sessions_mb'])} (+{b['extra_sessions']})",
                     fmt(b["mb_per_session"], 1), fmt(b["peak_mb"])])
    out += [table(["Size", "Server started MB", "After all pages, one session MB",
                   "With more sessions MB", "MB per extra session", "Peak MB"], rows), ""]
    rows = []
    for s in (s for s in order if "after_load" in sizes[s]):
        for mode in sizes[s]["after_load"]["modes"]:
            rows.append([s, "on" if mode["warm_after_load"] else "off",
                         fmt(mode["load_s"], 1),
                         fmt(mode["after_load_overview"]["first_chart_ms"]),
                         fmt(mode["after_load_overview"]["last_chart_ms"]),
                         fmt(mode["after_load_school"]["first_chart_ms"]),
                         fmt(mode["after_load_school"]["last_chart_ms"]),
                         fmt(mode["server_first_visit"]["last_chart_ms"])])
    if rows:
        out += ["## The first visit after a load", "",
                "bench/after_load.py: a server that has shown the overview once; then a small "
                "roster file loaded from the command line (a new version of the database, as a "
                "nightly load makes); then, once the server is idle again, the overview and the "
                "school page opened in a new tab. With the cache warmer on (`[engine] "
                "warm_after_load`, the default) the new version's measures were computed in the "
                "background before anyone asked; off, the visitor's own run computes them. "
                "Browser times from navigation, ms.", "",
                table(["Size", "Warmer", "Load (s)", "Overview first chart",
                       "Overview last chart", "School first chart", "School last chart",
                       "Server's very first visit, last chart"], rows), ""]
    rows = [[s, fmt(sizes[s]["sessions"]["sessions"]), fmt(sizes[s]["sessions"]["minutes"], 1),
             fmt(sizes[s]["sessions"]["interactions"]), fmt(sizes[s]["sessions"]["median_ms"]),
             fmt(sizes[s]["sessions"]["p95_ms"]), fmt(sizes[s]["sessions"]["max_ms"]),
             fmt(sizes[s]["sessions"]["errors"]), fmt(sizes[s]["sessions"]["peak_mb"])]
            for s in order if "sessions" in sizes[s]]
    if rows:
        out += ["## Many users at once", "",
                "Simulated sessions over Streamlit's websocket protocol (bench/sessions.py): "
                "each opens a page, waits for it, thinks about 10 s, opens another; one "
                "interaction in five is a new session on a link with filters. Interaction = "
                "request to the end of the page's run on the server.", "",
                table(["Size", "Sessions", "Minutes", "Interactions", "Median ms", "p95 ms",
                       "Max ms", "Errors", "Server peak MB"], rows), ""]
    if len(order) > 1:
        out += ["## Time against district size", "", f"![Time against size]({CHART.name})", ""]
    REPORT.write_text("\n".join(out))
    print(f"wrote {REPORT.relative_to(ROOT)}")


def write_chart(results: dict) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    sizes = results["sizes"]
    order = [s for s in SIZES if s in sizes]
    if len(order) < 2:
        return
    students = [sizes[s]["students"] for s in order]
    figure = make_subplots(rows=1, cols=2, subplot_titles=(
        "Page runs, server (ms)", "Loading all exports (s)"))
    colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7"]
    for page, colour in zip(PAGE_TITLES, colours, strict=True):
        for kind, dash in (("cold_ms", "solid"), ("warm_ms", "dot")):
            figure.add_trace(go.Scatter(
                x=students, y=[sizes[s]["server"]["pages"][page][kind] for s in order],
                name=f"{PAGE_TITLES[page]}, {kind.split('_')[0]}", mode="lines+markers",
                line={"dash": dash, "color": colour}), row=1, col=1)
    loaded = [s for s in order if "load" in sizes[s]]
    students = [sizes[s]["students"] for s in loaded]
    figure.add_trace(go.Scatter(x=students, y=[sizes[s]["load"]["seconds"] for s in loaded],
                                name="Load, all sources", mode="lines+markers"), row=1, col=2)
    linear = [sizes[loaded[0]]["load"]["seconds"] * n / students[0] for n in students]
    figure.add_trace(go.Scatter(x=students, y=linear, name="Linear in students",
                                mode="lines", line={"dash": "dash", "color": "grey"}),
                     row=1, col=2)
    figure.update_xaxes(type="log", title="Students")
    figure.update_yaxes(type="log")
    figure.update_layout(width=1300, height=560, template="plotly_white",
                         title="Time against district size (log-log; S, M, L)")
    figure.write_image(CHART, scale=1)
    print(f"wrote {CHART.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--repeat", type=int, default=3, help="runs per server/browser figure")
    parser.add_argument("--load-repeat", type=int, default=3, help="loads per size")
    parser.add_argument("--large-load-repeat", type=int, default=1, help="loads of size L")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--parts", default="load,pages,browser,after_load,sessions,million",
                        help="what to measure (the rest is kept from results.json): "
                             "load, pages, browser, after_load, sessions, million")
    parser.add_argument("--sessions", type=int, default=50, help="simulated sessions")
    parser.add_argument("--session-minutes", type=float, default=2)
    parser.add_argument("--reasons", type=Path, default=HERE / "REASONS.md",
                        help="the notes on missed targets to put under the targets table")
    args = parser.parse_args()
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    args.parts = {p.strip() for p in args.parts.split(",")}
    results = json.loads(RESULTS.read_text()) if args.report_only else measure(args)
    reasons = args.reasons.read_text() if args.reasons.exists() else ""
    write_report(results, reasons)
    write_chart(results)


if __name__ == "__main__":
    main()
