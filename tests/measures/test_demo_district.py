"""The demo district: deterministic, loadable through the loader, and telling its stories."""

from __future__ import annotations

import hashlib

import pandas as pd

from monitor import metrics
from monitor.db import Database
from monitor.demo import write_demo

from ..conftest import AS_OF, DEMO_STUDENTS


def digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_same_seed_same_bytes_other_seed_differs(tmp_path, settings, demo_files):
    again = write_demo(tmp_path / "a", settings, students=DEMO_STUDENTS, seed=7, as_of=AS_OF)
    assert digest(again) == digest(demo_files)
    other = write_demo(tmp_path / "b", settings, students=DEMO_STUDENTS, seed=8, as_of=AS_OF)
    assert digest(other) != digest(demo_files)


def test_every_data_family_in_real_formats(demo_files):
    names = " ".join(p.name for p in demo_files)
    for family in ("roster", "esgi", "iready_diagnostic_results", "district_benchmarks",
                   "performance_tasks", "state_test", "walkthroughs", "qualtrics",
                   "google_forms", "leader_survey_long"):
        assert family in names
    iready = next(p for p in demo_files if p.name.startswith("iready"))
    assert iready.read_bytes().startswith(b"\xef\xbb\xbf")    # vendor export: UTF-8 with BOM
    qualtrics = next(p for p in demo_files if "qualtrics" in p.name)
    assert qualtrics.read_text(encoding="utf-8").splitlines()[2].startswith('"{""ImportId""')


def test_nothing_after_the_as_of_date(demo_files):
    bench = next(p for p in demo_files if p.name == "district_benchmarks_2026-27.csv")
    dates = pd.to_datetime(pd.read_csv(bench, dtype=str)["Test Date"], format="%m/%d/%Y")
    assert dates.max().date() <= AS_OF


def test_stories(demo_db, settings):
    db = Database(demo_db)
    f = metrics.Filters(school_year="2026-27", subject="ELA")
    cells = metrics.measure_cells(db, settings, "benchmark", f)
    schools = db.query("schools")
    # Schools on and off trajectory.
    at_bm2 = metrics.by_school(cells, settings, "benchmark", f, "2", schools)
    assert {"met", "not met"} <= set(at_bm2["status"].dropna())
    # One school with a missing window: benchmark results at BM2 but none at BM1.
    at_bm1 = metrics.by_school(cells, settings, "benchmark", f, "1", schools)
    tested = set(at_bm2.loc[at_bm2["n"] > 0, "school_code"])
    missing = tested - set(at_bm1.loc[at_bm1["n"] > 0, "school_code"])
    assert len(missing) == 1
    # Persistent gaps: students with disabilities well below all students in both years.
    for year in ("2025-26", "2026-27"):
        groups = metrics.by_group(cells, settings, f.model_copy(update={"school_year": year}),
                                  "1" if year == "2025-26" else "2").set_index("group_id")
        assert groups.loc["swd", "gap_to_all"] < -10
        assert groups.loc["el", "gap_to_all"] < -5
    # Small groups suppressed: some school-level foster youth cells are under the minimum n.
    foster = cells[(cells["group_id"] == "foster")]
    assert (foster["n"] < settings.privacy.min_n).any()


def test_state_comparison_agrees_with_student_level_scores(demo_db, settings):
    db = Database(demo_db)
    f = metrics.Filters(school_year="2025-26", subject="ELA")
    comparison = metrics.caaspp_comparison(db, settings, f, "2025-26").set_index("level")
    assert {"State", "County", "District", "School"} <= set(comparison.index)
    cells = metrics.measure_cells(db, settings, "state_test", f)
    student_level = metrics.trajectory(cells, settings, "state_test", f).iloc[0]["value"]
    assert abs(comparison.loc["District", "pct_met_above"] - student_level) < 0.06
    # Small groups: the state's * and our own minimum n both leave no value.
    foster = metrics.caaspp_comparison(db, settings, f.model_copy(update={"group": "foster"}),
                                       "2025-26")
    schools = foster[foster["level"] == "School"]
    assert schools["pct_met_above"].isna().all()


def test_no_comparison_without_cds_codes(demo_db, settings):
    district = settings.district.model_copy(update={"cds_county": "", "cds_district": ""})
    bare = settings.model_copy(update={"district": district})
    f = metrics.Filters(school_year="2025-26", subject="ELA")
    assert metrics.caaspp_comparison(Database(demo_db), bare, f, "2025-26").empty
