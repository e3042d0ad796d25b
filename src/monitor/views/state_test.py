"""The state test beside the district's own measures: CAASPP's public research files for the
district and each school, compared with the district's own state-test rows, protected the same
way (and with CDE's own rule: fewer than 11 tested is not shown)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from monitor.config import Settings
from monitor.db import Database
from monitor.measures import lattice, privacy
from monitor.measures.selection import Filters

CAASPP_GRADES = {"3", "4", "5", "6", "7", "8", "11"}
CAASPP_DISTRICT = "0000000"


def caaspp_comparison(db: Database, settings: Settings, filters: Filters, school_year: str,
                      schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """State, county, district and school percent met and above from CAASPP research files,
    for the filters' subject, group and grade (a tested grade, else all grades).

    Empty when the district's CDS codes are not configured, the filters' group has no CAASPP
    id, or no research file for that year is loaded. The state's own suppression stays NULL.
    The district's and its schools' rows are counted from students, so they are protected
    like the lattice (`caaspp_protected`: fewer than min_n, or CDE's own state_min_tested, and
    whatever would let a hidden row be worked out from the others); the state's and county's
    are other people's totals, shown where at least state_min_tested were tested. With
    `schools` (a principal's), the district's and school rows as their view protects them.
    Columns: level, entity, school_code, students_tested, pct_met_above, suppressed,
    hidden_label."""
    district = settings.district
    group_ids = {"all": 1} | {g.id: g.caaspp_id for g in settings.groups}
    group_id = group_ids.get(filters.group)
    grade = filters.grade if filters.grade in CAASPP_GRADES else "all"
    columns = ["level", "entity", "school_code", "students_tested", "pct_met_above",
               "suppressed", "hidden_label"]
    if not (district.cds_county and district.cds_district) or group_id is None:
        return pd.DataFrame(columns=columns)
    subject = filters.subject or "ELA"
    frame = db.query("caaspp_comparison", {
        "school_year": school_year, "subject": subject,
        "group_id": str(group_id), "grade": grade, "county": district.cds_county,
        "district": district.cds_district})
    others = frame["level"].isin(["State", "County"])
    few = frame["students_tested"].fillna(0) < settings.privacy.state_min_tested
    protected = caaspp_protected(db, settings, school_year, subject, schools)
    mine = protected[(protected["group_id"] == filters.group)
                     & (protected["grade"] == (lattice.POOLED if grade == "all" else grade))]
    mine = mine.assign(school_code=mine["scope"].replace(privacy.DISTRICT, CAASPP_DISTRICT))
    frame = frame.merge(mine[["school_code", "hidden", "hidden_label"]], how="left",
                        on="school_code")
    hidden = np.where(others, few, frame["hidden"].fillna(True).astype(bool))
    frame["suppressed"] = hidden
    frame["hidden_label"] = np.where(others, np.where(few, f"n<{settings.privacy.state_min_tested}",
                                                      None), frame["hidden_label"])
    frame.loc[hidden, ["students_tested", "pct_met_above"]] = np.nan
    frame.loc[~hidden & frame["pct_met_above"].isna(), "hidden_label"] = "suppressed by CDE"
    return frame[columns]


def caaspp_protected(db: Database, settings: Settings, school_year: str, subject: str,
                     schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The district's CAASPP rows (the district and each school, every configured group and
    tested grade) of one year and subject, protected together as the lattice's cells are
    (lattice.protect_table): a row of fewer than min_n students tested, or of fewer than
    CDE's state_min_tested, or where all or none met (under disclosive_n), is hidden, and so
    is whatever would let one be worked out (the district less the schools shown, a group
    and its complement, all grades less the grades shown). The met count is worked back
    from the published percent. With `schools` (a principal's), as their view protects it.
    Columns: scope (a school code or privacy.DISTRICT), group_id, grade (POOLED for all),
    hidden, reason, hidden_label."""
    district = settings.district
    rows = db.query("caaspp_district_rows", {
        "school_year": school_year, "subject": subject, "county": district.cds_county,
        "district": district.cds_district})
    ours = {"1": "all"} | {str(g.caaspp_id): g.id for g in settings.groups if g.caaspp_id}
    rows = rows.assign(group_id=rows["student_group_id"].map(ours))
    rows = rows[rows["group_id"].notna() & rows["students_tested"].notna()
                & (rows["grade"].isin(CAASPP_GRADES) | (rows["grade"] == "all"))]
    rows = rows.drop_duplicates(["school_code", "group_id", "grade"], keep="last")
    tested = rows["students_tested"].to_numpy(float)
    # The state hides a row's percent where it has its own reasons: that row's met count is
    # unknown, so it is taken as hidden (counted as none met).
    met = np.round(tested * rows["pct_met_above"].fillna(0).to_numpy(float) / 100)
    cells = pd.DataFrame({
        "measure": "state_comparison", "school_year": school_year, "window_id": "spring",
        "scope": np.where(rows["school_code"] == CAASPP_DISTRICT, privacy.DISTRICT,
                          rows["school_code"]),
        "grade": np.where(rows["grade"] == "all", lattice.POOLED, rows["grade"]),
        "subject": subject, "detail": lattice.POOLED, "group_id": rows["group_id"],
        "n": tested, "n_records": tested, "n_meeting": met,
        "unknown": rows["pct_met_above"].isna().to_numpy()})
    keys = ["scope", "grade"]
    # A group's row needs all students' beside it (a group is some of everyone).
    everyone = cells.loc[cells["group_id"] == "all", keys].drop_duplicates()
    cells = cells.merge(everyone, on=keys).reset_index(drop=True)
    # What the district's row holds beyond its schools' rows (schools not listed, students
    # counted at the district only): a remainder nobody is shown.
    placed = cells[cells["scope"] != privacy.DISTRICT]
    added = placed.groupby(["grade", "group_id"], as_index=False)[
        ["n", "n_records", "n_meeting"]].sum()
    whole = cells[cells["scope"] == privacy.DISTRICT].merge(
        added, on=["grade", "group_id"], how="left", suffixes=("", "_schools")).fillna(0)
    rest = whole.assign(scope=privacy.UNPLACED, unknown=False, **{
        c: (whole[c] - whole[f"{c}_schools"]).clip(lower=0)
        for c in ("n", "n_records", "n_meeting")})[cells.columns]
    # A group's remainder is some of all students' remainder; where it is more (the file
    # leaves out schools' rows for that group), there is none: the district's row is then
    # taken as its schools' exactly, which can only hide more.
    everyone_rest = rest[rest["group_id"] == "all"].set_index("grade")["n"]
    room = rest["grade"].map(everyone_rest).fillna(0).to_numpy(float)
    kept = (rest["n"] > 0) & ((rest["group_id"] == "all") | (rest["n"] <= room))
    cells = pd.concat([cells, rest[kept]], ignore_index=True)
    strict = settings.model_copy(update={"privacy": settings.privacy.model_copy(update={
        "min_n": max(settings.privacy.min_n, settings.privacy.state_min_tested)})})
    protected = lattice.protect_table(cells.drop(columns="unknown"), strict,
                                      hidden=cells["unknown"].to_numpy(bool), viewer=schools)
    if schools is not None:
        protected = protected[protected["scope"].isin([privacy.DISTRICT, *schools])]
    return protected.reset_index(drop=True)
