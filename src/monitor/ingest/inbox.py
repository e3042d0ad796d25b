"""The inbox: a folder where files arrive (by SFTP, a shared drive, a vendor's scheduled
export) and `monitor load --inbox DIR` (a timer runs it) loads every new one, then moves it to
`loaded/` or `failed/` with its report beside it.

- A file still being written is left for the next run: one written or landed (its
  modification or its inode change, which a copy keeping the sender's times cannot set back) in
  the last `settle_seconds`, or named as uploads name their partial files (.part, .tmp, .filepart,
  .crdownload, ~$..., hidden files).
- The same file is never loaded twice: a file whose content (SHA-256) was loaded before, or
  twice in one run, is moved to `loaded/` with a report saying when it was loaded, not loaded.
- The new files are loaded together, as one new version of the database; a file the loader
  cannot read writes nothing and is moved to `failed/`, and a load that fails as a whole
  leaves the database as it was and every file of it in `failed/` with the reason.
- One run at a time: a second run while one holds the folder's lock says so and does nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from monitor.config import Settings
from monitor.db import Database, DatabaseProblem, database_path
from monitor.ingest.load import LoadResult, load_files

LOADED, FAILED = "loaded", "failed"
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".filepart", ".crdownload", ".download")
LOCK = ".monitor-inbox.lock"


@dataclass
class Outcome:
    """What happened to one file: loaded, failed, repeated (loaded before) or waiting."""

    name: str
    status: str
    line: str
    moved_to: Path | None = None


@dataclass
class InboxRun:
    outcomes: list[Outcome] = field(default_factory=list)
    busy: bool = False
    result: LoadResult | None = None

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def exit_code(self) -> int:
        return 2 if self.of(FAILED) else 0


def _partial(path: Path) -> bool:
    name = path.name
    return (name.startswith((".", "~$")) or name.lower().endswith(PARTIAL_SUFFIXES))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _locked(inbox: Path) -> Iterator[bool]:
    """Hold the inbox's lock for this run; yields False when another run holds it."""
    with (inbox / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _loaded_before(db_path: Path, settings: Settings, shas: list[str]) -> dict[str, tuple]:
    """Content hash -> (file name, when) of the first load of the same content, if any."""
    if not shas:
        return {}
    try:
        found = Database(db_path, engine=settings.engine).query("loads_by_sha", {"shas": shas})
    except DatabaseProblem:        # no database yet (or one a load will upgrade): none before
        return {}
    first: dict[str, tuple] = {}
    for row in found.itertuples():
        first.setdefault(row.file_sha256, (row.file_name, row.loaded_at))
    return first


def _move(path: Path, inbox: Path, folder: str, report: str, stamp: str) -> Path:
    """Move `path` into inbox/<folder>/ under a name that keeps every arrival apart, with its
    report beside it (<name>.report.txt)."""
    target_dir = inbox / folder
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{stamp}_{path.name}"
    number = 1
    while target.exists():
        number += 1
        target = target_dir / f"{stamp}_{number}_{path.name}"
    os.replace(path, target)
    target.with_name(target.name + ".report.txt").write_text(report, encoding="utf-8")
    return target


def run(inbox: Path | str, settings: Settings, db_path: Path | str | None = None,
        settle_seconds: float = 120.0, now: dt.datetime | None = None) -> InboxRun:
    """Load every new file in `inbox` (see the module's docstring)."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise FileNotFoundError(f"{inbox}: no such folder (the inbox)")
    db_path = Path(db_path) if db_path else database_path()
    now = now or dt.datetime.now()
    stamp = now.strftime("%Y%m%dT%H%M%S")
    outcome = InboxRun()
    with _locked(inbox) as mine:
        if not mine:
            outcome.busy = True
            return outcome
        ready: list[Path] = []
        for path in sorted(p for p in inbox.iterdir() if p.is_file() and p.name != LOCK):
            # The later of its modification and its inode's change: a copy that keeps the
            # sender's modification time (cp -p, scp -p, rsync -t) is still new when it lands.
            stat = path.stat()
            age = now.timestamp() - max(stat.st_mtime, stat.st_ctime)
            if _partial(path) or age < settle_seconds:
                why = ("named as a file still being written" if _partial(path) else
                       f"changed {max(age, 0):.0f} s ago (waits {settle_seconds:.0f} s)")
                outcome.outcomes.append(Outcome(path.name, "waiting",
                                                f"{path.name}: left for the next run: {why}"))
                continue
            ready.append(path)
        hashes = {path: _sha256(path) for path in ready}
        before = _loaded_before(db_path, settings, sorted(set(hashes.values())))
        fresh: list[Path] = []
        seen: dict[str, str] = {}
        for path in ready:
            sha = hashes[path]
            if sha in before or sha in seen:
                name, when = before.get(sha, (seen.get(sha), now))
                line = (f"{path.name}: not loaded: the same content was loaded on "
                        f"{when:%Y-%m-%d %H:%M} as {name}" if sha in before else
                        f"{path.name}: not loaded: the same content as {name} in this run")
                report = f"{line}\nsha256 {sha}\n"
                outcome.outcomes.append(Outcome(path.name, "repeated", line,
                                                _move(path, inbox, LOADED, report, stamp)))
                continue
            seen[sha] = path.name
            fresh.append(path)
        if not fresh:
            return outcome
        try:
            result = load_files(fresh, settings, db_path=db_path)
        except Exception as exc:  # noqa: BLE001 - any failure: every file kept, and said why
            for path in fresh:
                line = (f"{path.name}: NOT LOADED: the load failed as a whole and the database "
                        f"was left as it was: {type(exc).__name__}: {exc}. Drop the file in "
                        "again to retry.")
                outcome.outcomes.append(Outcome(path.name, FAILED, line, _move(
                    path, inbox, FAILED, f"{line}\nsha256 {hashes[path]}\n", stamp)))
            return outcome
        outcome.result = result
        for path, report in zip(fresh, result.reports, strict=True):
            status = FAILED if report.error else LOADED
            text = [report.line(), f"sha256 {hashes[path]}",
                    f"loaded {now:%Y-%m-%d %H:%M} by the inbox into {db_path.name}"
                    if status == LOADED else "nothing of it was written to the database"]
            if report.rejected and result.rejects_path:
                text.append(f"rejected rows and reasons: {result.rejects_path}")
            text += [f"data health: {w}" for w in result.warnings] if status == LOADED else []
            outcome.outcomes.append(Outcome(path.name, status, report.line(), _move(
                path, inbox, status, "\n".join(text) + "\n", stamp)))
    return outcome
