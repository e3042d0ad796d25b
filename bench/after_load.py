"""The first visit after a load, with the cache warmer (monitor.ui.warm) on and off.

On a copy of MONITOR_DB: starts `streamlit run app.py`, opens the overview once (the server's
first visit, which also starts the warmer) and waits until the server is idle; then loads a
small roster file with the command line (a new version of the database, as a nightly load
makes), waits for the warmer's next look (POLL_SECONDS) and for the server to be idle again,
and opens the overview and the school page in a new tab, as the first visitor after the load.
Done twice, with `[engine] warm_after_load` true and false. Prints JSON.

    MONITOR_DB=... MONITOR_AS_OF=2026-11-23 .venv/bin/python bench/after_load.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browser import WATCH_CHARTS, visit
from playwright.sync_api import sync_playwright
from server import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

from monitor.ui.warm import POLL_SECONDS


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, window: float = 3.0, busy: float = 0.15, limit: float = 900) -> float:
    """Wait until the process uses under `busy` of a core over `window` s; the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return round(time.monotonic() - started, 1)


def small_roster(source: Path, out: Path, rows: int = 5) -> Path:
    with open(source, encoding="utf-8") as handle:
        out.write_text("".join(handle.readline() for _ in range(rows + 1)), encoding="utf-8")
    return out


def one_mode(db: Path, roster: Path, warm_after_load: bool, folder: Path) -> dict:
    config = folder / f"config_{warm_after_load}.toml"
    text = (ROOT / "config.toml").read_text()
    config.write_text(text.replace("warm_after_load = true",
                                   f"warm_after_load = {str(warm_after_load).lower()}"))
    env = {"MONITOR_DB": str(db), "MONITOR_CONFIG": str(config)}
    result: dict = {"warm_after_load": warm_after_load}
    with streamlit_server(env) as (server, base), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        context.add_init_script(WATCH_CHARTS)
        page = context.new_page()
        result["server_first_visit"] = visit(page, base)
        page.close()
        result["idle_after_first_visit_s"] = wait_idle(server.pid)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "monitor", "load", str(roster)], cwd=ROOT,
                       env=os.environ | env, check=True, capture_output=True)
        result["load_s"] = round(time.monotonic() - started, 1)
        time.sleep(POLL_SECONDS + 2)
        result["idle_after_load_s"] = wait_idle(server.pid)
        for name, path in (("overview", ""), ("school", "school")):
            page = context.new_page()
            result[f"after_load_{name}"] = visit(page, f"{base}/{path}")
            page.close()
        browser.close()
    return result


def main() -> None:
    source = Path(os.environ["MONITOR_DB"])
    with tempfile.TemporaryDirectory(dir=source.parent) as scratch:
        folder = Path(scratch)
        roster = small_roster(sorted((source.parent / "exports").glob("roster_*.csv"))[-1],
                              folder / "roster_update.csv")
        modes = []
        for warm_after_load in (True, False):
            db = folder / "monitor.duckdb"
            shutil.copy(source, db)
            modes.append(one_mode(db, roster, warm_after_load, folder))
            print(json.dumps(modes[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"modes": modes}))


if __name__ == "__main__":
    main()
