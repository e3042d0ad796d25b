"""The data health check where analysts look: the Data page and the overview."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.ingest.load import load_files

from .test_pages import run_page

OEA = "iready_oea/diagnostic_results_ela_ela.csv"


@pytest.fixture
def rushed_db(shared_data, settings, tmp_path, monkeypatch):
    """A database whose only i-Ready file loaded without a rejected row and counts nowhere:
    the vendor wrote every test's rush flag Y."""
    frame = pd.read_csv(shared_data / OEA, dtype=str, keep_default_na=False)
    frame["Rush Flag"] = "Y"
    path = tmp_path / "iready_ela.csv"
    frame.to_csv(path, index=False)
    db = tmp_path / "m.duckdb"
    result = load_files([path], settings, db_path=db)
    assert result.warnings
    monkeypatch.setenv("MONITOR_DB", str(db))
    return db


def warnings_of(at) -> list[str]:
    """The page's warnings, less the demo's banner."""
    return [w.value for w in at.warning if not w.value.startswith("**Demo data")]


def test_the_data_page_shows_the_warning_and_the_health_table(rushed_db):
    at = run_page("data")
    assert any("iready_ela.csv [iready]" not in w and "i-Ready 2021-22" in w
               and "none counts in a measure" in w for w in warnings_of(at)), warnings_of(at)
    tables = [d.value for d in at.dataframe if "Count in a measure" in d.value.columns]
    assert tables, "no health table"
    row = tables[0][tables[0]["Source"] == "iready"].iloc[0]
    assert row["Count in a measure"] == 0 and row["rushed"] == row["Rows loaded"] > 900
    titles = [s.value for s in at.subheader]
    assert any(t.startswith("0 of ") and "count in a measure" in t for t in titles), titles


def test_the_overview_warns_analysts(rushed_db):
    at = run_page("overview")
    assert any(w.startswith("Data health: i-Ready 2021-22") for w in warnings_of(at))


def test_a_healthy_demo_has_no_warning(use_demo_db):
    at = run_page("data")
    assert warnings_of(at) == []
    tables = [d.value for d in at.dataframe if "Count in a measure" in d.value.columns]
    shares = tables[0].set_index(["Source", "School year"])["Counting (%)"]
    assert (shares > 85).all(), shares


def test_learning_walks_pool_every_subject_by_default(use_demo_db):
    at = run_page("learning_walks")
    captions = " ".join(c.value for c in at.caption)
    assert "Every subject observed is pooled" in captions
    choice = at.selectbox(key="f_observed")
    assert choice.value == "__all__" and "ELA" in choice.options
    pooled = [s.value for s in at.subheader]
    choice.set_value("Math").run()
    assert not at.exception
    assert at.query_params["observed"] in ("Math", ["Math"])
    assert "Subject observed: Math." in " ".join(c.value for c in at.caption)
    assert [s.value for s in at.subheader] != pooled
