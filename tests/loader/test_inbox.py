"""The inbox (`monitor load --inbox DIR`): good, bad, half-written and repeated files; each new
file loaded once and moved to loaded/ or failed/ with its report beside it, a file still being
written left for the next run, the same content never loaded twice, a failed load leaving the
database as it was, and one run at a time."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil

import pytest

from monitor.cli import main
from monitor.db import Database
from monitor.ingest import inbox

OLD = 600          # seconds: a file last changed this long ago has finished arriving


@pytest.fixture
def now() -> dt.datetime:
    """The inbox's clock in a test: OLD seconds after the test starts, so every file the test
    drops has landed OLD seconds before the inbox looks, unless it is still being written
    (taken when the test starts, never when the module is imported: a test may run many
    minutes after that)."""
    return dt.datetime.now() + dt.timedelta(seconds=OLD)


@pytest.fixture
def drop(tmp_path, demo_files, now):
    """An inbox and a function that drops a demo export into it (landed OLD seconds before
    `now`; with `fresh`, written ten seconds before it), under a name of our choosing."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    by_name = {p.name: p for p in demo_files}

    def put(name: str, as_name: str | None = None, fresh: bool = False):
        target = folder / (as_name or name)
        # copy2 keeps the export's own (old) modification time, as cp -p or scp -p do.
        shutil.copy2(by_name[name], target)
        if fresh:
            written = now.timestamp() - 10
            os.utime(target, (written, written))
        return target
    put.folder = folder
    return put


def _loads(db_path) -> list[str]:
    if not db_path.exists():
        return []
    con = Database(db_path).connection()
    return sorted(name for (name,) in con.execute("SELECT file_name FROM loads").fetchall())


def _names(folder) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_good_bad_half_written_and_repeated_files(drop, tmp_path, settings, now):
    db = tmp_path / "monitor.duckdb"
    drop("roster_2026-27.csv")
    drop("district_benchmarks_2026-27.csv")
    bad = drop.folder / "export_from_the_vendor.csv"
    bad.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    half = drop("esgi_2026-27.csv", fresh=True)               # still arriving
    partial = drop("walkthroughs_2026-27.csv", "walkthroughs.csv.part")
    run = inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)

    status = {o.name: o.status for o in run.outcomes}
    assert status == {"roster_2026-27.csv": "loaded", "district_benchmarks_2026-27.csv": "loaded",
                      "export_from_the_vendor.csv": "failed", "esgi_2026-27.csv": "waiting",
                      "walkthroughs.csv.part": "waiting"}
    assert run.exit_code == 2
    # Left where they were, untouched; the others moved with their report beside them.
    assert half.exists() and partial.exists()
    loaded, failed = drop.folder / "loaded", drop.folder / "failed"
    assert len([n for n in _names(loaded) if n.endswith(".report.txt")]) == 2
    [failed_report] = [p for p in failed.iterdir() if p.name.endswith(".report.txt")]
    words = failed_report.read_text()
    assert "export_from_the_vendor.csv: NOT LOADED" in words
    assert "nothing of it was written to the database" in words
    benchmark_report = next(p for p in loaded.iterdir()
                            if p.name.endswith("district_benchmarks_2026-27.csv.report.txt"))
    assert benchmark_report.read_text().startswith(
        "district_benchmarks_2026-27.csv [benchmark]: ")
    assert _loads(db) == ["district_benchmarks_2026-27.csv", "roster_2026-27.csv"]

    # The same benchmark file again, under another name (a vendor's resend): not loaded again.
    again = next(p for p in loaded.iterdir() if p.name.endswith("district_benchmarks_2026-27.csv"))
    shutil.copy2(again, drop.folder / "benchmarks_resent.csv")
    before = Database(db).current()
    second = inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)
    repeated = {o.name: o for o in second.outcomes if o.status == "repeated"}
    assert set(repeated) == {"benchmarks_resent.csv"}
    assert "the same content was loaded on" in repeated["benchmarks_resent.csv"].line
    assert "as district_benchmarks_2026-27.csv" in repeated["benchmarks_resent.csv"].line
    assert Database(db).current() == before and _loads(db) == [
        "district_benchmarks_2026-27.csv", "roster_2026-27.csv"]
    assert second.exit_code == 0

    # The half-written file, finished: loaded on the next run.
    old = now.timestamp() - OLD
    os.utime(half, (old, old))
    third = inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)
    assert {o.name: o.status for o in third.outcomes} == {
        "esgi_2026-27.csv": "loaded", "walkthroughs.csv.part": "waiting"}
    assert "esgi_2026-27.csv" in _loads(db)


def test_the_same_content_twice_in_one_run_is_loaded_once(drop, tmp_path, settings, now):
    db = tmp_path / "monitor.duckdb"
    drop("roster_2026-27.csv")
    drop("roster_2026-27.csv", "roster_copy.csv")
    run = inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)
    assert sorted((o.name, o.status) for o in run.outcomes) == [
        ("roster_2026-27.csv", "loaded"), ("roster_copy.csv", "repeated")]
    assert _loads(db) == ["roster_2026-27.csv"]


def test_a_load_that_fails_as_a_whole_leaves_the_database_as_it_was(drop, tmp_path, settings,
                                                                    monkeypatch, now):
    db = tmp_path / "monitor.duckdb"
    drop("roster_2026-27.csv")
    inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)
    before = Database(db).current()
    drop("district_benchmarks_2026-27.csv")

    def broken(*args, **kwargs):
        raise OSError("No space left on device")
    monkeypatch.setattr(inbox, "load_files", broken)
    run = inbox.run(drop.folder, settings, db_path=db, settle_seconds=120, now=now)
    [outcome] = run.outcomes
    assert outcome.status == "failed" and "No space left on device" in outcome.line
    assert "the database was left as it was" in outcome.line
    assert outcome.moved_to.parent.name == "failed"
    assert Database(db).current() == before and _loads(db) == ["roster_2026-27.csv"]


def test_one_run_at_a_time(drop, tmp_path, settings, now):
    drop("roster_2026-27.csv")
    with (drop.folder / inbox.LOCK).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        run = inbox.run(drop.folder, settings, db_path=tmp_path / "m.duckdb", now=now)
        fcntl.flock(held, fcntl.LOCK_UN)
    assert run.busy and run.outcomes == []
    assert (drop.folder / "roster_2026-27.csv").exists()


def test_the_command(drop, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MONITOR_DB", str(tmp_path / "monitor.duckdb"))
    drop("roster_2026-27.csv")
    # Just landed, on the command's own clock: it waits; told nothing need settle, it loads.
    assert main(["load", "--inbox", str(drop.folder)]) == 0
    assert "WAITING: roster_2026-27.csv: left for the next run" in capsys.readouterr().out
    assert main(["load", "--inbox", str(drop.folder), "--settle-seconds", "0"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"LOADED: roster_2026-27.csv \[roster\]: [\d,]+ rows read", out)
    assert "/loaded/" in out
    assert main(["load", "--inbox", str(drop.folder), "--settle-seconds", "0"]) == 0
    assert "no new files" in capsys.readouterr().out
    assert main(["load", "--inbox", str(tmp_path / "nowhere")]) == 2
    assert main(["load"]) == 2
