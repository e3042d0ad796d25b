"""Hostile and malformed input through every adapter (hypothesis): random bytes, truncated
files, giant fields, formula cells, HTML and script tags. Never a crash, never a partial load,
always a clear message, and every row read is loaded, skipped as a duplicate or rejected."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from monitor.ingest.load import load_files

# Slow lane: hypothesis fuzz over every adapter.
pytestmark = pytest.mark.slow

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


# The table each kind of file writes its rows to.
TABLE_OF = {"roster": "roster", "esgi": "assessment_results", "benchmark": "assessment_results",
            "performance_task": "assessment_results", "state_test": "assessment_results",
            "iready": "iready_results", "walkthrough": "walkthroughs",
            "survey": "survey_responses", "caaspp_research": "caaspp_results",
            "caaspp_entities": "caaspp_entities", "caaspp_groups": "caaspp_groups"}


def check_load(name: str, content: bytes, base: Path, settings, source: str | None = None) -> None:
    """Load one file into a fresh copy of the base database, in a folder of its own (nothing
    left by an earlier example can be read), and check the report against what changed."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=base.parent))
    path = folder / name
    path.write_bytes(content)
    db = folder / "m.duckdb"
    shutil.copy2(base, db)
    before = counts(db)
    result = load_files([path], settings, db_path=db, source=source)   # never raises
    report = result.reports[0]
    after = counts(db)
    assert path.name in report.line()
    if report.error:
        assert result.exit_code == 2
        assert len(report.error) < 2000, "a message, not a dump"
        assert after == before, "a refused file changed the database"
        assert result.rejects_path is None and not (folder / "rejected_rows.csv").exists()
        return
    assert result.exit_code == (1 if report.rejected else 0)
    assert report.rows_read == report.loaded + report.rejected + report.duplicates
    assert after["loads"] == before["loads"] + 1
    table = TABLE_OF[report.source]
    if table == "roster":
        # A roster row replaces the student's row for the year: new students add rows.
        assert 0 <= after["roster"] - before["roster"] <= report.loaded
    else:
        assert after[table] - before[table] == report.records
        assert (report.records == 0) == (report.loaded == 0)
    untouched = set(TABLES) - {table, "loads", "schools"}
    assert {t: after[t] for t in untouched} == {t: before[t] for t in untouched}
    rejects = folder / "rejected_rows.csv"
    assert rejects.exists() == bool(report.rejected)
    if report.rejected:
        text = rejects.read_text(encoding="utf-8")
        header = text.splitlines()[0].lower()
        assert all(word in header for word in ("file", "row", "column", "reason"))
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len({(r["file"], r["row"]) for r in rows}) == report.rejected
        for row in rows:
            assert not any(c.startswith(("=", "+", "@")) for c in row.values() if c)


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
def test_mutated_exports_never_crash_or_half_load(kind, samples, base_db, settings, lines,
                                                   edits, cut, junk):
    check_load(SAMPLES[kind], mutate(samples[kind], lines, edits, cut, junk), base_db, settings)


@FUZZ
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"]),
       data=st.binary(max_size=4000), name=st.sampled_from([*SAMPLES.values(), "export.xlsx"]),
       source=st.none() | st.sampled_from(["roster", "esgi", "iready", "benchmark",
                                           "walkthrough", "survey"]))
def test_random_bytes_are_refused_with_a_message(prefix, data, name, source, base_db, settings):
    check_load(name, prefix + data, base_db, settings, source)
