"""The DuckDB database: where it lives, its schema, and the only door to the SQL files.

Readers (the dashboard) open the file read-only. Writers (the loader) never touch the file
readers have open: `writable_copy()` copies it, the load runs in transactions on the copy, and
the copy replaces the original with one atomic rename. So a reader never sees a half-written
load, a failed load leaves the database exactly as it was, and a running dashboard does not
block a load. `Database` notices the new file and opens it beside the versions it holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from monitor.config import PROJECT_ROOT, Engine

QUERY_DIR = Path(__file__).with_name("queries")
# The schema's version, and how to bring an older database up to it: migration N takes a
# database at version N-1 to N (queries/migrations/NNN_*.sql). A database made before versions
# were recorded counts as version 0. Migrations run on the load's copy (writable_copy), so a
# failed one leaves the database as it was; `python -m monitor migrate` runs them alone.
MIGRATIONS = sorted((QUERY_DIR / "migrations").glob("[0-9][0-9][0-9]_*.sql"))
SCHEMA_VERSION = len(MIGRATIONS) + 1


def database_path() -> Path:
    return Path(os.environ.get("MONITOR_DB") or PROJECT_ROOT / "data" / "monitor.duckdb")


@cache
def sql(name: str) -> str:
    """The text of queries/<name>.sql. Names are fixed strings in code, never user input."""
    return (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def _macro_names() -> tuple[str, ...]:
    return tuple(re.findall(r"CREATE OR REPLACE TEMP MACRO (\w+)\(", sql("macros")))


def run_query(con: duckdb.DuckDBPyConnection, name: str,
              params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Run queries/<name>.sql with bound parameters on a cursor of its own. The measure rules
    (macros.sql) are TEMP macros, which belong to one connection (each cursor is one): they are
    installed on the cursor when the query uses any of them."""
    cursor = con.cursor()
    try:
        return run_here(cursor, name, params)
    finally:
        cursor.close()


# Queries whose results are large and only text, numbers and booleans: fetched through Arrow,
# which pandas' Arrow-backed strings take without converting each string (a measure's cells
# at 400,000 students: 46 ms against 106 ms). Other results keep DuckDB's own conversion
# (dates, decimals and lists come out of Arrow as other pandas types).
ARROW_RESULTS = frozenset({"lattice_cells", "lattice_schools"})


