"""Many simultaneous users: simulated sessions against one server or N workers behind nginx.

With `--workers 0` starts one `streamlit run app.py` and talks to it directly; with
`--workers N` starts the production layout (`monitor serve`: N workers behind Debian's nginx,
sticky sessions by cookie) and goes through nginx. SESSIONS simulated browser sessions talk
Streamlit's own websocket protocol (no browser: on 2 cores, 50 Chromium tabs drawing charts
would measure the browser, not the server). Each session is a browser: it opens the page (nginx
gives it its cookie), connects the websocket with that cookie, and then opens a page, waits for
the run to finish, thinks THINK seconds (jittered), opens another; one interaction in five is a
new browser on a link with filters in it (as a user following a shared link does).

Reports, as JSON: interactions, errors, median / p95 / max of the interaction times (request to
the end of the page's run on the server), the time to the first element drawn (the queue and
set-up part of it), per page median and p95, the servers' CPU seconds per interaction (workers
and nginx, from /proc), how the sessions spread over the workers, and the servers' memory.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/sessions.py \
        [--workers 2] [--sessions 50] [--think 10] [--minutes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import websockets
from server import cpu_seconds, descendants, memory_mb, streamlit_server
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from monitor.serving.serve import Layout, Serving, free_port

PAGES = ["", "school", "groups", "learning_walks", "surveys"]
LINKS = ["subject=Math", "group=el", "window=1", "grade=3", "subject=Math&group=swd"]


def rerun(page: str, query: str = "") -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = page
    return message.SerializeToString()


async def run_once(ws, page: str, query: str = "") -> tuple[float, float, int]:
    """Ask for a page run; seconds until the first element arrives and until the server says
    the run finished, and bytes received."""
    started, first, received = time.perf_counter(), None, 0
    await ws.send(rerun(page, query))
    while True:
        frame = await ws.recv()
        received += len(frame)
        message = ForwardMsg()
        message.ParseFromString(frame)
        kind = message.WhichOneof("type")
        if kind == "delta" and first is None:
            first = time.perf_counter() - started
        if kind == "script_finished":
            total = time.perf_counter() - started
            return (first if first is not None else total), total, received


def connect(base: str, cookie: str | None):
    return websockets.connect(base.replace("http", "ws", 1) + "/_stcore/stream",
                              subprotocols=["streamlit"], max_size=None,
                              additional_headers={"Cookie": cookie} if cookie else None)


def _page_html(url: str) -> tuple[str | None, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
        return (cookies[0].split(";", 1)[0] if cookies else None,
                response.headers.get("X-Monitor-Worker", "direct"))


async def new_browser(base: str, query: str) -> tuple[str | None, str]:
    """A browser's first request: the page's HTML, as a browser opens a link; the cookie nginx
    sets (none from a bare server) and the worker it names."""
    return await asyncio.to_thread(_page_html, f"{base}/?{query}")


async def session(base: str, until: float, think: float, rng: random.Random,
                  record: dict) -> None:
    await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < until:
        try:
            query = rng.choice(LINKS)
            cookie, worker = await new_browser(base, query)
            record["browsers"][worker] += 1
            async with connect(base, cookie) as ws:
                while time.monotonic() < until:
                    page = rng.choice(PAGES)
                    first, total, _ = await run_once(ws, page, query)
                    record["times"].append(total)
                    record["first"].append(first)
                    record["by_page"][page or "overview"].append(total)
                    record["opening" if query else "later"].append(total)
                    query = ""
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                    if rng.random() < 0.2:
                        break               # the next interaction: a new browser on a link
        except Exception as exc:           # noqa: BLE001 - every failure is counted
            record["errors"].append(repr(exc))
            await asyncio.sleep(1)


def _ms(values: list[float], share: float) -> int:
    ordered = sorted(values)
    return round(1000 * ordered[int(share * (len(ordered) - 1))])


async def simulate(base: str, sessions: int, think: float, seconds: float) -> dict:
    record = {"times": [], "first": [], "errors": [], "by_page": collections.defaultdict(list),
              "browsers": collections.Counter(), "opening": [], "later": []}
    generator_cpu = time.process_time()
    until = time.monotonic() + seconds
    rng = random.Random(11)
    await asyncio.gather(*(session(base, until, think, random.Random(rng.random()), record)
                           for _ in range(sessions)))
    times = record["times"]
    if not times:
        return {"interactions": 0, "errors": len(record["errors"]),
                "first_error": record["errors"][:1]}
    return {"interactions": len(times), "errors": len(record["errors"]),
            "first_error": record["errors"][:1],
            "median_ms": round(1000 * statistics.median(times)), "p95_ms": _ms(times, 0.95),
            "max_ms": round(1000 * max(times)),
            "first_element_median_ms": round(1000 * statistics.median(record["first"])),
            "first_element_p95_ms": _ms(record["first"], 0.95),
            "by_page": {page: {"n": len(v), "median_ms": round(1000 * statistics.median(v)),
                               "p95_ms": _ms(v, 0.95)}
                        for page, v in sorted(record["by_page"].items())},
            # A new browser's first run (its session starts on a link) and every run after it.
            "by_kind": {kind: {"n": len(record[kind]),
                               "median_ms": round(1000 * statistics.median(record[kind])),
                               "p95_ms": _ms(record[kind], 0.95)}
                        for kind in ("opening", "later") if record[kind]},
            "browsers_by_worker": dict(record["browsers"]),
            # The simulated browsers share the machine with the servers: their own CPU.
            "generator_cpu_s": round(time.process_time() - generator_cpu, 1)}


async def warm_up(base: str) -> None:
    """Every page, and every link in a session of its own (filters come from a link only on
    a session's first run)."""
    for link in ["", *LINKS]:
        async with connect(base, None) as ws:
            for page in PAGES:
                await run_once(ws, page, link)


@contextlib.contextmanager
def servers(workers: int) -> Iterator[tuple[str, list[str], list[int]]]:
    """The base URL to talk to, each worker's own URL (to warm it), and the processes whose
    CPU counts (workers and nginx with its children)."""
    if workers == 0:
        with streamlit_server() as (server, base):
            yield base, [base], [server.pid]
        return
    layout = Layout(tuple(free_port() for _ in range(workers)), port=free_port(),
                    address="127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as folder:
        serving = Serving(layout, Path(folder))
        serving.start()
        try:
            yield (serving.url, [f"http://127.0.0.1:{p}" for p in layout.worker_ports],
                   [p.pid for p in serving.workers.values()] + [serving.nginx.pid])
        finally:
            serving.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0,
                        help="0: one bare server; N: N workers behind nginx (monitor serve)")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--think", type=float, default=10)
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()
    with servers(args.workers) as (base, each, pids):
        for url in each:
            asyncio.run(warm_up(url))
        processes = [pid for top in pids for pid in [top, *descendants(top)]]
        cpu_before = cpu_seconds(processes)
        result = asyncio.run(simulate(base, args.sessions, args.think, args.minutes * 60))
        cpu = cpu_seconds(processes) - cpu_before
        result.update(workers=args.workers, sessions=args.sessions, think_s=args.think,
                      minutes=args.minutes, cores=os.cpu_count(),
                      cpu_s=round(cpu, 1),
                      cpu_ms_per_interaction=round(1000 * cpu / max(result["interactions"], 1)),
                      rss_mb=round(sum(memory_mb(pid) for pid in pids[:max(args.workers, 1)])),
                      peak_mb=round(sum(memory_mb(pid, "VmHWM")
                                        for pid in pids[:max(args.workers, 1)])),
                      # Each worker's own peak (the target is per worker).
                      peak_mb_each=[round(memory_mb(pid, "VmHWM"))
                                    for pid in pids[:max(args.workers, 1)]])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
