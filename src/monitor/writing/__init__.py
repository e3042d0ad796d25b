"""What people write: debrief notes, improvement cycles with their indicators and
commitments, and the system reflection, kept in the store (SQLite or PostgreSQL) with every
change checked against the writer's scope and recorded in its history. Reads measures (a
cycle's indicator points) but never the pages."""
