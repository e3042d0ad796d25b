"""The debrief's notes: what we notice, what we wonder, next steps, per slide of a learning walk.

Kept in their own SQLite file beside the database (`debrief_notes.sqlite`, or MONITOR_NOTES),
because the database is read-only to the app and replaced whole by every load. Values are
bound parameters; each save is one transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS debrief_notes (
    school_year TEXT NOT NULL,
    window_id TEXT NOT NULL,
    scope TEXT NOT NULL,            -- a school code, or 'district'
    slide TEXT NOT NULL,
    notice TEXT NOT NULL DEFAULT '',
    wonder TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (school_year, window_id, scope, slide)
)
"""
MAX_CHARS = 4000


@dataclass(frozen=True)
class Note:
    notice: str = ""
    wonder: str = ""
    next_steps: str = ""
    updated_at: str = ""

    def is_empty(self) -> bool:
        return not (self.notice.strip() or self.wonder.strip() or self.next_steps.strip())


def notes_path(database: Path) -> Path:
    configured = os.environ.get("MONITOR_NOTES")
    return Path(configured) if configured else database.with_name("debrief_notes.sqlite")


class NotesStore:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
        con.execute(SCHEMA)
        return con

    def save(self, school_year: str, window_id: str, scope: str, slide: str, note: Note) -> None:
        with self._connect() as con:
            con.execute(
                "INSERT INTO debrief_notes (school_year, window_id, scope, slide, notice, wonder,"
                " next_steps, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (school_year, window_id, scope, slide) DO UPDATE SET"
                " notice = excluded.notice, wonder = excluded.wonder,"
                " next_steps = excluded.next_steps, updated_at = excluded.updated_at",
                (school_year, window_id, scope, slide, note.notice[:MAX_CHARS],
                 note.wonder[:MAX_CHARS], note.next_steps[:MAX_CHARS],
                 dt.datetime.now().isoformat(timespec="seconds")))
        con.close()

    def for_walk(self, school_year: str, window_id: str, scope: str) -> dict[str, Note]:
        """Every slide's note of one walk, by slide key."""
        if not self.path.exists():
            return {}
        con = self._connect()
        try:
            rows = con.execute(
                "SELECT slide, notice, wonder, next_steps, updated_at FROM debrief_notes"
                " WHERE school_year = ? AND window_id = ? AND scope = ?",
                (school_year, window_id, scope)).fetchall()
        finally:
            con.close()
        return {slide: Note(*rest) for slide, *rest in rows}
