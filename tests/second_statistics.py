"""A measure's second statistics read back from its protected cells, as the Student groups
page shows them: what tests compare `monitor measures` and the hand-worked answers with."""

from __future__ import annotations

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.db import Database
from monitor.measures.selection import Filters
from monitor.views.reads import measure_cells


def measure_statistics(db: Database, settings: Settings, measure: str,
                       filters: Filters) -> pd.DataFrame:
    """A measure's second statistics per (school_year, window_id, scope, group_id), from the
    lattice (monitor.registry names them): i-Ready median percent progress to typical and to
    stretch growth, and how many students had no baseline; mean percent correct for
    benchmarks, performance tasks and ESGI. A hidden cell has none."""
    names = registry.spec(measure).statistics
    cells = measure_cells(db, settings, measure, filters)
    rows = cells[cells["all_details"]].rename(columns=names)
    return rows[["school_year", "window_id", "scope", "group_id", "n", *names.values()]
                ].reset_index(drop=True)
