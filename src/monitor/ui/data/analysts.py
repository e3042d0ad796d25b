"""For analysts only: loads, row counts, data health, and the student-level rows a load
rejected."""

from __future__ import annotations

import pandas as pd

from monitor.access import AccessDenied, Scope, require
from monitor.ingest import health
from monitor.ui.data.cache import _database, _db, _query, keyed, settings, stamp

# -- analysts only: loads, row counts and student-level rejected rows -------------------------

def loads_recent(scope: Scope) -> pd.DataFrame:
    """The load history (file names, counts): district users."""
    scope = require(scope)
    if scope.role != "district":
        raise AccessDenied("Your access does not include the load history.")
    return _query("loads_recent")


def table_row_counts(scope: Scope) -> pd.DataFrame:
    require(scope).check_analyst()
    return _query("table_row_counts")


def rejected_rows(scope: Scope) -> pd.DataFrame | None:
    """The rejected rows of the last load that had any (student-level): analysts only."""
    require(scope).check_analyst()
    path = _database().path.with_name("rejected_rows.csv")
    return pd.read_csv(path, dtype=str) if path.exists() else None


@keyed(max_entries=4)
def _raw_health(db_stamp) -> tuple[pd.DataFrame, list[str]]:
    return health.check(_db(db_stamp).connection(), settings())


def data_health(scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    """The data health table (per source and school year: rows loaded, rows that count in a
    measure and why the rest do not) and its warnings: district analysts only."""
    require(scope).check_analyst()
    return _raw_health(stamp())


def load_rejections(scope: Scope, loads: int = 10) -> pd.DataFrame:
    """Rows the latest loads rejected, by file, column and reason: district analysts only."""
    require(scope).check_analyst()
    return _query("load_rejections_recent", limit=loads)


def database_path(scope: Scope):
    """The database file, for the upload form: analysts only."""
    require(scope).check_analyst()
    return _database().path
