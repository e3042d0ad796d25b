"""A CSV is first peeked at (its header and first rows tell what kind of export it is), then
read whole in its turn, one file at a time. Whatever the size of the peek, a file is taken for
the kind its whole self is, its first rows are the whole file's first rows, and a load gives the
database reading every file whole at once gave."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from monitor.ingest import load, readers
from monitor.ingest.load import load_files
from monitor.ingest.readers import UnreadableFile, read_table
from monitor.ingest.sources import detect_source

# Bytes a peek reads: inside a header, a few rows, many rows.
PEEKS = [40, 300, 2_000, 20_000]
# Columns that differ between two loads of the same files (when, and the run's id).
RUN_COLUMNS = {"loaded_at", "taken_at", "load_id", "recorded_at"}


def kind(table, settings) -> str | None:
    try:
        return detect_source(table, settings.surveys.wording)
    except UnreadableFile:
        return None


def vendor_files(shared_data) -> list:
    return sorted(p for p in shared_data.rglob("*")
                  if p.suffix in {".csv", ".txt"} and not p.name.startswith("LICENSE"))


@pytest.mark.parametrize("size", PEEKS)
def test_a_peek_tells_the_kind_the_whole_file_does(size, shared_data, demo_files, settings,
                                                   monkeypatch):
    monkeypatch.setattr(readers, "PEEK_BYTES", size)
    peeked = 0
    for path in [*vendor_files(shared_data), *demo_files]:
        whole = read_table(path, settings.columns)
        peek = read_table(path, settings.columns, peek=True)
        if peek.whole:                 # smaller than the peek, or lines longer than it holds
            pd.testing.assert_frame_equal(peek.frame, whole.frame)
            continue
        peeked += 1
        assert list(peek.frame.columns) == list(whole.frame.columns), path.name
        # (Its encoding is its own bytes': a Windows-1252 file may begin in plain ASCII.)
        assert (peek.header_rows, peek.question_text) == (
            whole.header_rows, whole.question_text), path.name
        assert 0 < len(peek.frame) < len(whole.frame), path.name
        pd.testing.assert_frame_equal(peek.frame, whole.frame.head(len(peek.frame)))
        # Told by its headers as the whole file is; where only its answers tell (a form of
        # items not ours), the loader reads it whole to tell.
        found = detect_source(peek, settings.surveys.wording, headers_only=True)
        assert found == detect_source(whole, settings.surveys.wording, headers_only=True)
        assert found in (kind(whole, settings), None), path.name
    assert peeked or size < 2_000     # headers of a few hundred bytes: no file peeked


def test_a_quoted_cell_across_the_peeks_edge_is_read_whole(tmp_path, monkeypatch, settings):
    """A peek ending inside a quoted cell that holds line breaks: the file is read whole."""
    path = tmp_path / "notes.csv"
    note = '"' + "\n".join(f"line {i}" for i in range(40)) + '"'
    rows = [f"{i},{note}" for i in range(20)]
    path.write_text("id,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(readers, "PEEK_BYTES", 500)
    peek = read_table(path, settings.columns, peek=True)
    assert peek.whole and len(peek.frame) == 20
    assert peek.frame["note"].str.count("\n").eq(39).all()


@pytest.mark.slow
def test_a_load_with_peeks_is_the_load_without(demo_files, settings, tmp_path, monkeypatch):
    """Every file peeked at with a few hundred bytes, then read in turn: the same database,
    table for table and row for row, and the same report, as every file read whole first.
    (One school year's files of every kind, a workbook among them.)"""
    files = [p for p in demo_files if "2026-27" in p.name or p.suffix == ".xlsx"]
    assert {p.suffix for p in files} >= {".csv", ".xlsx"} and len(files) >= 8
    monkeypatch.setattr(load, "read_table", lambda path, columns, peek=False: read_table(
        path, columns))
    whole = load_files(files, settings, db_path=tmp_path / "whole.duckdb")
    monkeypatch.setattr(readers, "PEEK_BYTES", 3_000)
    peeks = []

    def spied(*args, **kwargs):
        table = read_table(*args, **kwargs)
        peeks.append(not table.whole)
        return table

    monkeypatch.setattr(load, "read_table", spied)
    peeked = load_files(files, settings, db_path=tmp_path / "peeked.duckdb")
    assert sum(peeks) >= len(files) // 2       # most files were peeked at, then read
    assert [r.line() for r in peeked.reports] == [r.line() for r in whole.reports]
    assert peeked.exit_code == whole.exit_code == 0
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [str(tmp_path / "whole.duckdb")])
    con.execute("ATTACH ? AS b (READ_ONLY)", [str(tmp_path / "peeked.duckdb")])
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'a'").fetchall()]
    assert {"roster", "assessment_results", "measure_lattice"} <= set(tables)
    for table in tables:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND "
            "table_name = ? ORDER BY column_index", [table]).fetchall()
            if r[0] not in RUN_COLUMNS]
        chosen = ", ".join(f'"{c}"' for c in columns)
        for x, y in (("a", "b"), ("b", "a")):
            # Identifiers from the database's own catalogue, not from input.
            differ = con.execute(
                f"SELECT count(*) FROM (SELECT {chosen} FROM {x}.{table} "  # noqa: S608
                f"EXCEPT ALL SELECT {chosen} FROM {y}.{table})").fetchone()[0]
            assert differ == 0, (table, x, y)
