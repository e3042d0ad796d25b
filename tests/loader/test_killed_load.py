"""A load killed at random points never leaves a partial or corrupt database."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import numpy as np
import pandas as pd

from monitor.config import PROJECT_ROOT
from monitor.ingest.load import load_files

from .test_load import ROSTER_HEADER, roster_rows, write_csv

KILLS = 15


def big_benchmark(path, rows: int):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "Student ID": [f"{i % 12 + 1:06d}" for i in range(rows)],
        "Assessment": [f"BM1 form {i}" for i in range(rows)],
        "Subject": "ELA", "Grade": "4", "Test Date": "10/05/2026",
        "Percent Correct": rng.integers(0, 101, rows),
        "Performance Level": "Standard Met",
    })
    frame.to_csv(path, index=False)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_killed_loads_leave_the_database_as_it_was(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    load_files([write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=db)
    before = digest(db)
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy2(db, pristine)
    big = big_benchmark(tmp_path / "big.csv", 300_000)
    env = os.environ | {"MONITOR_DB": str(db)}
    command = [sys.executable, "-m", "monitor", "load", str(big)]

    started = time.monotonic()
    subprocess.run(command, env=env | {"MONITOR_DB": str(tmp_path / "timing.duckdb")},
                   cwd=PROJECT_ROOT, capture_output=True, check=True)
    full = time.monotonic() - started

    rng = random.Random(42)
    killed, latest = 0, full * 0.7
    for _ in range(KILLS * 3):
        if killed == KILLS:
            break
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, latest))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        after = digest(db)
        con = duckdb.connect(str(db), read_only=True)
        results = con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0]
        con.close()
        if after == before and process.returncode == -signal.SIGKILL:
            assert results == 0
            killed += 1
            continue
        # Atomic: otherwise the load had committed (it finished, or the kill landed while it was
        # reporting or exiting) and the database holds all of it. Aim the next kill earlier.
        assert results == 300_000, f"a killed load left {results:,} of 300,000 rows"
        shutil.copy2(pristine, db)
        latest *= 0.7
    assert killed == KILLS, f"only {killed} of {KILLS} kills landed during a load"
    # The next load works, and clears the copies the killed loads left behind.
    finished = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert list(tmp_path.glob("m.duckdb.*.loading*")) == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0] == 300_000
    con.close()
