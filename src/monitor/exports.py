"""Making tables safe to download: spreadsheet formulas neutralised (CSV injection)."""

from __future__ import annotations

import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that starts like a formula but is only a sign, digits and a percent ("-" for no data,
# "-3", "+5%"): a spreadsheet reads it as a number or as text, never runs it.
PLAIN = r"[-+]?[\d,.]*%?"


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote (OWASP advice).

    Numbers stay numbers: -5 as a number is not text and is left alone. The frame itself when
    nothing needs it (every chart's table passes here on every page run: a plain loop over a
    column's distinct values is several times faster than pandas' string methods).
    """
    out = frame
    for position, _column in enumerate(frame.columns):
        series = frame.iloc[:, position]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        # Each distinct text checked once (a school's name, a status, a level repeat down a
        # column); the rows holding one that needs it found after, which is rare.
        found = [v for v in series.unique() if _risky(v)]
        if found:
            values = series.to_numpy(dtype=object)
            risky = series.isin(found).to_numpy(dtype=bool)
            if out is frame:
                out = frame.copy()
            changed = values.copy()
            changed[risky] = ["'" + v for v in changed[risky]]
            out.isetitem(position, pd.array(changed, dtype=series.dtype))    # by position
    if any(_risky(c) for c in frame.columns):
        out = out.copy() if out is frame else out
        out.columns = [_neutral(c) for c in frame.columns]
    if ((frame.index.dtype == object or pd.api.types.is_string_dtype(frame.index))
            and any(_risky(v) for v in frame.index)):
        out = out.copy() if out is frame else out
        out.index = frame.index.map(_neutral)
    return out


_PLAIN = re.compile(PLAIN)


def _risky(value: object) -> bool:
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and _PLAIN.fullmatch(value) is None)


def _neutral(value: object) -> object:
    return "'" + value if _risky(value) else value


def write_csv(frame: pd.DataFrame, path=None) -> str | None:
    """The table as CSV for a spreadsheet: formulas neutralised, and rows ended with CRLF (RFC
    4180), so that a cell holding a bare carriage return is quoted rather than read as the end
    of its row (with LF endings Python's csv quotes only cells holding a line feed)."""
    return neutralise_formulas(frame).to_csv(path, index=False, lineterminator="\r\n",
                                             encoding="utf-8")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return write_csv(frame).encode("utf-8")
