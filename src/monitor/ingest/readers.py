"""Read an export into a table of strings, whatever its encoding, delimiter or container.

CSV in UTF-8, UTF-8 with BOM or Windows-1252, comma, caret, tab or semicolon delimited, and
Excel .xlsx. Every cell stays a string (ids like "000123" keep their zeros); headers lose stray
spaces and are mapped through config.toml's [columns] section.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# What a peek reads of a CSV: its header and first rows, enough to tell what kind of export it is.
# (At least PEEK_LINES lines: a Qualtrics export's question text and import ids among them.)
PEEK_BYTES = 1 << 20
PEEK_LINES = 8


class UnreadableFile(ValueError):
    """The file cannot be read at all (wrong format, missing columns...)."""


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame          # all cells str or NA, columns = cleaned headers
    header_rows: int = 1         # rows above the first data row (row numbers in messages)
    question_text: dict[str, str] | None = None  # Qualtrics: column -> question text row
    encoding: str = "utf-8"
    whole: bool = True           # False: a peek, the file's first rows only (read_table)

    def file_row(self, index: int) -> int:
        """1-based line of a data row in the file, counting header rows."""
        return index + self.header_rows + 1


def _encoding(data: bytes) -> tuple[str, int]:
    """(encoding, bytes to skip) of a CSV's bytes: UTF-8 (after a byte order mark, if any),
    else Windows-1252 (what a spreadsheet saves); the decoded text is not kept."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            codecs.decode(memoryview(data)[3:], "utf-8")
            return "utf-8", 3
        except UnicodeDecodeError:
            return "cp1252", 3
    try:
        codecs.decode(data, "utf-8")
        return "utf-8", 0
    except UnicodeDecodeError:
        return "cp1252", 0


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "^", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def clean_header(name: object) -> str:
    return " ".join(str(name).replace("\ufeff", "").split())


def _finish(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    lookup = {clean_header(k).lower(): clean_header(v) for k, v in mapping.items()}
    columns = []
    for column in frame.columns:
        name = clean_header(column)
        columns.append(lookup.get(name.lower(), name))
    frame.columns = columns
    frame = frame.loc[:, ~frame.columns.duplicated()]
    # Whole-row blanks (trailing separators at the end of an export) are not data rows.
    # (A column at a time: a second copy of a large file's every cell is not needed.)
    blank = np.ones(len(frame), dtype=bool)
    for _, column in frame.items():
        blank &= column.str.strip().fillna("").eq("").to_numpy(bool)
        if not blank.any():
            return frame
    return frame[~blank]


def read_table(path: Path | str, mapping: dict[str, str] | None = None, *,
               peek: bool = False) -> RawTable:
    """The file's table of strings. `peek`: of a CSV, its header and first rows only (about
    PEEK_BYTES of it: enough to tell what kind of export it is); a workbook is read whole."""
    path = Path(path)
    mapping = mapping or {}
    try:
        if peek:
            with path.open("rb") as handle:
                data = handle.read(PEEK_BYTES + 1)
            if len(data) > PEEK_BYTES and data.count(b"\n", 0, PEEK_BYTES) >= PEEK_LINES:
                data = data[:data.rindex(b"\n", 0, PEEK_BYTES) + 1]
            else:
                peek = False            # the whole file (or lines longer than a peek holds)
        if not peek:
            data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    if not data.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    if path.suffix.lower() in {".xlsx", ".xlsm"} or data[:4] == b"PK\x03\x04":
        return _read_excel(path, data if not peek else path.read_bytes(), mapping)
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"{path.name}: not a text CSV or .xlsx file (binary content)")
    encoding, skip = _encoding(data)
    body = memoryview(data)[skip:]
    first_line = codecs.decode(body[:64 * 1024], encoding, errors="replace").split("\n", 1)[0]
    if not first_line.strip() and not codecs.decode(body, encoding, errors="replace").strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    try:
        # Parsed from the bytes themselves (no decoded copy of a large file beside them).
        frame = pd.read_csv(
            io.BytesIO(body), sep=_delimiter(first_line), dtype="string[pyarrow]",
            keep_default_na=False, na_values=[], quoting=csv.QUOTE_MINIMAL,
            skipinitialspace=False, encoding=encoding, encoding_errors="replace",
        )
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFile(f"{path.name}: no header row") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        if peek:                        # cut inside a quoted cell: read it whole
            return read_table(path, mapping)
        raise UnreadableFile(f"{path.name}: not a readable CSV ({exc})") from exc
    del data, body
    header_rows, question_text = 1, None
    if len(frame) >= 2 and str(frame.iloc[1, 0]).startswith('{"ImportId"'):
        # Qualtrics: row 2 of the file is the question text, row 3 the import ids.
        question_text = {clean_header(c): str(frame.iloc[0][c]) for c in frame.columns}
        frame = frame.iloc[2:].reset_index(drop=True)
        header_rows = 3
    frame = _finish(frame, mapping)
    if question_text is not None:
        question_text = {
            new: question_text.get(clean_header(old), "")
            for old, new in zip(question_text, frame.columns, strict=False)
        }
    return RawTable(path, frame, header_rows, question_text,
                    "utf-8-sig" if skip and encoding == "utf-8" else encoding, whole=not peek)


def _read_excel(path: Path, data: bytes, mapping: dict[str, str]) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    frame = frame.astype("string[pyarrow]")
    return RawTable(path, _finish(frame, mapping), 1, None, "xlsx")
