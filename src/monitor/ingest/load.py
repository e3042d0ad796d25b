"""Load export files into the database: detect, adapt, validate, insert, report.

Every input row is either loaded, skipped as a duplicate of a row already loaded, or written
to the rejected-rows CSV with its file, row, column and reason. Each file loads in its own
transaction; the whole run works on a copy of the database that replaces it only at the end
(see `monitor.db.writable_copy`), so a crash mid-load leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from monitor.config import Settings
from monitor.db import database_path, scalar, sql, writable_copy
from monitor.exports import write_csv
from monitor.ingest import health
from monitor.ingest.base import Adapted, Context, clip
from monitor.ingest.readers import RawTable, UnreadableFile, read_table
from monitor.ingest.sources import SOURCES, detect_source
from monitor.measures import lattice

# Tables an adapter may write; identifiers in the generated anti-join come only from here.
TABLE_COLUMNS = {
    "roster": ("school_year", "student_id", "school_code", "grade", "race_ethnicity",
               "english_learner", "disability", "socioeconomic", "foster", "homeless"),
    "assessment_results": ("source", "school_year", "window_id", "student_id", "school_code",
                           "grade", "subject", "assessment", "test_date", "score",
                           "points_possible", "percent_correct", "level_rank"),
    "iready_results": ("school_year", "window_id", "student_id", "school_code", "grade",
                       "subject", "completion_date", "is_baseline", "scale_score", "placement",
                       "typical_growth", "stretch_growth", "pct_typical", "pct_stretch", "rushed"),
    "walkthroughs": ("observation_id", "school_year", "window_id", "observed_on", "school_code",
                     "grade", "subject", "observer", "teacher", "ca1a", "ca1b", "ca1c", "ca2",
                     "ca3", "hqim", "grade_appropriate", "strong_instruction", "deep_engagement",
                     "high_expectations"),
    "survey_responses": ("school_year", "window_id", "survey", "respondent_id", "student_id",  # column
                         "school_code", "item_id", "construct", "response_value",
                         "scale_points"),
    "coaching_log": ("entry_id", "aspect", "school_year", "window_id", "coached_on",
                     "school_code", "coach", "coachee", "role", "goal", "goal_met", "rating"),
    "caaspp_results": ("school_year", "window_id", "test_year", "county_code", "district_code",
                       "school_code", "student_group_id", "grade", "subject", "students_tested",
                       "pct_met_above"),
    "caaspp_entities": ("test_year", "county_code", "district_code", "school_code", "type_id",
                        "county_name", "district_name", "school_name"),
    "caaspp_groups": ("student_group_id", "group_name", "category"),
}
# The district's own results, placed in its schools (the CAASPP tables describe the state).
DISTRICT_RESULTS = {"assessment_results", "iready_results", "walkthroughs", "survey_responses",
                    "coaching_log"}
# Tables whose rows belong to a school year and window (so a corrected file replaces by them).
WINDOWED = {t for t, columns in TABLE_COLUMNS.items() if {"school_year", "window_id"} <= set(columns)}
DATE_COLUMNS = {"test_date", "completion_date", "observed_on", "coached_on"}
EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE, EXIT_HEALTH = 0, 1, 2, 3
REJECT_COLUMNS = ["file", "row", "column", "reason", "values"]


@dataclass
class FileReport:
    file: str
    source: str = "?"
    rows_read: int = 0
    loaded: int = 0
    rejected: int = 0
    duplicates: int = 0
    nearest_window: int = 0
    not_on_roster: int = 0
    records: int = 0            # database rows written (a wide survey row gives several)
    replaced: int = 0           # rows of an earlier version of this file that were replaced
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)  # "Rush Flag: 3 rows with 'maybe' ..."
    load_id: int | None = None
    # The school years its rows are in (None among them: a row with none), which are those of
    # the rows it replaced too (a corrected file replaces its own years' windows).
    school_years: set[str | None] = field(default_factory=set)

    def line(self) -> str:
        if self.error:
            return f"{self.file}: NOT LOADED: {self.error}"
        extras = list(self.unrecognised)
        if self.nearest_window:
            extras.append(f"{self.nearest_window} placed in the nearest window")
        if self.not_on_roster:
            extras.append(f"{self.not_on_roster} not on roster")
        if self.replaced:
            extras.append(f"replaced {self.replaced} rows of an earlier version of this file")
        extras.extend(self.notes)
        tail = f" ({'; '.join(extras)})" if extras else ""
        return (f"{self.file} [{self.source}]: {self.rows_read} rows read, {self.loaded} loaded, "
                f"{self.rejected} rejected, {self.duplicates} duplicates skipped{tail}")


@dataclass
class LoadResult:
    reports: list[FileReport]
    rejects_path: Path | None
    warnings: list[str] = field(default_factory=list)   # the data health check's

    @property
    def exit_code(self) -> int:
        if any(r.error for r in self.reports):
            return EXIT_UNREADABLE
        return EXIT_REJECTED if any(r.rejected for r in self.reports) else EXIT_OK

    def strict_exit_code(self) -> int:
        """As `exit_code`, but a health warning is a failure too (`load --strict`)."""
        code = self.exit_code
        return EXIT_HEALTH if self.warnings and code != EXIT_UNREADABLE else code


def _context(con: duckdb.DuckDBPyConnection, settings: Settings,
             school_year: str | None = None) -> Context:
    codes: dict[str, str] = {}
    for code, name in con.execute("SELECT school_code, school_name FROM schools").fetchall():
        codes[code.lower()] = code
        codes[" ".join(name.split()).lower()] = code
    return Context(settings, codes, school_year)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _staging(adapted: Adapted) -> pd.DataFrame:
    """The adapter's accepted records in table order, `_row` naming the input row of each."""
    frame = adapted.frame.drop(index=list(adapted.rejects.rows), errors="ignore")
    columns = TABLE_COLUMNS[adapted.table]
    staged = frame.reindex(columns=list(columns))
    for column in DATE_COLUMNS & set(columns):
        staged[column] = pd.to_datetime(staged[column])
    staged["_row"] = frame.index
    return staged.drop_duplicates(subset=list(adapted.key)).reset_index(drop=True)


