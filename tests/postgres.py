"""A real PostgreSQL for the store's tests: Debian's server binaries (installed by
scripts/test.sh), a throwaway cluster in a temporary folder on a free port, one database per
test. Run as the `postgres` user when the tests run as root (initdb refuses root)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from .processes import free_port, serving

ROOT = Path("/usr/lib/postgresql")


def binaries() -> Path:
    found = sorted(ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: scripts/test.sh installs "
                           "Debian's postgresql package.")
    return found[-1].parent


def _as_owner(command: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command)


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """A running PostgreSQL; yields the URL of its `postgres` database (user `monitor`)."""
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
    if os.getuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                              "-U", "monitor", "--no-sync", "-E", "UTF8"]),
                   check=True, capture_output=True)
    port = free_port()
    url = f"postgresql+psycopg://monitor@127.0.0.1:{port}/postgres"
    engine = sa.create_engine(url)

    def answers() -> bool:
        try:
            with engine.connect():
                return True
        except sa.exc.OperationalError:
            return False

    log = folder / "postgres.log"
    try:
        with open(log, "w") as out, serving(
                _as_owner([str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                           "-k", str(folder), "-c", "listen_addresses=127.0.0.1",
                           "-c", "fsync=off", "-c", "full_page_writes=off"]),
                answers, log.read_text, name="PostgreSQL", stop_s=30,
                stdout=out, stderr=subprocess.STDOUT):
            engine.dispose()
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_NUMBERS = itertools.count(1)


def new_database(server_url: str) -> str:
    """A fresh, empty database on the cluster; its URL."""
    name = f"store_{os.getpid()}_{next(_NUMBERS)}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"
