"""What a user waits for in Chromium, and what the server holds, on one database.

Starts `streamlit run app.py` on MONITOR_DB and opens each page in headless Chromium (a new tab,
so a new session, each time, the way a link is opened): the time from navigation until the
first chart is drawn and until the last one is (the page's run has finished and no chart
arrived for a while), and the bytes the server sent over the websocket. The first visit of each
page is cold (its results not yet cached); the next REPEAT are warm. Then memory: the server's
resident memory with one session, after EXTRA more sessions have each opened the overview
(memory per session = the difference / EXTRA), and its peak (VmHWM). Prints JSON.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/browser.py [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from playwright.sync_api import Page, sync_playwright
from server import CHROMIUM, CHROMIUM_ARGS, IDLE, memory_mb, streamlit_server

PAGES = {"overview": "", "school": "school", "groups": "groups",
         "learning_walks": "learning_walks", "surveys": "surveys", "data": "data"}

# Before any page script: note the time (ms since navigation started) each time the number of
# drawn Plotly charts grows.
WATCH_CHARTS = """
window.__charts = [];
let count = 0;
setInterval(() => {
    const now = document.querySelectorAll('.js-plotly-plot .plot-container .main-svg').length;
    if (now > count) { count = now; window.__charts.push(performance.now()); }
}, 10);
"""
QUIET_MS = 1500


def visit(page: Page, url: str) -> dict:
    received = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda frame: received.append(len(frame))))
    page.goto(url)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
    # Done: the run has finished and no new chart has been drawn for QUIET_MS.
    while True:
        page.wait_for_selector(IDLE, timeout=300_000)
        last = page.evaluate("window.__charts.length ? window.__charts.at(-1) : 0")
        page.wait_for_timeout(QUIET_MS)
        if page.evaluate("performance.now()") - last >= QUIET_MS and \
                page.query_selector(IDLE):
            break
    stamps = page.evaluate("window.__charts")
    return {"first_chart_ms": round(stamps[0]), "last_chart_ms": round(stamps[-1]),
            "charts": page.locator(".js-plotly-plot").count(),
            "websocket_bytes": sum(received)}


def floor(repeat: int) -> dict:
    """bench/floor_app.py (one small chart, no data) timed the same way: the browser's own
    cost of a new tab with a Plotly chart."""
    with streamlit_server(script="bench/floor_app.py") as (_, base), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.add_init_script(WATCH_CHARTS)
        visits = []
        for _ in range(1 + repeat):
            page = context.new_page()
            visits.append(visit(page, base))
            page.close()
        browser.close()
    return {"first_chart_ms": statistics.median(v["first_chart_ms"] for v in visits[1:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--extra", type=int, default=10, help="extra sessions for memory")
    parser.add_argument("--floor-only", action="store_true")
    args = parser.parse_args()
    if args.floor_only:
        print(json.dumps({"floor": floor(args.repeat)}))
        return
    result: dict = {"pages": {}}
    with streamlit_server() as (server, base), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.add_init_script(WATCH_CHARTS)
        result["server_start_mb"] = round(memory_mb(server.pid))
        for name, path in PAGES.items():
            visits = []
            for _ in range(1 + args.repeat):
                page = context.new_page()
                visits.append(visit(page, f"{base}/{path}"))
                page.close()
            warm = visits[1:]
            result["pages"][name] = {
                "cold": visits[0],
                **{key: statistics.median(v[key] for v in warm)
                   for key in ("first_chart_ms", "last_chart_ms", "websocket_bytes")},
                "charts": warm[-1]["charts"]}
        # Memory: one session open, then EXTRA more, each on the overview.
        sessions = [browser.new_context(viewport={"width": 1920, "height": 1080})
                    for _ in range(1 + args.extra)]
        tabs = []
        for i, ctx in enumerate(sessions):
            ctx.add_init_script(WATCH_CHARTS)
            tabs.append(ctx.new_page())
            visit(tabs[-1], base)
            if i == 0:
                time.sleep(2)
                one = memory_mb(server.pid)
        time.sleep(2)
        result["rss_one_session_mb"] = round(one)
        result["rss_sessions_mb"] = round(memory_mb(server.pid))
        result["extra_sessions"] = args.extra
        result["mb_per_session"] = round((memory_mb(server.pid) - one) / args.extra, 1)
        result["peak_mb"] = round(memory_mb(server.pid, "VmHWM"))
        browser.close()
    result["floor"] = floor(args.repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