def _named(template: str, table: str, key: tuple[str, ...] = ()) -> str:
    """The one place the loader builds SQL from names: `template` with {table}, {columns} (the
    table's columns, as staging's `s."c"`) and {match} (the key's columns, `t."k" IS NOT
    DISTINCT FROM s."k"`) filled from TABLE_COLUMNS only, each name quoted. A table or key it
    does not know is refused; values never go in (they are bound parameters)."""
    if table not in TABLE_COLUMNS or not set(key) <= set(TABLE_COLUMNS[table]):
        raise ValueError(f"unknown table or key: {table} {key}")

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'
    return template.format(
        table=quoted(table),
        columns=", ".join(f"s.{quoted(c)}" for c in TABLE_COLUMNS[table]),
        match=" AND ".join(f"t.{quoted(k)} IS NOT DISTINCT FROM s.{quoted(k)}" for k in key))


def _anti_join_insert(con, table: str, key: tuple[str, ...]) -> tuple[int, int]:
    """Insert staged records whose key is not already in `table`.

    Returns (input rows with at least one new record, records inserted): a wide survey row
    becomes several records, and the report counts input rows.
    """
    count = _named("SELECT count(*) FROM {table}", table)
    new_rows = scalar(con, _named("SELECT count(DISTINCT s._row) FROM staging s WHERE NOT "
                                  "EXISTS (SELECT 1 FROM {table} t WHERE {match})", table, key))
    before = scalar(con, count)
    con.execute(_named("INSERT INTO {table} BY NAME SELECT {columns}, $load_id AS load_id "
                       "FROM staging s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})",
                       table, key),
                {"load_id": scalar(con, "SELECT currval('load_ids')")})
    return new_rows, scalar(con, count) - before


def _replace_earlier_versions(con, table: str, file_name: str, source: str, sha: str) -> int:
    """A corrected file (same name and source, new content) replaces what its earlier versions
    contributed to the school years and windows it covers; other windows are left alone."""
    count = _named("SELECT count(*) FROM {table}", table)
    earlier = [row[0] for row in con.execute(
        sql("loads_earlier_versions"), {"file_name": file_name, "source": source, "sha": sha}
    ).fetchall()]
    if not earlier:
        return 0
    before = scalar(con, count)
    con.execute(_named(
        "DELETE FROM {table} WHERE list_contains($earlier, load_id) AND (school_year, "
        "window_id) IN (SELECT DISTINCT school_year, window_id FROM staging)", table),
        {"earlier": earlier})
    return before - scalar(con, count)


def _load_roster(con, staged: pd.DataFrame, settings: Settings, load_id: int) -> int:
    """Roster rows replace the same student's row for that year (a roster is a snapshot)."""
    unchanged = scalar(con, sql("roster_unchanged_count"))
    con.execute(sql("roster_replace"))
    con.execute(sql("roster_insert"), {"load_id": load_id})
    years = sorted(staged["school_year"].dropna().unique().tolist())
    con.execute("DELETE FROM roster_groups WHERE list_contains($years, school_year)",
                {"years": years})
    for group in settings.groups:
        con.execute(sql("roster_groups_insert"),
                    {"years": years, "group_id": group.id, "field": group.field,
                     "value": group.value})
    return unchanged


