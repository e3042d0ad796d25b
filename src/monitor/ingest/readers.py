"""Read an export into a table of strings, whatever its encoding, delimiter or container.

CSV in UTF-8, UTF-8 with BOM or Windows-1252, comma, caret, tab or semicolon delimited, and
Excel .xlsx. Every cell stays a string (ids like "000123" keep their zeros); headers lose stray
spaces and are mapped through config.toml's [columns] section.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


class UnreadableFile(ValueError):
    """The file cannot be read at all (wrong format, missing columns...)."""


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame          # all cells str or NA, columns = cleaned headers
    header_rows: int = 1         # rows above the first data row (row numbers in messages)
    question_text: dict[str, str] | None = None  # Qualtrics: column -> question text row
    encoding: str = "utf-8"

    def file_row(self, index: int) -> int:
        """1-based line of a data row in the file, counting header rows."""
        return index + self.header_rows + 1


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:       # a BOM, then not UTF-8 after all
            return data[3:].decode("cp1252", errors="replace"), "cp1252"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


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
    stripped = frame.apply(lambda col: col.str.strip())
    return frame[~(stripped.isna() | (stripped == "")).all(axis=1)]


def read_table(path: Path | str, mapping: dict[str, str] | None = None) -> RawTable:
    path = Path(path)
    mapping = mapping or {}
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    if not data.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    if path.suffix.lower() in {".xlsx", ".xlsm"} or data[:4] == b"PK\x03\x04":
        return _read_excel(path, data, mapping)
    if b"\x00" in data[:4096]:
        raise UnreadableFile(f"{path.name}: not a text CSV or .xlsx file (binary content)")
    text, encoding = _decode(data)
    if not text.strip():
        raise UnreadableFile(f"{path.name}: the file is empty")
    first_line = text.split("\n", 1)[0]
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=_delimiter(first_line), dtype=str, keep_default_na=False,
            na_values=[], quoting=csv.QUOTE_MINIMAL, skipinitialspace=False,
        )
    except pd.errors.EmptyDataError as exc:
        raise UnreadableFile(f"{path.name}: no header row") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise UnreadableFile(f"{path.name}: not a readable CSV ({exc})") from exc
    frame = frame.astype("string")
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
    return RawTable(path, frame, header_rows, question_text, encoding)


def _read_excel(path: Path, data: bytes, mapping: dict[str, str]) -> RawTable:
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"{path.name}: not a readable .xlsx workbook ({exc})") from exc
    frame = frame.astype("string")
    return RawTable(path, _finish(frame, mapping), 1, None, "xlsx")
