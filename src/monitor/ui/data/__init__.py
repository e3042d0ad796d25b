"""Cached access to the core for pages: the only place pages get data from.

Every public function here takes the user's `Scope` (monitor.access) first and refuses to run
without one; it applies the scope to what it returns, so a principal never receives another
school's rows, and only analysts receive student-level rows.

The caches are shared by every session (st.cache_resource, each result held once; a caller
receives its own copy-on-write copy, `cache.handed_out`). The whole-district results are cached
by private functions (names starting with `_raw`) that pages never call; what pages receive is
cached again keyed on the scope, so one user's result is never served to another. Every cache
key also holds the database stamp (it changes when a load replaces the file) and the frozen
Filters.

The door is this package's names (`data.cells`, `data.measure_table`, ...); behind it `cache`
holds the caches and the shared whole-district results, `results` the measures as a user
receives them, `writing` what people write, `analysts` what only analysts see, and
`page_source` the views' Source over them.
"""

# The door: what pages receive, each taking the user's Scope first (__all__, checked name by
# name by tests/app/test_scoped_data.py).
from monitor.ui.data.analysts import (
    data_health,
    database_path,
    load_rejections,
    loads_recent,
    rejected_rows,
    table_row_counts,
)

# The app's own plumbing: the stamp and caches, the cache warmer, the views' Source.
from monitor.ui.data.cache import RUN_STAMP as RUN_STAMP
from monitor.ui.data.cache import database_stamp as database_stamp
from monitor.ui.data.cache import database_version as database_version
from monitor.ui.data.cache import forget_results as forget_results
from monitor.ui.data.cache import goals_unreadable as goals_unreadable
from monitor.ui.data.cache import ready as ready
from monitor.ui.data.cache import (
    settings,
    stamp,
)
from monitor.ui.data.cache import view as view
from monitor.ui.data.goals import (
    goal_desk,
    goal_history,
    goal_records,
    goal_suggestions,
    proposals,
)
from monitor.ui.data.page_source import PageSource as PageSource
from monitor.ui.data.results import PEER_MINIMUM as PEER_MINIMUM
from monitor.ui.data.results import (
    caaspp_comparison,
    catching_up,
    cells,
    coverage,
    freshness,
    level_transitions,
    measure_table,
    observer_calibration,
    peer_summary,
    prefetch_cells,
    response_rates,
    schools,
    survey_item_cells,
    walk_dates,
    walkthrough_ratings,
    walkthrough_subjects,
    week_changes,
)
from monitor.ui.data.results import rating_cells as rating_cells
from monitor.ui.data.results import warm as warm
from monitor.ui.data.writing import (
    cycle_desk,
    cycle_points,
    cycles,
    debrief_notes,
    every_cycle,
    reflections,
)
from monitor.ui.data.writing import notes_for_walk as notes_for_walk
from monitor.ui.data.writing import store_version as store_version

__all__ = [
    "settings",
    "stamp",
    "cells",
    "prefetch_cells",
    "survey_item_cells",
    "measure_table",
    "schools",
    "caaspp_comparison",
    "catching_up",
    "level_transitions",
    "response_rates",
    "coverage",
    "peer_summary",
    "loads_recent",
    "week_changes",
    "table_row_counts",
    "rejected_rows",
    "database_path",
    "walkthrough_ratings",
    "observer_calibration",
    "walk_dates",
    "walkthrough_subjects",
    "debrief_notes",
    "data_health",
    "load_rejections",
    "cycles",
    "every_cycle",
    "cycle_desk",
    "cycle_points",
    "reflections",
    "freshness",
    "goal_desk",
    "goal_records",
    "proposals",
    "goal_history",
    "goal_suggestions",
]
