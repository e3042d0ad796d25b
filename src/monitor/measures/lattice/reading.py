"""Reading: one measure's cells as a reader may see them (everyone's from the stored
lattice, a principal's from their view), public columns only."""

from __future__ import annotations

import pandas as pd

from monitor.config import Settings
from monitor.measures.lattice.dimensions import PUBLIC
from monitor.measures.lattice.principal import principal_view
from monitor.measures.lattice.stored import _in_memory, _stored_is_current


def read(db, settings: Settings, measure: str, years: list[str], subject: str,
         grade: str, schools: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One measure's cells for one subject and grade key (POOLED for all), the given years:
    public columns only. `db` is a Database or a VersionView. With `schools` (a principal's),
    the district and those schools as that principal's view protects them."""
    params = {"measure": measure, "years": years, "subject": subject, "grade": grade}
    if schools is not None:
        memory = principal_view(db, settings, schools)
    elif _stored_is_current(db, settings):
        return db.query("lattice_cells", params)
    else:
        memory = _in_memory(db, settings)
    rows = memory[(memory["measure"] == measure) & (memory["subject"] == subject)
                  & (memory["grade"] == grade) & memory["school_year"].isin(years)]
    return rows.rename(columns={"hidden": "suppressed"})[PUBLIC].reset_index(drop=True)
