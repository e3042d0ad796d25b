"""What one author is handed (monitor.ui.data hands these out): the debrief's notes and the
store's changes (cycles, commitments, reflections) made as them, each checked against their scope
and recorded by the store."""

from __future__ import annotations

import functools

from monitor.writing.records import (
    Author,
    Note,
)
from monitor.writing.store import Store


class Notebook:
    """The debrief's notes as one author reads and writes them (monitor.ui.data hands these
    out): every save is checked against the author's scope by the store."""

    def __init__(self, store: Store, author: Author):
        self.store, self.author = store, author

    def for_walk(self, school_year: str, window_id: str, scope: str) -> dict[str, Note]:
        return self.store.notes_for_walk(school_year, window_id, scope)

    def save(self, school_year: str, window_id: str, scope: str, slide: str,
             note: Note) -> Note:
        return self.store.save_note(self.author, school_year, window_id, scope, slide, note)


class Desk:
    """Improvement cycles and the system's reflection as one author changes them
    (monitor.ui.data hands these out): each of the store's changes (WRITES) is made as them,
    and checked and recorded by the store; `desk.close_cycle(cycle_id, ...)` is
    `store.close_cycle(author, cycle_id, ...)`."""

    WRITES = frozenset({"open_cycle", "add_commitment", "set_commitment_status",
                        "set_commitment_statuses", "decide", "set_target", "review",
                        "close_cycle", "reflect", "reflect_term"})

    def __init__(self, store: Store, author: Author):
        self.store, self.author = store, author

    def __getattr__(self, name: str):
        if name not in Desk.WRITES:
            raise AttributeError(name)
        return functools.partial(getattr(self.store, name), self.author)
