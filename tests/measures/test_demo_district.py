"""The demo district: deterministic, loadable through the loader, and telling its stories."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from monitor.db import Database
from monitor.demo.district import write_demo
from monitor.ingest.load import load_files
from monitor.measures import selection
from monitor.views import breakdowns, reads, state_test

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
    f = selection.Filters(school_year="2026-27", subject="ELA")
    cells = reads.measure_cells(db, settings, "benchmark", f)
    schools = db.query("schools")
    # Schools on and off trajectory.
    at_bm2 = breakdowns.by_school(cells, settings, "benchmark", f, "2", schools)
    assert {"met", "not met"} <= set(at_bm2["status"].dropna())
    # One school with a missing window: benchmark results at BM2 but none at BM1.
    at_bm1 = breakdowns.by_school(cells, settings, "benchmark", f, "1", schools)
    tested = set(at_bm2.loc[at_bm2["present"], "school_code"])
    missing = tested - set(at_bm1.loc[at_bm1["present"], "school_code"])
    assert len(missing) == 1
    # Persistent gaps: students with disabilities well below all students in both years.
    for year in ("2025-26", "2026-27"):
        groups = breakdowns.by_group(cells, settings, f.model_copy(update={"school_year": year}),
                                     "1" if year == "2025-26" else "2").set_index("group_id")
        assert groups.loc["swd", "gap_to_all"] < -10
        assert groups.loc["el", "gap_to_all"] < -5
    # Small groups suppressed: foster youth cells under the minimum n show no value, no count
    # (not even their n), no interval, only their label; none shown is under the minimum.
    foster = cells[(cells["group_id"] == "foster")]
    small = foster[foster["reason"] == "small"]
    assert len(small) > 0
    assert small["suppressed"].all()
    assert small[["n", "value", "n_meeting", "ci_low", "ci_high"]].isna().all().all()
    assert (small["hidden_label"] == f"n<{settings.privacy.min_n}").all()
    assert (foster.loc[~foster["suppressed"], "n"] >= settings.privacy.min_n).all()


RESEARCH_HEADER = ("County Code^District Code^School Code^Filler^Test Year^Student Group ID^"
                   "Test Type^Total Tested at Reporting Level^Total Tested with Scores at "
                   "Reporting Level^Grade^Test ID^Students Enrolled^Students Tested^Mean Scale "
                   "Score^Percentage Standard Exceeded^Percentage Standard Met^Percentage "
                   "Standard Met and Above^Percentage Standard Nearly Met^Percentage Standard "
                   "Not Met^Students with Scores")


def test_the_state_comparison_reads_the_published_figures(shared_data, settings, tmp_path):
    """Mt. Diablo Unified (county 07, district 61754) with the real 2025 entity lookup and a
    research file of known figures: the comparison shows exactly what the state published, the
    state's * as no value, and our own minimum n on top of it."""
    research = tmp_path / "sb_ca2025_all_07_csv_v1.txt"
    lines = [RESEARCH_HEADER,
             "00^00000^0000000^^2025^1^B^^^13^1^^3000000^2500^^^47.0^^^",
             "07^00000^0000000^^2025^1^B^^^13^1^^80000^2510^^^52.5^^^",
             "07^61754^0000000^^2025^1^B^^^13^1^^14000^2505^^^49.1^^^",
             "07^61754^0106088^^2025^1^B^^^13^1^^58^2460^^^31.0^^^",
             "07^61754^0135822^^2025^1^B^^^13^1^^8^2460^^^75.0^^^",      # 8 tested: < min_n
             "07^61754^0106088^^2025^240^B^^^13^1^^12^^^^*^^^"]         # the state's *
    research.write_text("\n".join(lines) + "\n", encoding="cp1252")
    db = tmp_path / "m.duckdb"
    load_files([research, shared_data / "caaspp" / "sb_ca2025entities_csv.txt"], settings,
               db_path=db)
    district = settings.district.model_copy(update={"cds_county": "07",
                                                    "cds_district": "61754"})
    mt_diablo = settings.model_copy(update={"district": district})
    f = selection.Filters(school_year="2024-25", subject="ELA")
    got = state_test.caaspp_comparison(Database(db), mt_diablo, f, "2024-25")
    shown = {(r.level, r.entity): r.pct_met_above for r in got.itertuples()}
    assert shown[("State", "California")] == 47.0
    assert shown[("County", "Contra Costa")] == 52.5
    assert shown[("District", "Mt. Diablo Unified")] == 49.1
    assert shown[("School", "Delta View Elementary")] == 31.0
    assert pd.isna(shown[("School", "Holbrook Language Academy")])
    foster = state_test.caaspp_comparison(Database(db), mt_diablo,
                                     f.model_copy(update={"group": "foster"}), "2024-25")
    assert foster[foster["level"] == "School"]["pct_met_above"].isna().all()


def test_no_comparison_without_cds_codes(demo_db, settings):
    district = settings.district.model_copy(update={"cds_county": "", "cds_district": ""})
    bare = settings.model_copy(update={"district": district})
    f = selection.Filters(school_year="2025-26", subject="ELA")
    assert state_test.caaspp_comparison(Database(demo_db), bare, f, "2025-26").empty


@pytest.mark.parametrize(("measure", "subject"), [("walkthrough", None), ("survey", "student"),
                                                  ("esgi", None)])
def test_intervals_count_units_not_ratings(demo_db, settings, measure, subject):
    """A pooled learning-walk cell rates each observation on many indicators, a survey
    construct asks each respondent several items, ESGI's every-subject cell holds two tests a
    student: the 95% interval's sample size is the observations / respondents / students."""
    from monitor.measures.privacy import wilson_interval

    db = Database(demo_db)
    cells = reads.measure_cells(db, settings, measure, selection.Filters(
        school_year=settings.current_school_year(), subject=subject))
    shown = cells[cells["value"].notna() & (cells["n_records"] > cells["n"])]
    assert len(shown) > 5
    share = shown["n_meeting"] / shown["n_records"]
    low, high = wilson_interval(share * shown["n"], shown["n"])
    assert np.allclose(shown["ci_low"], np.round(low, 1)), shown[["n", "n_records", "ci_low"]]
    assert np.allclose(shown["ci_high"], np.round(high, 1))
    if measure == "walkthrough":
        assert "indicator ratings" in settings.measures[measure].label
