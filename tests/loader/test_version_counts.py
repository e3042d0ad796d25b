"""What a load keeps with the version it makes (health and coverage counts): the same as counting
every row, for the rules it was kept under only, and filled by `monitor migrate` for a database
an older version built."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from monitor import cli
from monitor.db import SCHEMA_VERSION, Database, run_query
from monitor.ingest import health
from monitor.ingest.load import load_files

OEA = "iready_oea/diagnostic_results_ela_ela.csv"


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order, numbers as int64 and the rest as Python objects (the kept and the
    live counts come back with different dtypes, not different values)."""
    frame = frame.astype({c: "int64" if c in ("rows", "not_on_roster", "no_grade", "n",
                                              "load_id") else object for c in frame.columns})
    return frame.sort_values(list(frame.columns), key=lambda c: c.astype(str)).reset_index(
        drop=True)


def live_coverage(con, years: list[str]) -> pd.DataFrame:
    found = run_query(con, "coverage_by_school_window")
    return found[found["school_year"].isin(years)]


def test_what_the_demo_load_kept_is_what_counting_every_row_gives(demo_db, settings):
    con = Database(demo_db).connection()
    assert health.is_kept(con, settings)
    kept, live = health.counted(con, settings), health.row_counts(con, settings)
    assert len(kept) > 10 and kept["reason"].notna().any()
    pd.testing.assert_frame_equal(ordered(kept), ordered(live))
    years = sorted(set(live["school_year"]))
    for chosen in (years, years[-1:], ["1999-00"]):
        pd.testing.assert_frame_equal(ordered(health.coverage(con, settings, chosen)),
                                      ordered(live_coverage(con, chosen)))
    assert len(health.coverage(con, settings, years)) > 50


def test_counts_kept_under_other_rules_are_not_read(shared_data, settings, tmp_path):
    frame = pd.read_csv(shared_data / OEA, dtype=str, keep_default_na=False)
    frame["Rush Flag"] = "Y"          # every test rushed: none counts under the default rule
    path = tmp_path / "iready_ela.csv"
    frame.to_csv(path, index=False)
    db = tmp_path / "m.duckdb"
    load_files([path], settings, db_path=db)
    con = Database(db).connection()
    assert health.counted(con, settings)["reason"].eq("rushed").any()
    keeping = settings.model_copy(update={"loading": settings.loading.model_copy(
        update={"exclude_rushed": False})})
    assert not health.is_kept(con, keeping)
    counted = health.counted(con, keeping)
    assert not counted["reason"].eq("rushed").any()
    pd.testing.assert_frame_equal(ordered(counted), ordered(health.row_counts(con, keeping)))


def test_migrate_keeps_the_counts_of_a_database_an_older_version_built(demo_db, settings,
                                                                       tmp_path, monkeypatch,
                                                                       capsys):
    path = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE health_counts")
    con.execute("DROP TABLE coverage_counts")
    con.execute("DELETE FROM meta WHERE key = 'counts_rules'")
    con.execute("UPDATE meta SET value = $v WHERE key = 'schema_version'",
                {"v": str(SCHEMA_VERSION - 1)})
    con.close()
    monkeypatch.setenv("MONITOR_DB", str(path))
    assert cli.main(["migrate"]) == 0
    assert f"schema version {SCHEMA_VERSION - 1} -> {SCHEMA_VERSION}" in capsys.readouterr().out
    con = Database(path).connection()
    assert health.is_kept(con, settings)
    pd.testing.assert_frame_equal(ordered(health.counted(con, settings)),
                                  ordered(health.row_counts(con, settings)))


@pytest.mark.parametrize("years", [["2025-26"], []])
def test_a_version_without_kept_counts_counts_live(demo_db, settings, tmp_path, years):
    path = tmp_path / "monitor.duckdb"
    shutil.copy2(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("DELETE FROM meta WHERE key = 'counts_rules'")
    con.execute("DELETE FROM health_counts")
    con.close()
    con = Database(path).connection()
    assert not health.is_kept(con, settings)
    assert len(health.counted(con, settings)) > 10
    pd.testing.assert_frame_equal(ordered(health.coverage(con, settings, years)),
                                  ordered(live_coverage(con, years)))
