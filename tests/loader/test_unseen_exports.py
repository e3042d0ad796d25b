"""Exports we have not seen: every accepted spelling of every flag and code loads to the same
measures as the canonical sample; a value not recognised is reported by column and value; a
load whose rows count in no measure is a health warning, never a silently empty measure."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.db import Database
from monitor.ingest import codes, health
from monitor.ingest.load import EXIT_HEALTH, EXIT_OK, EXIT_REJECTED, load_files
from monitor.measures import selection
from monitor.views import reads

EXAMPLES = hypothesis_settings(max_examples=12, deadline=None, derandomize=True,
                               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                      HealthCheck.too_slow])


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def measures(db_path: Path, settings, measure: str, year: str) -> pd.DataFrame:
    """Every protected cell of a measure, per subject, in a stable order."""
    db = Database(db_path)
    frames = []
    for subject in ("ELA", "Math", None):
        filters = selection.Filters(school_year=year, subject=subject, observed_subject=subject)
        cells = reads.measure_cells(db, settings, measure, filters)
        frames.append(cells.assign(subject=subject or "all"))
    frame = pd.concat(frames, ignore_index=True)
    keys = ["subject", "school_year", "window_id", "scope", "detail", "group_id", "all_details"]
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


def respell(column: pd.Series, code: codes.Code, draw) -> pd.Series:
    """Each distinct value of a column written another way the code accepts (same meaning)."""
    meanings = {v: code.meaning(v) for v in column.unique()}
    by_meaning: dict[object, list[str]] = {}
    for spelling, meaning in code.spellings.items():
        by_meaning.setdefault(meaning, []).append(spelling)
    out = column.copy()
    for value, meaning in meanings.items():
        if value.strip() == "":
            continue
        options = by_meaning.get(meaning, [value])
        chosen = draw(st.sampled_from(options))
        out[column == value] = draw(st.sampled_from([chosen, chosen.upper(), chosen.title(),
                                                      f" {chosen} "]))
    return out


# -- i-Ready: the older layout (OpenEduAnalytics), flags written every way -------------------

OEA = "iready_oea/diagnostic_results_ela_ela.csv"
OEA_YEAR = "2021-22"


@pytest.fixture(scope="module")
def oea_canonical(shared_data, settings, tmp_path_factory):
    db = tmp_path_factory.mktemp("oea") / "canonical.duckdb"
    result = load_files([shared_data / OEA], settings, db_path=db)
    assert result.reports[0].error is None
    return db, measures(db, settings, "iready_growth", OEA_YEAR), result.reports[0]


@pytest.mark.slow
@EXAMPLES
@given(data=st.data())
def test_iready_flags_in_any_accepted_spelling_give_the_same_measures(
        data, oea_canonical, shared_data, settings, tmp_path_factory):
    canonical_db, expected, canonical_report = oea_canonical
    frame = read(shared_data / OEA)
    frame["Rush Flag"] = respell(frame["Rush Flag"], codes.RUSH_FLAG, data.draw)
    # The blank flags (not rushed) written out as the vendor's other "no" spellings.
    blank = frame["Rush Flag"].str.strip() == ""
    frame.loc[blank, "Rush Flag"] = data.draw(st.sampled_from(
        ["", "N", "No", "FALSE", "0", "None", "Not Rushed"]))
    baseline = "Diagnostic used to establish Growth Measures (Y/N)"
    frame[baseline] = respell(frame[baseline], codes.YES_NO, data.draw)
    frame["Student Grade"] = respell(frame["Student Grade"], codes.GRADE, data.draw)
    folder = tmp_path_factory.mktemp("variant")
    path = write(frame, folder / "diagnostic_results_ela.csv")
    result = load_files([path], settings, db_path=folder / "m.duckdb")
    report = result.reports[0]
    assert (report.loaded, report.rejected) == (canonical_report.loaded,
                                                canonical_report.rejected), report.line()
    assert report.unrecognised == []
    pd.testing.assert_frame_equal(measures(folder / "m.duckdb", settings, "iready_growth",
                                           OEA_YEAR), expected)


def test_a_yes_no_rush_flag_keeps_the_measure(oea_canonical, shared_data, settings, tmp_path):
    """The district file that emptied the measure: flags written Y/N instead of blank."""
    _, expected, _ = oea_canonical
    frame = read(shared_data / OEA)
    frame["Rush Flag"] = frame["Rush Flag"].map(lambda v: "Y" if v.strip() else "N")
    result = load_files([write(frame, tmp_path / "ela.csv")], settings,
                        db_path=tmp_path / "m.duckdb")
    assert result.warnings == [], result.warnings
    got = measures(tmp_path / "m.duckdb", settings, "iready_growth", OEA_YEAR)
    assert got["n"].sum() > 0
    pd.testing.assert_frame_equal(got, expected)


def test_unrecognised_flags_are_reported_by_column_and_value_and_warned(
        shared_data, settings, tmp_path):
    frame = read(shared_data / OEA)
    frame["Rush Flag"] = "maybe"
    result = load_files([write(frame, tmp_path / "ela.csv")], settings,
                        db_path=tmp_path / "m.duckdb")
    report = result.reports[0]
    assert result.exit_code == EXIT_REJECTED
    assert f"Rush Flag: {len(frame):,} rows with 'maybe' not recognised" in report.unrecognised
    assert "Rush Flag: " in report.line() and "'maybe' not recognised" in report.line()
    rejects = pd.read_csv(result.rejects_path)
    assert (rejects["column"] == "Rush Flag").sum() == len(frame)
    assert rejects["reason"].str.startswith("not a recognised rush flag (accepted: ").all()
    assert any("none of its" in w and "ela.csv" in w for w in result.warnings), result.warnings
    assert result.strict_exit_code() == EXIT_HEALTH
    stored = duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True).execute(
        "SELECT unrecognised FROM loads").fetchall()[0][0]
    assert "'maybe' not recognised" in stored


def test_rows_that_load_but_count_nowhere_are_a_health_warning(shared_data, settings,
                                                               tmp_path):
    """Every test flagged rushed: the file loads with no rejected row, and counts nowhere."""
    frame = read(shared_data / OEA)
    frame["Rush Flag"] = "Y"
    db = tmp_path / "m.duckdb"
    result = load_files([write(frame, tmp_path / "ela.csv")], settings, db_path=db)
    assert result.reports[0].rejected == canonical_rejections(shared_data, settings, tmp_path)
    assert result.reports[0].loaded > 900
    assert any("ela.csv [iready]" in w and "none counts in a measure" in w and "rushed" in w
               for w in result.warnings), result.warnings
    assert any(w.startswith(f"i-Ready {OEA_YEAR}:") for w in result.warnings)
    table, found = health.check(Database(db).connection(), settings)
    row = table[(table["source"] == "iready") & (table["school_year"] == OEA_YEAR)].iloc[0]
    assert row["counted"] == 0 and row["rushed"] == row["rows"] > 900
    assert any("none counts in a measure" in w for w in found)


def canonical_rejections(shared_data, settings, tmp_path) -> int:
    result = load_files([shared_data / OEA], settings, db_path=tmp_path / "canonical.duckdb")
    return result.reports[0].rejected


def test_a_sharp_drop_in_the_counting_share_is_a_warning(shared_data, settings, tmp_path):
    frame = read(shared_data / OEA)
    db = tmp_path / "m.duckdb"
    first = frame[frame["Completion Date"].str.startswith("08")]
    result = load_files([write(first, tmp_path / "a" / "fall.csv")], settings, db_path=db)
    assert result.warnings == []
    later = frame[~frame["Completion Date"].str.startswith("08")].assign(**{"Rush Flag": "Red"})
    result = load_files([write(later, tmp_path / "b" / "winter.csv")], settings, db_path=db)
    assert any("down from" in w and w.startswith(f"i-Ready {OEA_YEAR}") for w in result.warnings) \
        or any("none counts" in w for w in result.warnings), result.warnings


# -- i-Ready: the current layout (Ed-Analytics), renamed headers mapped in config.toml ---------

RENAMED = {"Student ID": "Student Number", "Baseline Diagnostic (Y/N)": "Baseline Assessment (Y/N)",
           "Completion Date": "Date Completed", "Norming Window": "Assessment Window",
           "Overall Scale Score": "Scale Score", "Rush Flag": "Rushed (Yes/No)",
           "Percent Progress to Annual Typical Growth (%)": "Progress to Typical Growth (%)"}


def test_a_renamed_vendor_export_loads_through_the_column_mapping(shared_data, settings,
                                                                  tmp_path):
    """i-Ready Inform (2026-27) renames columns: the district maps them in config.toml."""
    files = sorted((shared_data / "iready_edanalytics").glob("*.csv"))
    load_files(files, settings, db_path=tmp_path / "canonical.duckdb")
    renamed = []
    for path in files:
        frame = read(path).rename(columns=RENAMED)
        frame["Rushed (Yes/No)"] = "No"
        renamed.append(write(frame, tmp_path / "inform" / path.name, "utf-8-sig"))
    unmapped = load_files(renamed, settings, db_path=tmp_path / "unmapped.duckdb")
    # Unmapped, it is refused whole, with the headers it has and the way out.
    assert all(r.error and "cannot tell what kind of export" in r.error
               for r in unmapped.reports), [r.error for r in unmapped.reports]
    mapped = settings.model_copy(update={"columns": {new: old for old, new in RENAMED.items()}})
    result = load_files(renamed, mapped, db_path=tmp_path / "mapped.duckdb")
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    for year in ("2025-26",):
        pd.testing.assert_frame_equal(
            measures(tmp_path / "mapped.duckdb", settings, "iready_growth", year),
            measures(tmp_path / "canonical.duckdb", settings, "iready_growth", year))


# -- district benchmarks, walkthroughs and rosters from the demo district ---------------------

@pytest.fixture(scope="module")
def demo_canonical(demo_files, settings, tmp_path_factory):
    """The demo's roster, benchmarks and walkthroughs of this year, loaded as written."""
    by_name = {p.name: p for p in demo_files}
    chosen = [by_name[n] for n in ("roster_2026-27.csv", "district_benchmarks_2026-27.csv",
                                   "walkthroughs_2026-27.csv")]
    db = tmp_path_factory.mktemp("demo_canonical") / "m.duckdb"
    assert load_files(chosen, settings, db_path=db).exit_code == EXIT_OK
    return chosen, {m: measures(db, settings, m, "2026-27") for m in ("benchmark", "walkthrough")}