def _load_one(con, path: Path, table: RawTable, adapted: Adapted, settings: Settings,
              report: FileReport) -> None:
    staged = _staging(adapted)
    accepted_rows = report.rows_read - report.rejected
    sha = _file_sha256(path)
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = scalar(con, "SELECT nextval('load_ids')")
        con.register("staging", staged)
        if adapted.table == "roster":
            unchanged = _load_roster(con, staged, settings, load_id)
            names = adapted.frame.loc[staged["_row"], "school_name"].to_numpy()
            con.register("school_names", pd.DataFrame(
                {"school_code": staged["school_code"], "school_name": names}))
            con.execute(sql("schools_refresh"))
            report.loaded = len(staged) - unchanged
        else:
            if adapted.table in WINDOWED:
                report.replaced = _replace_earlier_versions(con, adapted.table, path.name,
                                                            report.source, sha)
            report.loaded, report.records = _anti_join_insert(con, adapted.table, adapted.key)
            if adapted.table in DISTRICT_RESULTS:
                con.execute(sql("schools_add_unknown"))
            if "student_id" in staged and adapted.table != "survey_responses":
                report.not_on_roster = scalar(con, sql("staging_not_on_roster"))
        report.duplicates = accepted_rows - report.loaded
        years = ",".join(sorted(staged["school_year"].dropna().astype(str).unique())) \
            if "school_year" in staged else ""
        report.school_years = (set(staged["school_year"].dropna().astype(str))
                               | ({None} if staged["school_year"].isna().any() else set())
                               if "school_year" in staged else {None})
        windows = ",".join(sorted(staged["window_id"].dropna().astype(str).unique())) \
            if "window_id" in staged else ""
        con.execute(
            "INSERT INTO loads (load_id, file_name, file_sha256, source, loaded_at, rows_read, "
            "rows_loaded, rows_rejected, duplicates_skipped, nearest_window, not_on_roster, "
            "school_years, windows, rows_replaced, unrecognised) VALUES ($id, $file, $sha, "
            "$source, $at, $read, $loaded, $rej, $dup, $nearest, $nor, $years, $windows, "
            "$replaced, $unrecognised)",
            {"id": load_id, "file": path.name, "sha": sha, "source": report.source,
             "at": dt.datetime.now(), "read": report.rows_read, "loaded": report.loaded,
             "rej": report.rejected, "dup": report.duplicates, "nearest": report.nearest_window,
             "nor": report.not_on_roster, "years": years, "windows": windows,
             "replaced": report.replaced,
             "unrecognised": "\n".join(report.unrecognised) or None},
        )
        reasons = [(column, reason) for problems in adapted.rejects.problems.values()
                   for column, reason in problems]
        if reasons:
            counted = pd.DataFrame(reasons, columns=["column_name", "reason"]).value_counts()
            con.executemany(
                "INSERT INTO load_rejections VALUES ($id, $column, $reason, $rows)",
                [{"id": load_id, "column": column, "reason": reason, "rows": int(n)}
                 for (column, reason), n in counted.items()])
        report.load_id = load_id
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for view in ("staging", "school_names"):
            con.execute("DROP VIEW IF EXISTS " + view)


def _reject_rows(table: RawTable, adapted: Adapted) -> list[dict[str, object]]:
    rows = []
    for index in sorted(adapted.rejects.rows):
        raw = table.frame.loc[index]
        values = "; ".join(f"{k}={v}" for k, v in raw.items() if not pd.isna(v) and v != "")
        for column, reason in adapted.rejects.problems[index]:
            rows.append({"file": table.path.name, "row": table.file_row(index),
                         "column": column, "reason": reason, "values": values})
    return rows


