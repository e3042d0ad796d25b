"""The database missing, locked, unreadable, read-only or from another schema version: a clear
message and a safe way forward (versioned migrations, run on a copy)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor import cli
from monitor.config import PROJECT_ROOT, Engine
from monitor.db import (
    SCHEMA_VERSION,
    Database,
    DatabaseMissing,
    DatabaseOutdated,
    DatabaseProblem,
    DatabaseTooNew,
)
from monitor.ingest.load import load_files

from .test_load import ROSTER_HEADER, roster_rows, write_csv

APP = str(PROJECT_ROOT / "app.py")


def version_one(path):
    """A database as release 1 wrote it: no rows_replaced in the load history."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("CREATE SEQUENCE load_ids START 1")
    con.execute("""CREATE TABLE loads (load_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL, source VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL,
        rows_read INTEGER NOT NULL, rows_loaded INTEGER NOT NULL, rows_rejected INTEGER NOT NULL,
        duplicates_skipped INTEGER NOT NULL, nearest_window INTEGER NOT NULL,
        not_on_roster INTEGER NOT NULL, school_years VARCHAR, windows VARCHAR)""")
    con.execute("INSERT INTO loads VALUES (nextval('load_ids'), 'old.csv', 'x', 'roster', "
                "now(), 1, 1, 0, 0, 0, 0, '2025-26', NULL)")
    con.close()


def test_missing_database_says_how_to_make_one(tmp_path):
    with pytest.raises(DatabaseMissing, match="python -m monitor load"):
        Database(tmp_path / "none.duckdb").stamp()


def test_an_older_schema_is_refused_with_the_way_forward_and_migrated(tmp_path, monkeypatch,
                                                                       capsys):
    path = tmp_path / "monitor.duckdb"
    version_one(path)
    with pytest.raises(DatabaseOutdated) as refused:
        Database(path).connection()
    assert f"schema version 1; this version of the dashboard needs {SCHEMA_VERSION}" in str(
        refused.value)
    assert "python -m monitor migrate" in str(refused.value)
    monkeypatch.setenv("MONITOR_DB", str(path))
    assert cli.main(["migrate"]) == 0
    assert f"schema version 1 -> {SCHEMA_VERSION}" in capsys.readouterr().out
    history = Database(path).query("loads_recent")
    assert history["file_name"].tolist() == ["old.csv"]           # nothing lost
    con = duckdb.connect(str(path), read_only=True)
    columns = {r[0] for r in con.execute("DESCRIBE loads").fetchall()}
    con.close()
    assert "rows_replaced" in columns
    assert cli.main(["migrate"]) == 0
    assert "already at schema version" in capsys.readouterr().out


def test_a_load_migrates_an_older_database_too(tmp_path, settings):
    path = tmp_path / "monitor.duckdb"
    version_one(path)
    roster = write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())
    assert load_files([roster], settings, db_path=path).exit_code == 0
    assert len(Database(path).query("loads_recent")) == 2


def test_a_database_from_before_versions_were_recorded_migrates(tmp_path, settings):
    path = tmp_path / "monitor.duckdb"
    version_one(path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE meta")
    con.close()
    with pytest.raises(DatabaseOutdated, match="schema version 0"):
        Database(path).connection()
    roster = write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())
    assert load_files([roster], settings, db_path=path).exit_code == 0
    assert len(Database(path).query("loads_recent")) == 2


def test_a_newer_schema_is_left_alone(tmp_path, settings):
    path = tmp_path / "monitor.duckdb"
    roster = write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())
    load_files([roster], settings, db_path=path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="written by a newer release"):
        Database(path).connection()
    with pytest.raises(DatabaseTooNew):
        load_files([roster], settings, db_path=path)
    assert path.read_bytes() == before


def test_an_unreadable_file_is_a_message(tmp_path):
    path = tmp_path / "monitor.duckdb"
    path.write_bytes(b"this is not a database " * 100)
    with pytest.raises(DatabaseProblem, match="not a DuckDB database"):
        Database(path).connection()


def test_a_database_locked_by_another_program_is_a_message(tmp_path, settings):
    path = tmp_path / "monitor.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseProblem, match="locked by another program"):
            Database(path).connection()
    finally:
        holder.kill()
        holder.wait()
    assert len(Database(path).query("loads_recent")) == 1       # and fine once it is closed


def test_a_read_only_folder_still_serves_the_dashboard(tmp_path, settings, monkeypatch):
    path = tmp_path / "monitor.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=path)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr("monitor.db.os.link", refuse)
    assert len(Database(path).query("loads_recent")) == 1


def test_the_app_shows_the_problem_not_a_traceback(tmp_path, monkeypatch, demo_db):
    path = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    monkeypatch.setenv("MONITOR_DB", str(path))
    import streamlit as st
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert "python -m monitor migrate" in at.error[0].value
    assert not at.get("plotly_chart")
    st.cache_resource.clear()


def test_a_reader_pinned_to_a_version_keeps_reading_it_after_a_load(tmp_path, settings):
    path = tmp_path / "monitor.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=path)
    db = Database(path)
    old = db.current()
    load_files([write_csv(tmp_path / "r2.csv", ROSTER_HEADER, roster_rows(20, year="2025-26"))],
               settings, db_path=path)
    new = db.current()
    assert new != old
    # A page run pinned to the old version reads only it; the next run sees the new one.
    assert len(db.at(old).query("loads_recent")) == 1
    assert len(db.at(new).query("loads_recent")) == 2
    assert len(db.query("loads_recent")) == 2


def test_readers_keep_to_the_engine_limits_and_spill_past_them(tmp_path, settings):
    """config.toml's [engine]: a reader's DuckDB instance takes its memory limit and threads,
    and a query that needs more memory than that spills to disk beside it instead of failing."""
    path = tmp_path / "monitor.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings,
               db_path=path)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE wide AS SELECT (i * 7919) % 3000001 AS k, repeat('x', 24) || i AS v "
                "FROM range(4000000) r(i)")
    con.close()
    tight = Database(path, Engine(memory_limit="32MB", threads=1)).connection()
    limit, threads = tight.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    assert (limit, threads) == ("30.5 MiB", 1)
    groups = tight.execute("SELECT count(*) FROM (SELECT k, max(v) FROM wide GROUP BY k)").fetchone()
    assert groups == (3000001,)
    tight.close()       # DuckDB allows one configuration per file per process
    # Without settings, config.toml's defaults (512MB), not DuckDB's 80% of the machine.
    assert Database(path).connection().execute(
        "SELECT current_setting('memory_limit')").fetchone() == ("488.2 MiB",)