@pytest.mark.slow
@EXAMPLES
@given(data=st.data())
def test_levels_ratings_flags_grades_and_windows_in_any_spelling(data, demo_canonical, settings,
                                                                 tmp_path_factory):
    (roster, bench, walks), expected = demo_canonical
    folder = tmp_path_factory.mktemp("spelled")
    frame = read(roster)
    for column in ("English Learner", "Students with Disabilities",
                   "Socioeconomically Disadvantaged", "Foster Youth", "Homeless"):
        frame[column] = respell(frame[column], codes.YES_NO, data.draw)
    frame["Grade"] = respell(frame["Grade"], codes.GRADE, data.draw)
    files = [write(frame, folder / roster.name)]
    frame = read(bench)
    frame["Performance Level"] = respell(frame["Performance Level"], codes.PERFORMANCE_LEVEL,
                                         data.draw)
    if data.draw(st.booleans()):
        # A window column instead of relying on dates, in any accepted spelling.
        window = codes.window_code(settings.calendars["benchmark"])
        placed = frame["Test Date"].map(lambda d: {"10": "1", "01": "2", "04": "3", "05": "3"}
                                        [d.split("/")[0].zfill(2)] if "/" in d
                                        else {"10": "1", "01": "2"}[d[5:7]])
        frame["Window"] = respell(placed, window, data.draw)
    files.append(write(frame, folder / bench.name))
    frame = read(walks)
    for column in frame.columns:
        if column.startswith(("Core Action 2", "Core Action 3")):
            frame[column] = respell(frame[column], codes.RATING, data.draw)
        elif column.startswith(("Core Action 1", "HQIM", "Grade-appropriate", "Strong",
                                "Deep", "High")):
            frame[column] = respell(frame[column], codes.YES_NO_OBSERVED, data.draw)
    files.append(write(frame, folder / walks.name))
    db = folder / "m.duckdb"
    result = load_files(files, settings, db_path=db)
    assert result.exit_code == EXIT_OK, [r.line() for r in result.reports]
    for measure, frame in expected.items():
        pd.testing.assert_frame_equal(measures(db, settings, measure, "2026-27"), frame)


