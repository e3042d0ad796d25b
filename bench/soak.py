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
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["", "school", "groups", "learning_walks", "surveys", "?window=1", "groups?group=el",
         "school?subject=Math"]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--think", type=float, default=10)
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    samples: list[tuple[float, float]] = []
    visits = 0
    rng = random.Random(7)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            pages = [browser.new_context().new_page() for _ in range(args.sessions)]
            due = [time.monotonic() + rng.uniform(0, args.think) for _ in pages]
            start = time.monotonic()
            end = start + args.minutes * 60
            next_sample = start
            while time.monotonic() < end:
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((now - start, rss_mb(server.pid)))
                    next_sample += 15
                for i, page in enumerate(pages):
                    if now >= due[i]:
                        page.goto(f"{base}/{rng.choice(PAGES)}")
                        page.wait_for_selector("[data-test-script-state='notRunning']",
                                               timeout=120_000)
                        visits += 1
                        due[i] = time.monotonic() + args.think
                time.sleep(0.2)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
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
