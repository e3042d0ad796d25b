"""What every adapter shares: finding columns by header, and what an adapter returns."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

import pandas as pd

from monitor.config import Calendar, Settings
from monitor.ingest.codes import Code, window_code
from monitor.ingest.common import Rejects, blank, parse_dates, window_assigner
from monitor.ingest.readers import RawTable, UnreadableFile


@dataclass
class Context:
    """What an adapter may know beyond its file: settings and the schools already loaded."""

    settings: Settings
    school_codes: dict[str, str] = field(default_factory=dict)  # lower code or name -> code
    school_year: str | None = None   # for files that carry no date or year (--school-year)

    def school_code(self, value: str) -> str:
        text = " ".join(value.split())
        return self.school_codes.get(text.lower(), text)


@dataclass
class Adapted:
    """An adapter's answer: canonical rows for one table, and the rows it refused."""

    source: str
    table: str
    frame: pd.DataFrame               # canonical columns; index = raw row index
    key: tuple[str, ...]              # natural key: a row already present is a duplicate
    rejects: Rejects
    nearest_window: int = 0
    notes: list[str] = field(default_factory=list)


class Columns:
    """Case- and space-insensitive access to a raw table's columns."""

    def __init__(self, table: RawTable):
        self.table = table
        self.frame = table.frame
        self._by_name = {c.lower(): c for c in table.frame.columns}

    def has(self, *names: str) -> bool:
        return all(n.lower() in self._by_name for n in names)

    def name(self, *candidates: str) -> str | None:
        for candidate in candidates:
            if candidate.lower() in self._by_name:
                return self._by_name[candidate.lower()]
        return None

    def starting(self, prefix: str) -> str | None:
        prefix = prefix.lower()
        return next((c for c in self.frame.columns if c.lower().startswith(prefix)), None)

    def get(self, *candidates: str) -> pd.Series:
        """The first candidate column present, stripped; an all-NA column when none is."""
        name = self.name(*candidates)
        if name is None:
            return pd.Series(pd.NA, index=self.frame.index, dtype="string")
        return self.frame[name].str.strip()

    def require(self, source: str, *names: str | tuple[str, ...]) -> None:
        """Refuse the file when a required column is missing, naming the closest matches."""
        missing = []
        for spec in names:
            options = spec if isinstance(spec, tuple) else (spec,)
            if self.name(*options) is None:
                missing.append(" or ".join(f"'{o}'" for o in options))
        if missing:
            headers = list(self.frame.columns)
            hints = []
            for spec in names:
                options = spec if isinstance(spec, tuple) else (spec,)
                if self.name(*options) is None:
                    close = difflib.get_close_matches(options[0], headers, n=2, cutoff=0.6)
                    if close:
                        hints.append(f"for '{options[0]}' found "
                                     f"{', '.join(repr(clip(c)) for c in close)}")
            hint = f" (closest: {'; '.join(hints)})" if hints else ""
            raise UnreadableFile(
                f"{self.table.path.name}: not a {source} file: missing column(s) "
                f"{', '.join(missing)}{hint}. Map district headers in config.toml [columns]."
            )


# Columns that identify a response in form and survey exports: an id the platform gives it,
# or the time it was submitted (Google Forms' Timestamp; Microsoft Forms' ID, Start time and
# Completion time; Qualtrics' ResponseId).
RESPONSE_ID_COLUMNS = ("ResponseId", "Response ID", "Respondent ID", "Submission ID", "ID")
RESPONSE_TIME_COLUMNS = ("Timestamp", "Start time", "Completion time", "Submitted At",
                         "RecordedDate")


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def _joined(frame: pd.DataFrame) -> pd.Series:
    rows = frame.fillna("").astype(str).itertuples(index=False)
    return pd.Series(["|".join(row) for row in rows], index=frame.index, dtype=object)


