"""Soak: simulated sessions click through the pages for a while; server memory is sampled.

    .venv/bin/python bench/soak.py [--minutes 20] [--sessions 10] [--think 10]

Starts `streamlit run app.py` on the database at MONITOR_DB (default data/monitor.duckdb),
opens SESSIONS headless Chromium pages (Debian's /usr/bin/chromium) that each visit a page,
wait for it to finish, think THINK seconds, and move on. Samples the server's resident memory
(/proc/PID/status VmRSS) every 15 s and prints the growth after a warm-up of the first fifth of
the run: the target is under 10%.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from playwright.sync_api import sync_playwright
from server import CHROMIUM, CHROMIUM_ARGS, IDLE, memory_mb, streamlit_server

PAGES = ["", "school", "groups", "learning_walks", "surveys", "?window=1", "groups?group=el",
         "school?subject=Math"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--think", type=float, default=10)
    args = parser.parse_args()
    samples: list[tuple[float, float]] = []
    visits = 0
    rng = random.Random(7)
    with streamlit_server() as (server, base), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = [browser.new_context().new_page() for _ in range(args.sessions)]
        due = [time.monotonic() + rng.uniform(0, args.think) for _ in pages]
        start = time.monotonic()
        end = start + args.minutes * 60
        next_sample = start
        while time.monotonic() < end:
            now = time.monotonic()
            if now >= next_sample:
                samples.append((now - start, memory_mb(server.pid)))
                next_sample += 15
            for i, page in enumerate(pages):
                if now >= due[i]:
                    page.goto(f"{base}/{rng.choice(PAGES)}")
                    page.wait_for_selector(IDLE, timeout=120_000)
                    visits += 1
                    due[i] = time.monotonic() + args.think
            time.sleep(0.2)
        browser.close()
    warm = [mb for t, mb in samples if t >= args.minutes * 60 / 5]
    first, last = statistics.median(warm[:4]), statistics.median(warm[-4:])
    print(f"soak: {args.minutes:g} min, {args.sessions} sessions, think {args.think:g} s, "
          f"{visits} page visits")
    print(f"server RSS after warm-up: {first:.0f} MB -> {last:.0f} MB "
          f"({100 * (last - first) / first:+.1f}%); peak {max(mb for _, mb in samples):.0f} MB")
    print("target: under +10% after warm-up:", "met" if last <= first * 1.10 else "MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
