"""An earlier release's notes file (debrief_notes.sqlite, or MONITOR_NOTES), carried into
the store once, each note with its record of the change."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from monitor.writing.engines import now_text
from monitor.writing.tables import changes_table, meta_table, notes_table


def carry_legacy_notes(engine: sa.Engine, path: Path) -> None:
    """Notes of an earlier release's file, carried once (a note already in the store is
    kept as it is), each with a record of the change made by "(earlier notes file)"."""
    marker = f"legacy_notes:{path.resolve()}"
    if not path.exists():
        return
    with engine.connect() as con:
        if con.execute(sa.select(meta_table.c.value).where(
                meta_table.c.key == marker)).first() is not None:
            return
    old = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = old.execute("SELECT school_year, window_id, scope, slide, notice, wonder,"
                           " next_steps, updated_at FROM debrief_notes").fetchall()
    except sqlite3.DatabaseError:
        rows = []          # not a notes file we know: left as it is, nothing carried
    finally:
        old.close()
    t = notes_table
    carried = "(earlier notes file)"
    with engine.begin() as con:
        if con.execute(sa.select(meta_table.c.value).where(
                meta_table.c.key == marker)).first() is not None:
            return          # another process carried them meanwhile
        for year, window, scope, slide, notice, wonder, steps, at in rows:
            key = {"school_year": year, "window_id": window, "scope": scope,
                   "slide": slide}
            if con.execute(sa.select(t.c.slide).where(
                    *[t.c[k] == v for k, v in key.items()])).first() is not None:
                continue
            values = {"notice": notice, "wonder": wonder, "next_steps": steps,
                      "updated_at": at, "updated_by": carried}
            con.execute(t.insert().values(**key, **values))
            con.execute(changes_table.insert().values(
                changed_at=now_text(), changed_by=carried, role="district", kind="note",
                scope=scope, key=json.dumps(key, sort_keys=True), before=None,
                after=json.dumps(values, sort_keys=True)))
        con.execute(meta_table.insert().values(
            key=marker, value=json.dumps({"at": now_text(), "notes": len(rows)})))
