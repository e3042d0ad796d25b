"""The loader: formats, validation, nothing lost, atomic loads, and the real shared samples."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from monitor.ingest import load as loader
from monitor.ingest.load import EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, load_files

ROSTER_HEADER = ["Student ID", "School Code", "School Name", "Grade", "Race/Ethnicity",
                 "English Learner", "Students with Disabilities",
                 "Socioeconomically Disadvantaged", "Foster Youth", "Homeless", "School Year"]


def write_csv(path: Path, header, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def roster_rows(n=12, school="0101", year="2026-27"):
    return [[f"{i:06d}", school, "Oak Elementary", "4", "Hispanic or Latino",
             "Y" if i % 2 else "N", "N", "Y", "N", "N", year] for i in range(1, n + 1)]


def table(db: Path, query: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).df()
    finally:
        con.close()


def test_roster_keeps_leading_zeros_and_builds_groups(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    result = load_files([roster], settings, db_path=db)
    assert result.exit_code == EXIT_OK
    ids = table(db, "SELECT student_id FROM roster ORDER BY student_id")["student_id"]
    assert ids.iloc[0] == "000001"
    groups = table(db, "SELECT group_id, count(*) AS n FROM roster_groups GROUP BY ALL")
    assert dict(zip(groups["group_id"], groups["n"], strict=True)) == {
        "el": 6, "sed": 12, "hispanic": 12}
    school = table(db, "SELECT * FROM schools")
    assert school.to_dict("records") == [
        {"school_code": "0101", "school_name": "Oak Elementary", "level": "Elementary"}]


def test_encodings_delimiters_and_xlsx(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    header = ["Student ID", "Last Name", *ROSTER_HEADER[1:]]
    cp1252 = write_csv(tmp_path / "a.txt", header,
                       [["000777", "José", *roster_rows(1)[0][1:]]], "cp1252", "^")
    bom = write_csv(tmp_path / "b.csv", header,
                    [["000778", "Nguyễn", *roster_rows(1)[0][1:]]], "utf-8-sig")
    frame = pd.DataFrame([["000779", "Lee", *roster_rows(1)[0][1:]]], columns=header)
    xlsx = tmp_path / "c.xlsx"
    frame.to_excel(xlsx, index=False)
    result = load_files([cp1252, bom, xlsx], settings, db_path=db)
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    assert [r.source for r in result.reports] == ["roster"] * 3
    assert sorted(table(db, "SELECT student_id FROM roster")["student_id"]) == [
        "000777", "000778", "000779"]


def test_bad_rows_are_rejected_with_file_row_column_reason(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    header = ["Student ID", "Assessment", "Subject", "Grade", "Test Date", "Percent Correct",
              "Performance Level"]
    rows = [
        ["000001", "BM1", "ELA", "4", "10/05/2026", "80", "Standard Met"],
        ["000002", "BM1", "ELA", "4", "10/05/2026", "180", ""],           # percent out of range
        ["000003", "BM1", "ELA", "14", "10/05/2026", "80", "Standard Met"],  # grade
        ["000004", "BM1", "ELA", "4", "someday", "80", "Standard Met"],   # date
        ["000005", "BM1", "ELA", "4", "07/15/2026", "80", "Standard Met"],  # no window near
        ["000006", "BM1", "Art", "4", "10/05/2026", "80", "Standard Met"],  # subject
        ["000006", "BM1", "ELA", "4", "10/05/2026", "80", "Standard Met"],
        ["000006", "BM1", "ELA", "4", "10/05/2026", "80", "Standard Met"],  # duplicate
    ]
    bench = write_csv(tmp_path / "bench.csv", header, rows)
    result = load_files([roster, bench], settings, db_path=db)
    assert result.exit_code == EXIT_REJECTED
    report = result.reports[1]
    assert (report.rows_read, report.loaded, report.rejected, report.duplicates) == (8, 2, 5, 1)
    assert report.rows_read == report.loaded + report.rejected + report.duplicates
    rejects = pd.read_csv(result.rejects_path, dtype=str)
    assert set(rejects["file"]) == {"bench.csv"}
    by_row = dict(zip(rejects["row"].astype(int), rejects["column"], strict=True))
    assert by_row == {3: "Percent Correct", 4: "Grade", 5: "Test Date", 6: "Test Date",
                      7: "Subject"}
    assert rejects["reason"].str.len().min() > 5
    # A reload skips everything already there.
    again = load_files([bench], settings, db_path=db)
    assert (again.reports[0].loaded, again.reports[0].duplicates) == (0, 3)


def test_unreadable_file_names_missing_columns_and_closest(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    bad = write_csv(tmp_path / "esgi.csv",
                    ["Student ID", "Test Name", "Subject", "Test Dte", "Score", "Total Questions"],
                    [["1", "Letters", "ELA", "9/1/2026", "3", "26"]])
    result = load_files([bad], settings, db_path=db, source="esgi")
    assert result.exit_code == EXIT_UNREADABLE
    message = result.reports[0].error
    assert "'Test Date'" in message and "Test Dte" in message
    unknown = write_csv(tmp_path / "what.csv", ["a", "b"], [["1", "2"]])
    result = load_files([unknown], settings, db_path=db)
    assert "cannot tell what kind of export" in result.reports[0].error


def test_failed_load_leaves_database_as_it_was(tmp_path, settings, monkeypatch):
    db = tmp_path / "m.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings, db_path=db)
    before = db.read_bytes()
    more = write_csv(tmp_path / "r2.csv", ROSTER_HEADER, roster_rows(20, year="2025-26"))
    real = loader._load_one

    def crash_after_insert(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("power cut")

    monkeypatch.setattr(loader, "_load_one", crash_after_insert)
    with pytest.raises(RuntimeError):
        load_files([more], settings, db_path=db)
    assert db.read_bytes() == before
    assert list(tmp_path.glob("*.loading*")) == []
    assert len(table(db, "SELECT * FROM roster")) == 12


def test_iready_older_layout_computes_progress_from_baseline(shared_data, tmp_path, settings):
    db = tmp_path / "m.duckdb"
    path = shared_data / "iready_oea" / "diagnostic_results_ela_ela.csv"
    result = load_files([path], settings, db_path=db)
    report = result.reports[0]
    assert report.source == "iready" and report.error is None
    assert report.loaded > 900 and report.nearest_window > 0
    assert report.rows_read == report.loaded + report.rejected + report.duplicates
    rows = table(db, """
        SELECT student_id, is_baseline, scale_score, typical_growth, pct_typical, rushed, subject
        FROM iready_results WHERE student_id = 'f3888dd2fa3811ec97c8c4bde5bbed5f'
        ORDER BY completion_date""")
    assert rows["subject"].unique().tolist() == ["ELA"]
    base, later = rows.iloc[0], rows.iloc[1]
    assert base["is_baseline"] and not later["is_baseline"]
    expected = round(100 * (later["scale_score"] - base["scale_score"]) / later["typical_growth"], 1)
    assert later["pct_typical"] == expected
    assert table(db, "SELECT count(*) AS n FROM iready_results WHERE rushed")["n"][0] > 0


def test_iready_current_layout_uses_norming_window(shared_data, tmp_path, settings):
    db = tmp_path / "m.duckdb"
    files = sorted((shared_data / "iready_edanalytics").glob("*.csv"))
    result = load_files(files, settings, db_path=db)
    assert all(r.error is None for r in result.reports), [r.line() for r in result.reports]
    subjects = table(db, "SELECT DISTINCT subject FROM iready_results ORDER BY 1")["subject"]
    assert subjects.tolist() == ["ELA", "Math"]
    # "Winter (November 16 - March 1)" places the row itself: no date needs the nearest window.
    assert [r.nearest_window for r in result.reports] == [0, 0]


def test_foreign_qualtrics_export_is_refused_clearly(shared_data, tmp_path, settings):
    db = tmp_path / "m.duckdb"
    result = load_files([shared_data / "qualtrics" / "sample.csv"], settings, db_path=db)
    assert result.exit_code == EXIT_UNREADABLE
    assert result.reports[0].source == "survey"
    assert "no known survey item" in result.reports[0].error
    assert not db.exists() or table(db, "SELECT count(*) AS n FROM survey_responses")["n"][0] == 0


BENCH_HEADER = ["Student ID", "Assessment", "Subject", "Grade", "Test Date", "Percent Correct",
                "Performance Level"]


def bench_rows(levels: dict[str, str], date="10/05/2026"):
    return [[sid, "BM1", "ELA", "4", date, "70", level] for sid, level in levels.items()]


def test_corrected_file_replaces_what_its_earlier_version_contributed(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    first = {f"{i:06d}": "Standard Not Met" for i in range(1, 11)}
    folder = tmp_path / "v1"
    folder.mkdir()
    v1 = write_csv(folder / "bm1.csv", BENCH_HEADER,
                   bench_rows(first) + bench_rows({"000011": "Standard Met"}, "01/20/2027"))
    load_files([roster, v1], settings, db_path=db)
    # The district fixes BM1: every level was wrong, and one student was listed twice.
    corrected = {f"{i:06d}": "Standard Met" for i in range(1, 10)}
    folder2 = tmp_path / "v2"
    folder2.mkdir()
    v2 = write_csv(folder2 / "bm1.csv", BENCH_HEADER, bench_rows(corrected))
    report = load_files([v2], settings, db_path=db).reports[0]
    assert report.replaced == 10
    rows = table(db, "SELECT window_id, level_rank, count(*) AS n FROM assessment_results "
                     "GROUP BY ALL ORDER BY ALL")
    # BM1 holds only the corrected rows; BM2, which the correction does not cover, stays.
    assert rows.to_dict("records") == [
        {"window_id": "1", "level_rank": 3, "n": 9},
        {"window_id": "2", "level_rank": 3, "n": 1},
    ]
    # Loading the very same file again adds nothing and replaces nothing.
    again = load_files([v2], settings, db_path=db).reports[0]
    assert (again.loaded, again.duplicates, again.replaced) == (0, 9, 0)
    history = table(db, "SELECT file_name, rows_loaded, rows_replaced FROM loads "
                        "WHERE source = 'benchmark' ORDER BY load_id")
    assert history["rows_replaced"].tolist() == [0, 10, 0]


def test_reordered_extra_columns_stray_spaces_and_blank_trailing_rows(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    header = ["  performance level ", "Teacher", " STUDENT ID", "Test Date", "Subject ",
              "Assessment", "Percent Correct", "Grade"]
    rows = [["Standard Met", "Ms. Lee", "000001", "10/05/2026", "ELA", "BM1", "70", "4"],
            ["Standard Exceeded", "Ms. Lee", "000002", "2026-10-06", "ELA", "BM1", "90", "04"],
            ["", "", "", "", "", "", "", ""], ["", "", "", "", "", "", "", ""]]
    path = write_csv(tmp_path / "bench.csv", header, rows)
    result = load_files([roster, path], settings, db_path=db)
    report = result.reports[1]
    assert result.exit_code == EXIT_OK
    assert (report.source, report.rows_read, report.loaded) == ("benchmark", 2, 2)
    assert table(db, "SELECT student_id FROM assessment_results ORDER BY 1")[
        "student_id"].tolist() == ["000001", "000002"]


def test_column_mapping_from_config(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    mapped = settings.model_copy(update={"columns": {"Student Number": "Student ID",
                                                     "Campus": "School Code"}})
    header = ["Student Number", "Campus", *ROSTER_HEADER[2:]]
    path = write_csv(tmp_path / "sis.csv", header, [row[:1] + row[1:] for row in roster_rows()])
    result = load_files([path], mapped, db_path=db)
    assert result.exit_code == EXIT_OK and result.reports[0].loaded == 12


def test_messages_never_echo_student_values_but_the_rejects_file_keeps_them(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    secret_id, secret_score = "987654", "=HYPERLINK(1)"
    bench = write_csv(tmp_path / "bench.csv", BENCH_HEADER,
                      [[secret_id, "BM1", "ELA", "4", "10/05/2026", secret_score, ""]])
    result = load_files([roster, bench], settings, db_path=db)
    printed = "\n".join(r.line() for r in result.reports)
    assert secret_id not in printed and "HYPERLINK" not in printed
    rejects = result.rejects_path.read_text(encoding="utf-8")
    assert secret_id in rejects                      # the analyst's one place to see them
    row = pd.read_csv(result.rejects_path, dtype=str).iloc[0]
    assert row["column"] == "Percent Correct" and row["row"] == "2"


def test_an_open_reader_sees_the_next_load(tmp_path, settings):
    from monitor.db import Database

    db = tmp_path / "m.duckdb"
    load_files([write_csv(tmp_path / "r.csv", ROSTER_HEADER, roster_rows())], settings, db_path=db)
    reader = Database(db)
    assert len(reader.query("loads_recent")) == 1
    load_files([write_csv(tmp_path / "b.csv", BENCH_HEADER, bench_rows({"000001": "Standard Met"}))],
               settings, db_path=db)
    assert reader.query("loads_recent")["file_name"].tolist() == ["b.csv", "r.csv"]
    # Readers' names for replaced versions are cleared; only the current one remains.
    assert len(list(tmp_path.glob(".m.duckdb.*.read"))) == 1


def test_progress_is_told_each_stage(tmp_path, settings):
    seen = []
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADER, roster_rows())
    bench = write_csv(tmp_path / "bench.csv", BENCH_HEADER, bench_rows({"000001": "Standard Met"}))
    load_files([bench, roster], settings, db_path=tmp_path / "m.duckdb",
               progress=lambda fraction, text: seen.append((round(fraction, 2), text)))
    assert [text.split()[0] for _, text in seen] == [
        "Opening", "Opening", "Reading", "Checking", "Writing", "Reading", "Checking",
        "Writing", "Checking", "Counting", "Saving"]
    assert seen[-3][1] == "Checking data health"
    assert seen[2][1] == "Reading roster.csv"                   # rosters go first
    assert seen[3][1] == "Checking 12 rows of roster.csv"
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] < 1


def test_wide_screening_file_loads_through_the_column_mapping(shared_data, tmp_path, settings):
    """esvis: one row per student per season, a score column per subject, no date or year."""
    db = tmp_path / "m.duckdb"
    mapped = settings.model_copy(update={"columns": {"sid": "Student ID", "season": "Window"}})
    path = shared_data / "esvis" / "esvis_benchmarks_synthetic.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    result = load_files([path], mapped, db_path=db, school_year="2025-26")
    report = result.reports[0]
    assert report.source == "benchmark" and report.error is None, report.line()
    assert report.rows_read == len(raw)
    assert report.rows_read == report.loaded + report.rejected + report.duplicates
    blank_reading = int((raw["reading"] == "").sum())
    assert report.records == 2 * len(raw) - blank_reading - (report.duplicates * 2)
    assert any("scale score" in note for note in report.notes)
    got = table(db, "SELECT subject, window_id, count(*) AS n FROM assessment_results "
                    "GROUP BY ALL ORDER BY ALL")
    assert set(got["subject"]) == {"ELA", "Math"} and set(got["window_id"]) == {"1", "2", "3"}
    # Without a year the rows cannot be placed: rejected with a reason, nothing lost.
    again = load_files([path], mapped, db_path=tmp_path / "n.duckdb")
    assert again.reports[0].rejected == len(raw)


def test_a_file_over_the_row_cap_is_refused_whole(tmp_path, settings):
    db = tmp_path / "m.duckdb"
    capped = settings.model_copy(update={"loading": settings.loading.model_copy(
        update={"max_rows_per_file": 10})})
    small = write_csv(tmp_path / "small.csv", ROSTER_HEADER, roster_rows(10))
    big = write_csv(tmp_path / "big.csv", ROSTER_HEADER, roster_rows(11, school="0202"))
    result = load_files([small, big], capped, db_path=db)
    assert result.exit_code == EXIT_UNREADABLE
    error = next(r for r in result.reports if r.file == "big.csv").error
    assert "big.csv: 11 data rows, more than the limit of 10" in error
    assert "max_rows_per_file" in error
    assert len(table(db, "SELECT * FROM roster")) == 10     # the other file still loads
