"""The store's tables (SQLAlchemy Core): debrief notes, improvement cycles with their
indicators and commitments, reflections, goals set in the product, the record of every
change, and the store's own meta."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

notes_table = sa.Table(
    "debrief_notes", metadata,
    sa.Column("school_year", sa.String(16), primary_key=True),
    sa.Column("window_id", sa.String(32), primary_key=True),
    sa.Column("scope", sa.String(64), primary_key=True),      # a school code, or 'district'
    sa.Column("slide", sa.String(64), primary_key=True),
    sa.Column("notice", sa.Text, nullable=False, default=""),
    sa.Column("wonder", sa.Text, nullable=False, default=""),
    sa.Column("next_steps", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
)

changes_table = sa.Table(
    "changes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("changed_at", sa.String(32), nullable=False),
    sa.Column("changed_by", sa.String(320), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),           # what changed: 'note', ...
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("key", sa.Text, nullable=False),                  # the row's key, as JSON
    sa.Column("before", sa.Text),                               # the row as JSON (NULL: new)
    sa.Column("after", sa.Text),                                # the row as JSON (NULL: gone)
)

cycles_table = sa.Table(
    "cycles", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(64), nullable=False, index=True),   # a school, or 'district'
    sa.Column("focus", sa.Text, nullable=False),            # the problem of practice
    sa.Column("practice", sa.Text, nullable=False),         # the high-yield practice to change
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),     # open / closed
    sa.Column("previous_id", sa.Integer, sa.ForeignKey("cycles.id")),
    sa.Column("opened_by", sa.String(320), nullable=False),
    sa.Column("opened_at", sa.String(32), nullable=False),
    sa.Column("closed_at", sa.String(32)),
)

indicators_table = sa.Table(
    "cycle_indicators", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycles.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),       # leading / lagging
    sa.Column("measure", sa.String(32), nullable=False),
    sa.Column("detail", sa.String(64)),                     # an indicator, construct or item
    sa.Column("subject", sa.String(64)),                    # a subject, or the survey
    sa.Column("start_value", sa.Float),                     # from the data when the cycle opened
    sa.Column("target", sa.Float, nullable=False),
    sa.Column("decision", sa.String(16)),                   # carry on / adjust / stop
    sa.Column("decision_note", sa.Text, nullable=False, default=""),
    # Why the target is not above the start (added after the first release: engines adds it).
    sa.Column("target_reason", sa.Text, nullable=False, default="", server_default=""),
)

commitments_table = sa.Table(
    "commitments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("cycle_id", sa.Integer, sa.ForeignKey("cycles.id"), nullable=False, index=True),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("owner_role", sa.String(120), nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("done_on", sa.Date),
    sa.Column("link", sa.Text, nullable=False, default=""),   # a dashboard view and its filters
    sa.Column("carried_from", sa.Integer, sa.ForeignKey("commitments.id")),
)

reflections_table = sa.Table(
    "reflections", metadata,
    sa.Column("framework", sa.String(64), primary_key=True),
    sa.Column("term", sa.String(64), primary_key=True),        # '2026-27 Fall'
    sa.Column("lever", sa.String(200), primary_key=True),
    sa.Column("element", sa.String(200), primary_key=True),    # '' for the lever as a whole
    sa.Column("stage", sa.String(16), nullable=False),         # Plan / Test / Scale / Deepen
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("evidence", sa.Text, nullable=False, default=""),  # links to dashboard views
    sa.Column("recorded_by", sa.String(320), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
)

goals_table = sa.Table(
    "goals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("school_year", sa.String(16), nullable=False, index=True),
    sa.Column("measure", sa.String(32), nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),      # a school code, or 'district'
    sa.Column("subject", sa.String(64), nullable=False),    # '' for every subject
    sa.Column("targets", sa.Text, nullable=False),          # {window id: percent}, as JSON
    sa.Column("basis", sa.Text, nullable=False),            # the suggestion it started from
    sa.Column("reason", sa.Text, nullable=False),           # why, in the setter's words
    sa.Column("status", sa.String(16), nullable=False),     # proposed / approved / declined
    sa.Column("proposed_by", sa.String(320), nullable=False),
    sa.Column("proposer_role", sa.String(32), nullable=False),
    sa.Column("proposed_at", sa.String(32), nullable=False),
    sa.Column("decided_by", sa.String(320)),
    sa.Column("decided_at", sa.String(32)),
    sa.Column("decision_note", sa.Text, nullable=False, default=""),
)

meta_table = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Columns added to a table after stores were first made, each added where missing when the
# store is opened (create_all makes missing tables, never missing columns).
ADDED_COLUMNS = {"cycle_indicators": ("target_reason",)}
