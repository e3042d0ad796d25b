"""The command line, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitor.config import PROJECT_ROOT


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=300)


def test_help_documents_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "load", "status"):
        assert command in result.stdout
    load_help = run("load", "--help").stdout
    assert "--source" in load_help and "Exit" in load_help


def test_demo_then_load_then_status(tmp_path):
    env = os.environ | {"MONITOR_DB": str(tmp_path / "m.duckdb")}
    out = tmp_path / "demo"
    made = run("demo", "--out", str(out), "--students", "600", "--seed", "3",
               "--as-of", "2026-10-30", env=env)
    assert made.returncode == 0, made.stderr
    files = sorted(out.glob("*.csv"))
    assert len(files) >= 15
    loaded = run("load", *map(str, files), env=env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "0 rejected" in loaded.stdout
    status = run("status", env=env)
    rows = dict(line.split()[:2] for line in status.stdout.splitlines())
    assert int(rows["roster"].replace(",", "")) > 600


def test_bad_config_exits_2_naming_the_key(tmp_path):
    text = (PROJECT_ROOT / "config.toml").read_text().replace("[privacy]", "[privacyy]")
    (tmp_path / "config.toml").write_text(text)
    env = os.environ | {"MONITOR_CONFIG": str(tmp_path / "config.toml")}
    result = run("load", "nothing.csv", env=env)
    assert result.returncode == 2
    assert "privacyy" in result.stderr


def test_measures_reports_the_second_statistics_the_pages_show(demo_db, settings):
    """i-Ready's median percent progress per student group, as the Student groups page shows
    it (measure_statistics), is in `monitor measures` too; none on a hidden cell."""
    import io

    import pandas as pd

    from monitor.db import Database
    from monitor.measures import selection
    from monitor.views import measures_table

    from ..second_statistics import measure_statistics

    env = os.environ | {"MONITOR_DB": str(demo_db)}
    result = run("measures", "--measure", "iready_growth", "--subject", "ELA", "--format",
                 "json", env=env)
    assert result.returncode == 0, result.stderr
    table = pd.read_json(io.StringIO(result.stdout), dtype={"school": str, "window": str})
    year = settings.current_school_year()
    page = measure_statistics(Database(demo_db), settings, "iready_growth",
                                    selection.Filters(school_year=year, subject="ELA"))
    page = page.assign(school=page["scope"].replace({"__district__": "district"}),
                       group=page["group_id"].map(lambda g: measures_table.group_name(settings, g)))
    keys = ["year", "school", "group", "window"]
    merged = table.merge(page.rename(columns={"school_year": "year", "window_id": "window"}),
                         on=keys, suffixes=("", "_page"))
    shown = merged[merged["value"].notna()]
    assert len(shown) > 20 and (shown["group"] != "all").any()
    assert (shown["median_progress_typical"] == shown["median_progress_typical_page"]).all()
    assert merged.loc[merged["value"].isna(), "median_progress_typical"].isna().all()


def test_the_run_script_loads_last_week_then_this_week(tmp_path):
    """scripts/run.sh (and serve.sh) load what `monitor demo --week` wrote: every file of the
    district as it stood a week ago (the CAASPP research files, .txt, included: without them
    the county and state comparison never appears), as of that date, then the week's new
    files. Both build the database with scripts/_venv.sh's ensure_database."""
    for runner in ("run.sh", "serve.sh"):
        assert "\nensure_database\n" in (PROJECT_ROOT / "scripts" / runner).read_text()
    script = (PROJECT_ROOT / "scripts" / "_venv.sh").read_text()
    demo = next(line for line in script.splitlines() if "-m monitor demo " in line)
    made = run("demo", "--out", str(tmp_path / "data" / "demo"), "--students", "600",
               "--seed", "3", "--as-of", "2027-02-15", "--week")
    assert made.returncode == 0 and "--week" in demo, made.stderr
    assert (tmp_path / "data/demo/last_week.as_of").read_text().strip() == "2027-02-08"
    loads = [line.split("-m monitor load", 1)[1].strip() for line in script.splitlines()
             if "-m monitor load" in line]
    assert len(loads) == 2 and loads[0].startswith('--as-of "$(cat data/demo/last_week.as_of)"')
    for load, folder in zip(loads, ("last_week", "this_week"), strict=True):
        pattern = load.split()[-1]
        expanded = subprocess.run(["bash", "-c", f"printf '%s\\n' {pattern}"], cwd=tmp_path,
                                  capture_output=True, text=True, check=True).stdout.split()
        written = sorted(p.name for p in (tmp_path / "data/demo" / folder).iterdir())
        assert sorted(Path(p).name for p in expanded) == written and written
    assert any(p.endswith(".txt") for p in os.listdir(tmp_path / "data/demo/last_week"))


def test_reading_the_database_leaves_no_temporary_file_beside_it(demo_db, tmp_path):
    """Each reader names the version it opens (a hard link); opening it again, from another
    process or another reader, leaves nothing behind but that one name (here: three
    `measures` runs, then twenty readers in this process)."""
    import shutil

    from monitor.db import Database

    db = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, db)
    env = os.environ | {"MONITOR_DB": str(db)}
    for _ in range(3):
        result = run("measures", "--measure", "benchmark", "--school", "district", env=env)
        assert result.returncode == 0, result.stderr
    for _ in range(20):
        Database(db).connection()
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert left == [f".monitor.duckdb.{db.stat().st_ino}.read"], left


def test_measures_subject_all_gives_every_survey(use_demo_db):
    import io

    import pandas as pd

    result = run("measures", "--measure", "survey", "--subject", "all", "--school", "district",
                 env=os.environ | {"MONITOR_DB": str(use_demo_db)})
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(io.StringIO(result.stdout))
    assert set(table["subject"]) == {"student", "teacher", "leader"}