def load_files(paths: list[Path | str], settings: Settings, source: str | None = None,
               db_path: Path | str | None = None,
               progress: Callable[[float, str], None] | None = None,
               school_year: str | None = None) -> LoadResult:
    """Load each file; return one report per file and where the rejected rows were written.

    `progress(fraction, text)` is told as each file is read, validated and written, when the
    data health check runs and when the new version is saved (the upload page's progress bar,
    `monitor load --progress`).
    """
    db_path = Path(db_path) if db_path else database_path()
    reports: list[FileReport] = []
    rejected: list[dict[str, object]] = []
    ordered = [Path(p) for p in paths]
    stages, done = 4 * len(ordered) + 3, 0

    def step(text: str) -> None:
        nonlocal done
        if progress:
            progress(min(done / max(stages, 1), 1.0), text)
        done += 1

    def counted(table: RawTable, report: FileReport) -> RawTable:
        report.rows_read = len(table.frame)
        limit = settings.loading.max_rows_per_file
        if report.rows_read > limit:
            raise UnreadableFile(
                f"{table.path.name}: {report.rows_read:,} data rows, more than the limit of "
                f"{limit:,} (loading.max_rows_per_file); split the export and load the parts")
        return table

    with writable_copy(db_path, settings.engine.load_memory_limit) as con:
        # First what kind of export each file is, from its headers and first rows (a peek of
        # a large file): each is then read whole, checked and written in turn, so that a run
        # holds one large file's cells at a time, not every file's (at 400,000 students,
        # gigabytes of strings).
        prepared: list[tuple[Path, RawTable | None, FileReport]] = []
        for path in ordered:
            report = FileReport(path.name)
            reports.append(report)
            step(f"Opening {path.name}")
            try:
                table = read_table(path, settings.columns, peek=True)
                if table.whole:
                    counted(table, report)
                found = source or detect_source(table, settings.surveys.wording,
                                                headers_only=not table.whole)
                if found is None:       # told by its values, not its headers: read it whole
                    table = counted(read_table(path, settings.columns), report)
                    found = detect_source(table, settings.surveys.wording)
                report.source = found
                prepared.append((path, table if table.whole else None, report))
            except UnreadableFile as exc:
                report.error = clip(str(exc), 1000)
        # Rosters first, so results loaded in the same run find their students.
        prepared.sort(key=lambda item: item[2].source != "roster")
        done = len(ordered) + 3 * (len(ordered) - len(prepared))
        queue = deque(prepared)
        del prepared
        while queue:
            path, table, report = queue.popleft()
            step(f"Reading {path.name}")
            if table is None:
                try:
                    table = counted(read_table(path, settings.columns), report)
                except UnreadableFile as exc:
                    report.error = clip(str(exc), 1000)
                    done += 2
                    continue
            step(f"Checking {report.rows_read:,} rows of {path.name}")
            try:
                adapted = SOURCES[report.source](table, _context(con, settings, school_year))
            except UnreadableFile as exc:
                report.error = clip(str(exc), 1000)
                continue
            report.rejected = len(adapted.rejects)
            report.nearest_window = adapted.nearest_window
            report.notes = adapted.notes
            report.unrecognised = adapted.rejects.unrecognised_lines()
            rejected.extend(_reject_rows(table, adapted))
            step(f"Writing {path.name}")
            _load_one(con, path, table, adapted, settings, report)
            del table, adapted          # before the next file is read
        step("Checking data health")
        counts, warnings = _health_check(con, settings, reports)
        loaded = any(r.load_id is not None for r in reports)
        if loaded or not lattice.is_current(con, settings):
            # Only the measures whose rows changed are counted again (lattice.build).
            changing = [r for r in reports if r.load_id is not None and (r.loaded or r.replaced)]
            changed = {r.source for r in changing} if loaded else None
            # ...and only the school years their rows are in (every year: a row with none).
            years = set().union(*(r.school_years for r in changing)) if loaded else {None}
            step("Counting and protecting the measures whose rows changed (the measures "
                 "lattice)" if lattice.recounted(con, settings, changed) is not None else
                 "Counting and protecting every measure (the measures lattice)")
            lattice.build(con, settings, changed, None if None in years else years)
            if loaded:
                lattice.record_history(con, settings.as_of_date())
        if loaded or not health.is_kept(con, settings):
            health.keep(con, settings, counts)
        step("Saving the new version of the database")
    rejects_path = None
    if rejected:
        rejects_path = db_path.with_name("rejected_rows.csv")
        # Opened in spreadsheets by analysts: cells that look like formulas are neutralised.
        write_csv(pd.DataFrame(rejected, columns=REJECT_COLUMNS), rejects_path)
    return LoadResult(reports, rejects_path, warnings)


def _health_check(con, settings: Settings,
                  reports: list[FileReport]) -> tuple[pd.DataFrame | None, list[str]]:
    """Count what the run's rows (and everything loaded) contribute to the measures, record
    the snapshot with this version, and return the counts and the warnings (monitor.ingest.health);
    (None, []) when the run loaded nothing."""
    run_ids = [r.load_id for r in reports if r.load_id is not None]
    if not run_ids:
        return None, []
    counts = health.row_counts(con, settings)
    before = health.latest_snapshot(con)
    files = [health.LoadedFile(r.file, r.source, r.load_id, r.rows_read, r.loaded, r.rejected)
             for r in reports if r.error is None]
    found = health.warnings(counts, before, files)
    health.record(con, counts, max(run_ids))
    return counts, found
