"""Hostile and malformed input through every adapter (hypothesis): random bytes, truncated
files, giant fields, formula cells, HTML and script tags. Never a crash, never a partial load,
always a clear message, and every row read is loaded, skipped as a duplicate or rejected."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.ingest.load import load_files

# One real-shaped export per adapter, from the demo district.
SAMPLES = {
    "roster": "roster_2026-27.csv", "esgi": "esgi_2026-27.csv",
    "iready": "iready_diagnostic_results_ela_2026-27.csv",
    "benchmark": "district_benchmarks_2026-27.csv", "performance_task": "performance_tasks_2026-27.csv",
    "state_test": "state_test_scores_2025-26.csv",
    "qualtrics": "student_survey_fall_2026-27_qualtrics.csv",
    "google_forms": "teacher_survey_fall_2026-27_google_forms.csv",
    "survey_long": "leader_survey_long.csv", "walkthrough": "walkthroughs_2026-27.csv",
    "caaspp_research": "sb_ca2026_all_99_csv_demo.txt", "caaspp_entities": "sb_ca2026entities_demo.txt",
}
HOSTILE = [
    "=HYPERLINK(\"http://evil.test\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE roster; --", "x" * 100_000, "", " ", "NULL", "N/A",
    "９９", "ñandú", "\u202eevil", "1e309", "-0", "2026-02-30", "13/45/2026", "\"", "a,b", "0" * 40,
]
TABLES = ["roster", "assessment_results", "iready_results", "walkthroughs", "survey_responses",
          "caaspp_results", "caaspp_entities", "schools", "loads"]


@pytest.fixture(scope="module")
def base_db(demo_files, settings, tmp_path_factory) -> Path:
    """A database holding this year's roster, so result files find their students."""
    path = tmp_path_factory.mktemp("fuzz") / "base.duckdb"
    roster = next(p for p in demo_files if p.name == SAMPLES["roster"])
    assert load_files([roster], settings, db_path=path).exit_code == 0
    return path


class Samples(dict):
    """The sample files' bytes, kept out of hypothesis' reports (they are long)."""

    def __repr__(self) -> str:
        return f"<{len(self)} demo exports>"


@pytest.fixture(scope="module")
def samples(demo_files) -> Samples:
    by_name = {p.name: p for p in demo_files}
    return Samples({kind: by_name[name].read_bytes() for kind, name in SAMPLES.items()})


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]  # noqa: S608
                for t in TABLES}
    finally:
        con.close()


def mutate(sample: bytes, lines: int, edits: list[tuple[int, int, str]], cut: int | None,
           junk: bytes) -> bytes:
    """The sample's first lines, with cells replaced, optionally cut short, junk appended."""
    text = sample.decode("utf-8-sig", errors="replace")
    delimiter = "^" if text.count("^") > text.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[:lines]
    for row_index, column_index, value in edits:
        if rows:
            row = rows[row_index % len(rows)]
            if row:
                row[column_index % len(row)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    return data + junk


def check_load(path: Path, base: Path, settings, source: str | None = None) -> None:
    db = path.with_name("m.duckdb")
    shutil.copy2(base, db)
    before = counts(db)
    result = load_files([path], settings, db_path=db, source=source)   # never raises
    assert result.exit_code in (0, 1, 2)
    report = result.reports[0]
    line = report.line()
    assert path.name in line
    if report.error:
        assert len(report.error) < 2000, "a message, not a dump"
        assert counts(db) == before, "a refused file changed the database"
    else:
        assert report.rows_read == report.loaded + report.rejected + report.duplicates
        if report.rejected:
            rejects = (db.parent / "rejected_rows.csv").read_text(encoding="utf-8")
            header = rejects.splitlines()[0].lower()
            assert all(word in header for word in ("file", "row", "column", "reason"))
            for cell in csv.reader(io.StringIO(rejects)):
                assert not any(c.startswith(("=", "+", "@")) for c in cell)


# 20 examples per adapter in the test command; MONITOR_FUZZ_EXAMPLES=200 for a longer run.
FUZZ = hypothesis_settings(
    max_examples=int(os.environ.get("MONITOR_FUZZ_EXAMPLES", "20")), deadline=None,
    derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


@pytest.mark.parametrize("kind", list(SAMPLES))
@FUZZ
@given(lines=st.integers(0, 25),
       edits=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 60),
                                st.sampled_from(HOSTILE) | st.text(max_size=40)), max_size=8),
       cut=st.none() | st.integers(0, 50_000), junk=st.sampled_from([b"", b"\x00\xff\xfe", b"\n\n,,,\n"]))
def test_mutated_exports_never_crash_or_half_load(kind, samples, base_db, settings, tmp_path,
                                                   lines, edits, cut, junk):
    path = tmp_path / SAMPLES[kind]
    path.write_bytes(mutate(samples[kind], lines, edits, cut, junk))
    check_load(path, base_db, settings)


@FUZZ
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"]),
       data=st.binary(max_size=4000), name=st.sampled_from([*SAMPLES.values(), "export.xlsx"]),
       source=st.none() | st.sampled_from(["roster", "esgi", "iready", "benchmark",
                                           "walkthrough", "survey"]))
def test_random_bytes_are_refused_with_a_message(prefix, data, name, source, base_db, settings,
                                                 tmp_path):
    path = tmp_path / name
    path.write_bytes(prefix + data)
    check_load(path, base_db, settings, source)
