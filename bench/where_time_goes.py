"""Where a page run's time goes on the real server: every page opened through Streamlit's
websocket protocol (each link of bench/sessions.py in a session of its own), warm, with Python's
profiler on the thread that runs the page scripts. Prints each page's median interaction time
and the functions that took the most of the runs' time (cumulative, and on their own).

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/where_time_goes.py [--top 25]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(port: int, out: str) -> None:
    """The server, its script runs profiled: SIGUSR1 starts afresh, SIGUSR2 writes `out`."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.web import cli

    state = {"profile": cProfile.Profile()}
    run_script = script_runner.ScriptRunner._run_script

    def profiled(self, rerun_data):
        profile = state["profile"]
        profile.enable()
        try:
            return run_script(self, rerun_data)
        finally:
            profile.disable()

    script_runner.ScriptRunner._run_script = profiled
    signal.signal(signal.SIGUSR1, lambda *_: state.update(profile=cProfile.Profile()))
    signal.signal(signal.SIGUSR2, lambda *_: state["profile"].dump_stats(out))
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true"]
    cli.main()


async def every_page(base: str) -> dict[str, list[float]]:
    from sessions import LINKS, PAGES, connect, run_once

    times: dict[str, list[float]] = {}
    for link in ["", *LINKS]:
        async with connect(base, None) as ws:
            for page in PAGES:
                _, total, _ = await run_once(ws, page, link)
                times.setdefault(page or "overview", []).append(total)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    from monitor.serving.serve import free_port, healthy

    port, out = free_port(), Path(tempfile.mkdtemp()) / "runs.prof"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), str(out)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while not healthy(f"{base}/_stcore/health"):
            if server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        asyncio.run(every_page(base))                   # warm: caches filled
        os.kill(server.pid, signal.SIGUSR1)
        times = asyncio.run(every_page(base))
        os.kill(server.pid, signal.SIGUSR2)
        while not out.exists():
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    runs = sum(len(v) for v in times.values())
    print("Warm interaction, median ms per page: " + ", ".join(
        f"{page} {1000 * statistics.median(v):.0f}" for page, v in times.items()))
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(str(out), stream=text)
        stats.sort_stats(order).print_stats(args.top)
        print(f"\n{runs} page runs, by {order} time (seconds over all runs):")
        print(text.getvalue().split("\n", 6)[-1].strip())


if __name__ == "__main__":
    main()