def run_here(con: duckdb.DuckDBPyConnection, name: str,
             params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """As `run_query`, on `con` itself: it sees the tables registered on it."""
    text = sql(name)
    if any(f"{macro}(" in text for macro in _macro_names()):
        con.execute(sql("macros"))
    if name in ARROW_RESULTS:
        return con.sql(text, params=dict(params or {})).to_arrow_table().to_pandas()
    return con.execute(text, dict(params or {})).df()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The database's schema version: 0 before versions were recorded (or an empty file)."""
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    if "meta" not in tables:
        return 0 if tables else SCHEMA_VERSION      # a new, empty file gets the current schema
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    try:
        return int(rows[0][0]) if rows else 0
    except ValueError:
        return 0


def create_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Bring a writable database to the current schema: the migrations it has not had, then
    any table it lacks. Returns the version it was at."""
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise DatabaseTooNew(found)
    for number, migration in enumerate(MIGRATIONS, start=2):
        if found < number:
            con.execute(migration.read_text(encoding="utf-8"))
    con.execute(sql("schema"))
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(SCHEMA_VERSION)}
    )
    con.execute("INSERT OR REPLACE INTO meta VALUES ('migrated_from', $v)", {"v": str(found)})
    return found


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: Mapping[str, Any] | None = None):
    """The single value a query returns (fetching all of it, so the connection is free again)."""
    return con.execute(query, dict(params or {})).fetchall()[0][0]


class DatabaseProblem(RuntimeError):
    """The database cannot be read as it is; the message says why and what to do."""


class DatabaseMissing(DatabaseProblem):
    """No database file yet: nothing has been loaded."""


class DatabaseOutdated(DatabaseProblem):
    def __init__(self, path: Path, found: int):
        super().__init__(
            f"The database {path.name} has schema version {found}; this version of the "
            f"dashboard needs {SCHEMA_VERSION}. Run `python -m monitor migrate` (or load any "
            "file): it upgrades a copy and swaps it in, so nothing is lost if it stops.")


class DatabaseTooNew(DatabaseProblem):
    def __init__(self, found: int, path: Path | None = None):
        super().__init__(
            f"The database{' ' + path.name if path else ''} has schema version {found}, newer "
            f"than this dashboard's {SCHEMA_VERSION}: it was written by a newer release. "
            "Update the dashboard; the database is left as it is.")


class Database:
    """A read-only view of the database file that follows it when a load replaces it.

    Each version of the file (one per load) has its own connection, kept while it is among the
    newest few, so a page run that started on one version reads all of its data from that
    version even if a load commits meanwhile (`at(stamp)`): never a mix of old and new.
    """

    KEEP_VERSIONS = 3

    def __init__(self, path: Path | str | None = None, engine: Engine | None = None):
        self.path = Path(path) if path else database_path()
        # config.toml's [engine]. One process may open a file with one configuration only, so
        # every reader in it takes the same (the defaults unless settings are passed).
        engine = engine or Engine()
        self._config: dict[str, str | int] = {"memory_limit": engine.memory_limit}
        if engine.threads:
            self._config["threads"] = engine.threads
        self._lock = threading.Lock()
        self._versions: dict[tuple[int, int], duckdb.DuckDBPyConnection] = {}

    def stamp(self) -> tuple[int, int]:
        """Changes whenever a load replaces the file; use it in cache keys."""
        try:
            info = self.path.stat()
        except FileNotFoundError as exc:
            raise DatabaseMissing(
                f"No database at {self.path}. `scripts/run.sh` builds the demo district; "
                "real exports load with `python -m monitor load FILE...`."
            ) from exc
        return info.st_ino, info.st_mtime_ns

    def current(self) -> tuple[int, int]:
        """The stamp of the file's current version, opening it if it is new."""
        stamp = self.stamp()
        with self._lock:
            if stamp not in self._versions:
                con, opened = self._open_current()
                self._versions[opened] = con
                # Older versions are dropped from the newest few (their connections are left
                # to the garbage collector: another thread may still read through a cursor).
                for old in list(self._versions)[:-self.KEEP_VERSIONS]:
                    del self._versions[old]
                stamp = opened
            return stamp

    def connection(self, at: tuple[int, int] | None = None) -> duckdb.DuckDBPyConnection:
        """The connection to version `at` while it is kept, else to the current version."""
        if at is not None:
            with self._lock:
                con = self._versions.get(at)
            if con is not None:
                return con
        stamp = self.current()
        with self._lock:
            return self._versions[stamp]

    def version(self) -> tuple[int, int]:
        """The version `query()` reads now (see `current`)."""
        return self.current()

    def at(self, stamp: tuple[int, int] | None) -> VersionView:
        """This database as of one version: `.query()` reads only that version."""
        return VersionView(self, stamp)

    def _open_current(self) -> tuple[duckdb.DuckDBPyConnection, tuple[int, int]]:
        """Open the file now at `path` under a name of its own (a hard link per version).

        DuckDB keeps one database instance per path in a process, so reconnecting to the same
        path after a load swapped the file would hand back the old data. Each version gets its
        own name, and so its own instance.
        """
        for attempt in range(3):
            staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            staging.unlink(missing_ok=True)
            try:
                os.link(self.path, staging)
            except FileNotFoundError as exc:
                raise DatabaseMissing(f"No database at {self.path}") from exc
            except PermissionError:
                # A read-only folder: open the file itself (a load cannot replace it there).
                return self._checked(self.path), self.stamp()
            info = staging.stat()
            link = self.path.with_name(f".{self.path.name}.{info.st_ino}.read")
            # Renaming one name of a file onto another name of the same file does nothing
            # (POSIX rename) and would leave the staging name behind: drop it instead.
            try:
                same = link.stat().st_ino == info.st_ino
            except FileNotFoundError:
                same = False
            if same:
                staging.unlink(missing_ok=True)
            else:
                os.replace(staging, link)
            try:
                return self._checked(link), (info.st_ino, info.st_mtime_ns)
            except FileNotFoundError:
                if attempt == 2:        # a load removed that version's name meanwhile: retry
                    raise
        raise AssertionError("unreachable")

    def _checked(self, path: Path) -> duckdb.DuckDBPyConnection:
        """A read-only connection to `path`, or a DatabaseProblem saying what is wrong."""
        try:
            con = duckdb.connect(str(path), read_only=True, config=self._config)
        except duckdb.IOException as exc:
            text = str(exc)
            if "Could not set lock" in text:
                holder = text.split("held in", 1)[-1].split("See also")[0].strip()
                raise DatabaseProblem(
                    f"The database {self.path.name} is locked by another program ({holder}), "
                    "which has it open for writing. Close that program; loads by this "
                    "dashboard never lock it.") from exc
            if "not a valid DuckDB database" in text or "database file" in text:
                raise DatabaseProblem(
                    f"{self.path.name} is not a DuckDB database this dashboard can read. Move "
                    "it aside and rebuild it by loading the exports again.") from exc
            if "No such file" in text or "Cannot open" in text:
                raise FileNotFoundError(text) from exc
            raise
        found = schema_version(con)
        if found != SCHEMA_VERSION:
            con.close()
            if found > SCHEMA_VERSION:
                raise DatabaseTooNew(found, self.path)
            raise DatabaseOutdated(self.path, found)
        return con

    def query(self, name: str, params: Mapping[str, Any] | None = None,
              at: tuple[int, int] | None = None) -> pd.DataFrame:
        """Run queries/<name>.sql with bound parameters on a cursor of its own, on version
        `at` (default: the current one)."""
        return run_query(self.connection(at), name, params)


class VersionView:
    """A Database pinned to one version, for code that takes a `db` with `.query()`."""

    def __init__(self, db: Database, stamp: tuple[int, int] | None):
        self.db, self.stamp = db, stamp

    @property
    def path(self) -> Path:
        return self.db.path

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return self.db.query(name, params, at=self.stamp)

    def version(self) -> tuple[int, int]:
        return self.stamp if self.stamp is not None else self.db.current()

    def connection(self) -> duckdb.DuckDBPyConnection:
        return self.db.connection(self.stamp)


def _forget_old_versions(target: Path) -> None:
    """Remove readers' names for versions a load has replaced (open readers keep their data)."""
    current = target.stat().st_ino
    for link in target.parent.glob(f".{target.name}.*.read"):
        if link.name != f".{target.name}.{current}.read":
            link.unlink(missing_ok=True)


@contextlib.contextmanager
def writable_copy(path: Path | str | None = None,
                  memory_limit: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a copy of the database, swapped in atomically on success.

    Loads are serialised by a lock file beside the database. If the body raises, the copy is
    thrown away and the database is untouched. `memory_limit`: DuckDB's, for this connection
    (past it, DuckDB spills to `<copy>.tmp` beside the database).
    """
    target = Path(path) if path else database_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        # Copies left by a load that was killed: nobody else can be loading (we hold the lock).
        for stale in target.parent.glob(target.name + ".*.loading*"):
            stale.unlink(missing_ok=True)
        handle, tmp_name = tempfile.mkstemp(
            prefix=target.name + ".", suffix=".loading", dir=target.parent
        )
        os.close(handle)
        tmp = Path(tmp_name)
        tmp.unlink()
        try:
            if target.exists():
                shutil.copy2(target, tmp)
            # DuckDB hands memory it no longer uses back to the system as it goes (a load's
            # large queries come one after another, beside the lattice's own arrays).
            con = duckdb.connect(str(tmp), config={
                "allocator_background_threads": True, "allocator_flush_threshold": "16MB",
                **({"memory_limit": memory_limit} if memory_limit else {})})
            try:
                create_schema(con)
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, target)
            _forget_old_versions(target)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            shutil.rmtree(str(tmp) + ".tmp", ignore_errors=True)      # what DuckDB spilled