# -- a duplicate is the same response, nothing else ---------------------------------------------

WALK_HEADER = ["School", "Observation Date", "Grade", "Subject", "Teacher", "Email Address",
               "Core Action 1A", "Core Action 2"]


def walk_file(path: Path, rows: list[list[str]], header=WALK_HEADER) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_two_observations_of_one_class_on_one_day_are_two(settings, tmp_path):
    same = ["Oak", "2026-09-10", "3", "Science", "T. Lee", "coach@d.org"]
    rows = [same + ["Yes", "Mostly"], same + ["No", "Not Yet"],   # seen twice, rated apart
            same + ["Yes", "Mostly"]]                              # the first, exported twice
    db = tmp_path / "m.duckdb"
    report = load_files([walk_file(tmp_path / "walks.csv", rows)], settings,
                        db_path=db).reports[0]
    assert (report.loaded, report.duplicates) == (2, 1)
    again = load_files([walk_file(tmp_path / "again" / "walks.csv", rows)], settings,
                       db_path=db).reports[0]
    assert (again.loaded, again.duplicates) == (0, 3)


def test_a_form_response_id_or_submission_time_is_the_identity(settings, tmp_path):
    """Microsoft Forms: ID, Start time, Completion time. Two observers norming in one room
    submit identical ratings: two responses, two observations."""
    header = ["ID", "Start time", "Completion time", *WALK_HEADER]
    same = ["Oak", "2026-09-10", "3", "ELA", "T. Lee", "anonymous", "Yes", "Mostly"]
    rows = [["1", "9/10/26 9:00:00", "9/10/26 9:12:00", *same],
            ["2", "9/10/26 9:00:00", "9/10/26 9:12:00", *same]]
    db = tmp_path / "m.duckdb"
    report = load_files([walk_file(tmp_path / "ms.csv", rows, header)], settings,
                        db_path=db).reports[0]
    assert (report.loaded, report.duplicates) == (2, 0)
    # The next month's export (another file) repeats both responses and adds a third.
    later = [*rows, ["3", "10/1/26 9:00:00", "10/1/26 9:10:00", *same[:1], "2026-09-30",
                     *same[2:]]]
    report = load_files([walk_file(tmp_path / "ms_october.csv", later, header)], settings,
                        db_path=db).reports[0]
    assert (report.loaded, report.duplicates) == (1, 2)


# -- learning walks pool every subject -----------------------------------------------------------

def test_learning_walks_pool_every_subject_observed(settings, tmp_path):
    subjects = ["ELA", "Math", "Science", "History-Social Science", "english language arts"]
    # (Core Action 2 varies: were every teacher rated the same, its cell would be hidden, and
    # with it one more indicator of every subject's pooled cell.)
    rows = [["Oak", f"2026-09-{10 + i % 5:02d}", "3", subjects[i % 5], f"T{i}", "c@d.org",
             "Yes" if i % 3 else "No", "Mostly" if i % 4 else "Somewhat"] for i in range(40)]
    db = tmp_path / "m.duckdb"
    load_files([walk_file(tmp_path / "walks.csv", rows)], settings, db_path=db)
    found = reads.reported_subjects(Database(db), "walkthrough")
    assert found[0] is None
    assert set(found[1:]) == {"ELA", "Math", "Science", "History-Social Science"}
    cells = measures(db, settings, "walkthrough", "2026-27")
    pooled = cells[(cells["subject"] == "all") & (cells["scope"] == "__district__")
                   & (cells["detail"] == "ca1a") & (cells["group_id"] == "all")]
    assert pooled["n"].tolist() == [40]
