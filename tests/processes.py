"""Servers the tests start (Streamlit, PostgreSQL, nginx): start one, wait until it answers,
stop it however the test ends. One way of doing it for all of them."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Callable, Iterator

from monitor.serving.serve import free_port, stop_processes

__all__ = ["free_port", "serving"]


@contextlib.contextmanager
def serving(command: list[str], ready: Callable[[], bool], told: Callable[[], str], *,
            name: str, ceiling_s: float = 60, stop_s: float = 10,
            **popen) -> Iterator[subprocess.Popen]:
    """Run `command` (Popen's keyword arguments in `popen`) until the block ends; enter the
    block once `ready()` says it answers. A ceiling, never a fixed wait: RuntimeError with
    what `told()` returns (its log) if it exits or is not ready by `ceiling_s`."""
    process = subprocess.Popen(command, **popen)
    try:
        deadline = time.monotonic() + ceiling_s
        while not ready():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start:\n{told()}")
            time.sleep(0.2)
        yield process
    finally:
        stop_processes([process], stop_s)
