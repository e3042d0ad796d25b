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
import pytest

from monitor.config import PROJECT_ROOT
from monitor.ingest.load import load_files

from .test_load import ROSTER_HEADER, roster_rows, write_csv

# Slow lane: loads killed at random points.
pytestmark = pytest.mark.slow

KILLS = 15
# Rows in the file each killed load reads: every stage lasts long enough to be landed in (the
# shortest, data health, a tenth of a second) and a whole load takes a few seconds.
ROWS = 100_000


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


# The loader's stages (`monitor load --progress`), each of which kills must land in.
STAGES = ("Reading", "Checking", "Writing", "Checking data health", "Counting", "Saving")


def stage_of(line: str) -> str | None:
    """'[ 40%] Writing big.csv' -> 'Writing' (the longest stage name that starts the text)."""
    text = line.split("] ", 1)[-1]
    return max((s for s in STAGES if text.startswith(s)), key=len, default=None)


def test_killed_loads_leave_the_database_as_it_was(tmp_path, settings):
    """Kills aimed at each stage of a load, each after the loader has said it started that
    stage (never while the interpreter is still starting): the database is byte-identical to
    before, or, when the kill came after the commit, holds the whole load; never in between."""
    db = tmp_path / "m.duckdb"
    load_files([write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=db)
    before = digest(db)
    pristine = tmp_path / "pristine.duckdb"
    shutil.copy2(db, pristine)
    big = big_benchmark(tmp_path / "big.csv", ROWS)
    env = os.environ | {"MONITOR_DB": str(db)}
    command = [sys.executable, "-m", "monitor", "load", "--progress", str(big)]

    rng = random.Random(42)
    hits: list[str] = []            # the stage each kill that landed mid-load hit
    for attempt in range(KILLS * 3):
        if len(hits) == KILLS:
            break
        aimed = STAGES[attempt % len(STAGES)]
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, text=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        reported: list[str] = []
        for line in process.stderr:
            reported.append(line)
            if stage_of(line) == aimed:
                # Somewhere inside the stage: at once, or a moment into it.
                time.sleep(rng.choice([0, 0, rng.uniform(0, 0.3)]))
                process.send_signal(signal.SIGKILL)
                break
        reported.extend(process.stderr.read().splitlines())
        process.wait()
        last = next((stage_of(line) for line in reversed(reported) if stage_of(line)), None)
        con = duckdb.connect(str(db), read_only=True)
        results = con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0]
        con.close()
        if digest(db) == before and process.returncode == -signal.SIGKILL:
            assert results == 0
            assert last is not None, "killed before the loader reported any stage"
            hits.append(last)
            continue
        # Atomic: otherwise the load had committed (the kill landed as it was exiting) and the
        # database holds all of it.
        assert results == ROWS, f"a killed load left {results:,} of {ROWS:,} rows"
        shutil.copy2(pristine, db)
    assert len(hits) == KILLS, f"only {len(hits)} of {KILLS} kills landed during a load: {hits}"
    # Every stage was hit at least once, the commit's own stage included.
    assert set(hits) == set(STAGES), hits
    print("kills by stage:", {stage: hits.count(stage) for stage in STAGES})
    # The next load works, and clears the copies the killed loads left behind.
    finished = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert list(tmp_path.glob("m.duckdb.*.loading*")) == []
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM assessment_results").fetchall()[0][0] == ROWS
    con.close()
