"""California's public CAASPP research files and their lookups (real samples in shared/data)."""

from __future__ import annotations

import duckdb

from monitor.ingest.load import EXIT_OK, load_files

RESEARCH_HEADER = ("County Code^District Code^School Code^Filler^Test Year^Student Group ID^"
                   "Test Type^Total Tested at Reporting Level^Total Tested with Scores at "
                   "Reporting Level^Grade^Test ID^Students Enrolled^Students Tested^Mean Scale "
                   "Score^Percentage Standard Exceeded^Percentage Standard Met^Percentage "
                   "Standard Met and Above^Percentage Standard Nearly Met^Percentage Standard "
                   "Not Met^Students with Scores")


def rows(db, query):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_lookups_load_with_their_encodings(shared_data, tmp_path, settings):
    db = tmp_path / "m.duckdb"
    files = sorted((shared_data / "caaspp").glob("*.txt"))
    result = load_files(files, settings, db_path=db)
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    assert sorted({r.source for r in result.reports}) == ["caaspp_entities", "caaspp_groups"]
    assert rows(db, "SELECT district_name FROM caaspp_entities WHERE test_year = '2025' AND "
                    "county_code = '07' AND district_code = '61754' AND type_id = '6'") == [
        ("Mt. Diablo Unified",)]
    groups = dict(rows(db, "SELECT student_group_id, group_name FROM caaspp_groups"))
    assert groups["1"] == "All Students" and groups["240"] == "Foster youth"
    # Windows-1252 names survive (the 2025 entity file is not UTF-8).
    names = [n for (n,) in rows(db, "SELECT school_name FROM caaspp_entities WHERE "
                                    "school_name LIKE '%ñ%' OR school_name LIKE '%é%'")]
    assert names and all("\ufffd" not in n for n in names)


def test_research_file_with_state_suppression(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    research = tmp_path / "sb_ca2025_all_07_csv_v1.txt"
    lines = [
        RESEARCH_HEADER,
        "00^00000^0000000^^2025^1^B^^^13^1^^3000000^2500^^^47.0^^^",
        "07^00000^0000000^^2025^1^B^^^13^1^^80000^2510^^^52.5^^^",
        "07^61754^0000000^^2025^1^B^^^13^1^^14000^2505^^^49.1^^^",
        "07^61754^0106088^^2025^1^B^^^05^2^^58^2460^^^31.0^^^",
        "07^61754^0106088^^2025^240^B^^^05^2^^3^^^^*^^^",
        "07^61754^0106088^^2025^1^B^^^14^2^^58^2460^^^31.0^^^",
    ]
    research.write_text("\n".join(lines) + "\n", encoding="cp1252")
    result = load_files([research], settings, db_path=db)
    report = result.reports[0]
    assert report.source == "caaspp_research"
    assert (report.rows_read, report.loaded, report.rejected) == (6, 5, 1)
    assert any("suppressed by the state" in note for note in report.notes)
    got = rows(db, "SELECT school_year, county_code, district_code, school_code, "
                   "student_group_id, grade, subject, pct_met_above FROM caaspp_results "
                   "ORDER BY county_code, district_code, school_code, student_group_id")
    assert got == [
        ("2024-25", "00", "00000", "0000000", "1", "all", "ELA", 47.0),
        ("2024-25", "07", "00000", "0000000", "1", "all", "ELA", 52.5),
        ("2024-25", "07", "61754", "0000000", "1", "all", "ELA", 49.1),
        ("2024-25", "07", "61754", "0106088", "1", "5", "Math", 31.0),
        ("2024-25", "07", "61754", "0106088", "240", "5", "Math", None),
    ]
