"""Where the store lives (SQLite beside the database, or MONITOR_STORE_URL) and one
SQLAlchemy engine per URL per process, its schema made on first use."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import sqlalchemy as sa

from monitor.writing.tables import ADDED_COLUMNS, metadata

LEGACY_NOTES = "debrief_notes.sqlite"
STORE_FILE = "monitor_store.sqlite"


def store_url(database: Path) -> str:
    """MONITOR_STORE_URL, else SQLite in monitor_store.sqlite beside the database."""
    return (os.environ.get("MONITOR_STORE_URL")
            or f"sqlite:///{Path(database).with_name(STORE_FILE).resolve()}")


def legacy_notes_path(database: Path) -> Path:
    """Where an earlier release kept the debrief's notes."""
    return Path(os.environ.get("MONITOR_NOTES") or Path(database).with_name(LEGACY_NOTES))


def now_text() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()


def engine_for(url: str) -> sa.Engine:
    """One engine (and pool) per URL per process; the schema made on first use."""
    with _LOCK:
        if url in _ENGINES:
            return _ENGINES[url]
        if url.startswith("sqlite:"):
            Path(sa.engine.make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(connection, _record):
                # Readers do not wait for a writer; writers queue on the timeout above.
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
        metadata.create_all(engine)
        _add_columns(engine)
        _ENGINES[url] = engine
        return engine


def _add_columns(engine: sa.Engine) -> None:
    """Columns added since a store was made (tables.ADDED_COLUMNS), added where missing, with
    their defaults: an earlier release's store opens as it was, nothing lost."""
    inspector = sa.inspect(engine)
    for table_name, columns in ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table_name)}
        table = metadata.tables[table_name]
        for name in columns:
            if name in present:
                continue
            column = table.c[name]
            kind = column.type.compile(dialect=engine.dialect)
            default = column.server_default.arg if column.server_default is not None else ""
            with engine.begin() as con:
                # Fixed identifiers from tables.py, never input; the default is a bound value
                # written into DDL as a literal (DDL takes no parameters).
                con.execute(sa.DDL(f"ALTER TABLE {table_name} ADD COLUMN {name} {kind} "
                                   f"NOT NULL DEFAULT '{default}'"))