def response_identity(cols: Columns, key: pd.Series | None = None) -> pd.Series:
    """Each row's identity: the same response, and nothing else, gets the same one.

    Where the export carries a response id or a submission time, that is the response's key
    (`key` lets an adapter give its own form of it); otherwise the whole row is. Rows of one
    file that share a key but differ in content (two observations of one class on one day
    with no submission time, two submissions in the same second) are told apart by their
    order in the file, so they are never merged; identical rows are one response.
    """
    frame = cols.frame
    if key is None:
        given = [c for c in (*RESPONSE_ID_COLUMNS, *RESPONSE_TIME_COLUMNS) if cols.name(c)]
        key = (_joined(frame[[cols.name(c) for c in given]]) if given else _joined(frame))
    content = _joined(frame)
    # The n-th distinct content under one key, in file order (0 for the first).
    first_seen = pd.DataFrame({"key": key, "content": content}).drop_duplicates()
    first_seen["occurrence"] = first_seen.groupby("key").cumcount()
    occurrence = pd.DataFrame({"key": key, "content": content}).merge(
        first_seen, on=["key", "content"], how="left")["occurrence"].to_numpy()
    return pd.Series([_digest(k) if o == 0 else _digest(f"{k}#{o}")
                      for k, o in zip(key, occurrence, strict=True)], index=frame.index,
                     dtype=object)


def clip(text: str, width: int = 60) -> str:
    """Text from a file, shortened for a message: a giant header never floods a report."""
    return text if len(text) <= width else text[: width - 1] + "…"


def require_values(cols: Columns, rejects: Rejects, columns: dict[str, pd.Series]) -> None:
    """Reject rows whose required cells are blank."""
    for name, series in columns.items():
        rejects.add(blank(series), name, "required value is blank")


def dated_windows(
    rejects: Rejects, ctx: Context, measure: str, date_column: str, dates: pd.Series,
    override: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series, int]:
    """Place each row's date in a school year and window: (school_year, window_id, n_nearest).

    The windows are those of `measure`'s calendar (config.toml's). `override` holds window ids
    from a vendor window column; where given it wins over the date.
    """
    calendar = ctx.settings.calendar_for(measure)
    assign = window_assigner(calendar, ctx.settings.loading.nearest_window_days)
    # Each distinct day placed once (an export has a few hundred days over a million rows).
    placed = {day: assign(day) for day in dates.dropna().unique() if day is not None}

    def per_row(field: str, missing: object) -> pd.Series:
        found = dates.map({day: getattr(a, field) for day, a in placed.items()}) if placed \
            else pd.Series(missing, index=dates.index, dtype=object)
        return found.astype(object).where(found.notna(), missing)

    if override is None:
        override = pd.Series(None, index=dates.index, dtype="object")
    given = override.notna()
    windows = per_row("window_id", None)
    outside = dates.map({day: a.window_id is None for day, a in placed.items()}).eq(True)
    days = ctx.settings.loading.nearest_window_days
    rejects.add(outside & ~given, date_column,
                f"date is more than {days} days from every {calendar.label}")
    nearest = per_row("nearest", False).eq(True) & ~given
    years = per_row("school_year", None)
    return years, override.where(given, windows), int((nearest & ~outside).sum())


def read_code(rejects: Rejects, raw: pd.Series, column: str | None, code: Code, *,
              reject: bool = True) -> pd.Series:
    """A coded column read by value (monitor.ingest.codes). Values the code does not know are
    counted by column and value for the load report, and their rows rejected unless the field
    may safely stay unknown (`reject=False`: the value is then None). `column` None means the
    file has no such column (nothing to report)."""
    reading = code.read(raw)
    if column is not None:
        rejects.add_unrecognised(raw, reading.unrecognised, column, code.name, code.accepted(),
                                 reject=reject)
    return reading.values


def window_ids(rejects: Rejects, raw: pd.Series, column: str, calendar: Calendar, *,
               reject: bool = True) -> pd.Series:
    """Window ids from a window column: ids, labels, or seasons (fall, winter, spring; BOY,
    MOY, EOY), with a note in brackets or a year ignored ("Winter (November 16 - March 1)" is
    winter); None where blank or not recognised (reported, see `read_code`)."""
    return read_code(rejects, raw, column, window_code(calendar), reject=reject)


def parse_required_dates(cols: Columns, rejects: Rejects, column: str) -> pd.Series:
    raw = cols.get(column)
    dates = parse_dates(raw)
    rejects.add(blank(raw), column, "required value is blank")
    rejects.add(~blank(raw) & dates.isna(), column, "not a date (use YYYY-MM-DD or MM/DD/YYYY)")
    return dates
