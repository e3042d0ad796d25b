"""Counts a page shows from outside the measures lattice are protected as the lattice is:
survey response rates (respondents and students enrolled, per school, window and group) and
the state test's published rows (the district and its schools, per group and grade). The
attacker (tests/measures/attack.py) solves what a person sees exactly, in the district's view
and in every principal's; no hidden count may come out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from monitor.db import Database
from monitor.ingest.load import load_files
from monitor.measures import lattice, privacy, selection
from monitor.views import reads, state_test

from ..loader.test_caaspp import RESEARCH_HEADER
from . import attack
from .test_measures import write_csv

YEAR = "2026-27"
ITEM = "I feel supported by my school."


def truth_of_rates(db: Database, survey: str) -> pd.DataFrame:
    """Every response-rate cell with its exact counts, shaped as the attacker reads cells:
    n = students enrolled (staff: respondents), the district its schools added up."""
    counts = db.query("survey_response_rates", {"year": YEAR, "survey": survey})
    enrolled = counts["enrolled"] if survey == "student" else counts["respondents"]
    cells = pd.DataFrame({"measure": "response_rate", "school_year": YEAR,
                          "window_id": counts["window_id"], "scope": counts["school_code"],
                          "grade": "*", "subject": survey, "detail": "*",
                          "group_id": counts["group_id"], "true_n": enrolled.astype(float),
                          "respondents": counts["respondents"].astype(float)})
    district = cells.groupby(["window_id", "group_id"], as_index=False)[
        ["true_n", "respondents"]].sum()
    return pd.concat([cells, district.assign(
        measure="response_rate", school_year=YEAR, scope=privacy.DISTRICT, grade="*",
        subject=survey, detail="*")[cells.columns]], ignore_index=True)


def attacked(truth: pd.DataFrame, shown: pd.DataFrame, settings,
             viewer: str | None = None) -> pd.DataFrame:
    """The cells of `truth` hidden in `shown` (reads.response_rates' rows) that the shown
    ones determine; for a principal (`viewer`), with the other schools as one unknown."""
    keys = ["window_id", "scope", "group_id"]
    seen = truth.merge(shown[[*keys, "suppressed"]], on=keys, how="left")
    if viewer is None:
        return seen[attack.determined(seen, seen["suppressed"].to_numpy(bool), settings,
                                      schools_complete=True)]
    mine = seen[seen["scope"].isin([viewer, privacy.DISTRICT])]
    district = mine[mine["scope"] == privacy.DISTRICT].set_index(["window_id", "group_id"])
    own = mine[mine["scope"] == viewer].set_index(["window_id", "group_id"])
    others = district.assign(
        scope="zz-others", suppressed=True,
        true_n=district["true_n"] - own["true_n"].reindex(district.index, fill_value=0),
    ).reset_index()
    system = pd.concat([mine, others[others["true_n"] > 0]], ignore_index=True)
    fixed = attack.determined(system, system["suppressed"].to_numpy(bool), settings)
    small = system["true_n"] < settings.privacy.min_n
    return system[fixed & (system["scope"] != "zz-others") | fixed & small.to_numpy(bool)]


@pytest.fixture(scope="module")
def horizon(tmp_path_factory, settings):
    """Three schools' grade 5: Alpha 60 students (20 English learners), Beta 50 (15), Horizon
    30 (one English learner, who answered the survey)."""
    tmp = tmp_path_factory.mktemp("response_rates")
    students = []
    for code, name, size, learners in (("A", "Alpha", 60, 20), ("B", "Beta", 50, 15),
                                       ("H", "Horizon", 30, 1)):
        students += [(f"{code}{i:03d}", code, name, "Y" if i < learners else "N")
                     for i in range(size)]
    roster = write_csv(tmp / "roster.csv", ["Student ID", "School Code", "School Name", "Grade",
                                            "English Learner", "School Year"],
                       [[sid, code, name, "5", el, YEAR] for sid, code, name, el in students])
    # Half of each school answers, learners first; Horizon's one learner among them.
    answered = [s for s in students if int(s[0][1:]) % 2 == 0 or s[0] == "H000"]
    survey = write_csv(tmp / "survey.csv", ["Respondent ID", "Student ID", "School", "Date",
                                            "Item", "Response"],
                       [[f"r{sid}", sid, code, "2026-10-01", ITEM,
                         "Agree" if i % 3 else "Disagree"]
                        for i, (sid, code, _, _) in enumerate(answered)])
    db = tmp / "m.duckdb"
    result = load_files([roster, survey], settings, db_path=db)
    assert result.exit_code == 0, [r.line() for r in result.reports]
    return Database(db)


def test_one_learner_at_horizon_is_not_the_district_less_the_schools(horizon, settings):
    """Horizon's English learners (one, who answered) are hidden, and so is another school's,
    so that the district less the schools shown cannot give them."""
    rates = reads.response_rates(horizon, settings, YEAR, "student")
    el = rates[rates["group_id"] == "el"].set_index("scope")
    assert el.loc["H", "suppressed"] and pd.isna(el.loc["H", "respondents"])
    assert el.loc["H", "hidden_label"] == f"n<{settings.privacy.min_n}"
    assert not el.loc[privacy.DISTRICT, "suppressed"]
    assert el.loc[privacy.DISTRICT, "enrolled"] == 36
    assert el["suppressed"].sum() >= 2
    everyone = rates[rates["group_id"] == "all"].set_index("scope")
    assert not everyone["suppressed"].any()
    assert everyone.loc["A", "rate"] == 50
    leaks = attacked(truth_of_rates(horizon, "student"), rates, settings)
    assert leaks.empty, leaks.to_string()
    for school in ("A", "B", "H"):
        mine = reads.response_rates(horizon, settings, YEAR, "student", (school,))
        assert set(mine["scope"]) <= {school, privacy.DISTRICT}
        leaks = attacked(truth_of_rates(horizon, "student"), mine, settings, viewer=school)
        assert leaks.empty, (school, leaks.to_string())


@pytest.mark.parametrize("survey", ["student", "teacher", "leader"])
def test_the_demos_response_rates_give_no_hidden_count_away(demo_db, settings, survey):
    db = Database(demo_db)
    truth = truth_of_rates(db, survey)
    rates = reads.response_rates(db, settings, YEAR, survey)
    assert len(rates) and len(truth) == len(rates)
    hidden = rates[rates["suppressed"]]
    assert hidden[["respondents", "enrolled", "rate"]].isna().all().all()
    shown = rates[~rates["suppressed"]].merge(truth, on=["window_id", "scope", "group_id"])
    assert (shown["true_n"] >= settings.privacy.min_n).all()
    leaks = attacked(truth, rates, settings)
    assert leaks.empty, leaks.head().to_string()
    # Where the survey's own results are hidden, its response count is too.
    results = lattice.read(db, settings, "survey", [YEAR], survey, lattice.POOLED)
    results = results[(results["detail"] == lattice.POOLED) & results["suppressed"]]
    both = results.merge(rates, on=["window_id", "scope", "group_id"])
    assert both["suppressed_y"].all()


def write_research(path, rows):
    path.write_text("\n".join([RESEARCH_HEADER, *rows]) + "\n", encoding="cp1252")
    return path


def test_state_test_rows_follow_cde_and_our_rules_and_protect_each_other(tmp_path, settings,
                                                                         shared_data):
    """All students at the state, the county, the district and three schools; foster youth
    (14 tested in the district, 1 met; 5, 4 and 5 at the schools) and English learners (14
    tested, none met; the schools' rows starred by the state): every school's small row is
    hidden (CDE's 11 and our 10), the
    district's 1 of 14 is shown (none of its schools is, so it gives nobody away), its 0.0%
    of 14 is not (everyone one outcome, under disclosive_n)."""
    county, district = "07", "61754"
    el = next(g.caaspp_id for g in settings.groups if g.id == "el")
    rows = ["00^00000^0000000^^2025^1^B^^^13^1^^3000000^2500^^^47.0^^^",
            f"{county}^00000^0000000^^2025^1^B^^^13^1^^80000^2510^^^52.5^^^"]
    schools = {"0106088": (300, 40.0, 5, 20.0), "0135822": (250, 55.2, 4, 0.0),
               "0100040": (180, 61.1, 5, 0.0)}
    total = sum(v[0] for v in schools.values())
    rows.append(f"{county}^{district}^0000000^^2025^1^B^^^13^1^^{total}^2505^^^52.0^^^")
    rows.append(f"{county}^{district}^0000000^^2025^240^B^^^13^1^^14^2400^^^7.14^^^")
    rows.append(f"{county}^{district}^0000000^^2025^{el}^B^^^13^1^^14^2400^^^0.00^^^")
    for code, (tested, pct, foster, foster_pct) in schools.items():
        rows.append(f"{county}^{district}^{code}^^2025^1^B^^^13^1^^{tested}^2500^^^{pct}^^^")
        rows.append(f"{county}^{district}^{code}^^2025^240^B^^^13^1^^{foster}^2400^^^"
                    f"{foster_pct}^^^")
        # The same learners at each school, their percent starred by the state.
        rows.append(f"{county}^{district}^{code}^^2025^{el}^B^^^13^1^^{foster}^^^^*^^^")
    research = write_research(tmp_path / "sb_ca2025_all_07_csv_v1.txt", rows)
    db = tmp_path / "m.duckdb"
    load_files([research, shared_data / "caaspp" / "sb_ca2025entities_csv.txt"], settings,
               db_path=db)
    rules = settings.model_copy(update={"district": settings.district.model_copy(
        update={"cds_county": county, "cds_district": district})})
    f = selection.Filters(school_year="2024-25", subject="ELA")
    everyone = state_test.caaspp_comparison(Database(db), rules, f, "2024-25").set_index("level")
    assert not everyone["suppressed"].any()
    assert everyone.loc["State", "pct_met_above"] == 47.0      # others' totals, as published
    foster = state_test.caaspp_comparison(Database(db), rules,
                                     f.model_copy(update={"group": "foster"}), "2024-25")
    schools_shown = foster[foster["level"] == "School"]
    assert schools_shown["suppressed"].all() and schools_shown["pct_met_above"].isna().all()
    assert set(schools_shown["hidden_label"]) == {"n<11"}
    assert foster.set_index("level").loc["District", "pct_met_above"] == 7.14
    learners = state_test.caaspp_comparison(Database(db), rules,
                                       f.model_copy(update={"group": "el"}), "2024-25")
    row = learners.set_index("level").loc["District"]
    assert row["suppressed"] and pd.isna(row["pct_met_above"]) and pd.isna(row["students_tested"])
    assert row["hidden_label"] == "suppressed"


def test_state_test_attack_on_generated_rows(tmp_path, settings, shared_data):
    """Many schools, groups and grades with small counts among them: solved exactly, no
    hidden row's count comes out, in the district's view or a principal's."""
    rng = np.random.default_rng(11)
    county, district = "07", "61754"
    codes = [f"01{i:05d}" for i in range(8)]
    groups = {"1": None, **{str(g.caaspp_id): g.id for g in settings.groups if g.caaspp_id}}
    rows = []
    totals: dict[tuple[str, str], list[float]] = {}
    for code in ["0000000", *codes]:
        # Each school's grades (and its all grades: them added up); the district's rows are
        # its schools' added up.
        for group in groups:
            for grade in ("03", "04", "05", "13"):
                if code != "0000000" and grade != "13":
                    everyone = int(rng.integers(8, 90))
                    tested = everyone if group == "1" else int(rng.integers(0, everyone // 2))
                    met = int(rng.integers(0, tested + 1))
                    for key in ((code, group, "13"), ("0000000", group, grade),
                                ("0000000", group, "13")):
                        found = totals.setdefault(key, [0, 0])
                        found[0] += tested
                        found[1] += met
                else:
                    tested, met = totals.get((code, group, grade), (0, 0))
                if tested:
                    rows.append(f"{county}^{district}^{code}^^2025^{group}^B^^^{grade}^1^^"
                                f"{tested}^2500^^^{100 * met / tested:.4f}^^^")
    research = write_research(tmp_path / "sb_ca2025_all_07_csv_v1.txt", rows)
    db = tmp_path / "m.duckdb"
    load_files([research], settings, db_path=db)
    rules = settings.model_copy(update={"district": settings.district.model_copy(
        update={"cds_county": county, "cds_district": district})})
    protected = state_test.caaspp_protected(Database(db), rules, "2024-25", "ELA")
    assert protected["hidden"].any() and not protected["hidden"].all()
    floor = max(settings.privacy.min_n, settings.privacy.state_min_tested)
    assert (protected.loc[~protected["hidden"], "n"] >= floor).all()
    cells = protected.rename(columns={"n": "true_n"})
    leaks = cells[attack.determined(cells, cells["hidden"].to_numpy(bool), rules,
                                    schools_complete=True)]
    assert leaks.empty, leaks.to_string()
