"""A real PostgreSQL for the store's tests: Debian's server binaries (installed by
scripts/test.sh), a throwaway cluster in a temporary folder on a free port, one database per
test. Run as the `postgres` user when the tests run as root (initdb refuses root)."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

ROOT = Path("/usr/lib/postgresql")


def binaries() -> Path:
    found = sorted(ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL's server is not installed: scripts/test.sh installs "
                           "Debian's postgresql package.")
    return found[-1].parent


def _as_owner(command: list[str]) -> list[str]:
    return (["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    server = subprocess.Popen(
        _as_owner([str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                   "-k", str(folder), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                   "-c", "full_page_writes=off"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"postgresql+psycopg://monitor@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 60
        engine = sa.create_engine(url)
        while True:         # ready when it answers; a ceiling, never a fixed wait
            try:
                with engine.connect():
                    break
            except sa.exc.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("PostgreSQL did not start: "
                                       + server.stderr.read().decode(errors="replace")) from None
                time.sleep(0.2)
        engine.dispose()
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
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
