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

    Numbers stay numbers: -5 as a number is not text and is left alone.
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            try:        # vectorised; cells that are not text give NA here and are left alone
                starts = series.str.startswith(FORMULA_START).fillna(False).astype(bool)
                plain = series.str.fullmatch(PLAIN).fillna(False).astype(bool)
                risky = starts & ~plain
            except AttributeError:          # an object column without any text
                continue
            if risky.any():
                values = series.to_numpy(dtype=object, copy=True)
                mask = risky.to_numpy()
                values[mask] = ["'" + v for v in values[mask]]
                out[column] = pd.array(values, dtype=series.dtype)      # by position
    out.columns = [_neutral(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(_neutral)
    return out


def _neutral(value: object) -> object:
    return ("'" + value if isinstance(value, str) and value.startswith(FORMULA_START)
            and not re.fullmatch(PLAIN, value) else value)


def write_csv(frame: pd.DataFrame, path=None) -> str | None:
    """The table as CSV for a spreadsheet: formulas neutralised, and rows ended with CRLF (RFC
    4180), so that a cell holding a bare carriage return is quoted rather than read as the end
    of its row (with LF endings Python's csv quotes only cells holding a line feed)."""
    return neutralise_formulas(frame).to_csv(path, index=False, lineterminator="\r\n",
                                             encoding="utf-8")


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return write_csv(frame).encode("utf-8")
