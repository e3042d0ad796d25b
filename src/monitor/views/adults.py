"""The School page's adults (teachers' practice growth, coaching goals, leaders' coaching): for
each, the school's own trajectory where any of its values this year can be shown, else the
district's with one line saying why (a school has a handful of leaders: a count of them never
reaches the minimum, so the leaders' rubric is a district measure)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from monitor import registry


@dataclass(frozen=True)
class Adults:
    """One adult measure on a school's page: whose trajectory to draw (the school's, or the
    district's), what its tab is called, and the line under the tab (empty for the school's)."""

    measure: str
    tab: str
    school_shown: bool
    line: str


def adults(measure: str, school_name: str, school: pd.DataFrame, min_n: int) -> Adults:
    """`school`: the school's trajectory this year (monitor.views.trajectories.trajectory)."""
    spec = registry.spec(measure)
    shown = school["value"].notna().any() if len(school) else False
    if shown:
        return Adults(measure, spec.short, True, "")
    present = school[school["present"].astype(bool)] if "present" in school else school.iloc[0:0]
    if len(present):
        why = (f"each of its values this year rests on fewer than {min_n} {spec.unit}, so none "
               "can be shown without telling individuals'")
    else:
        why = f"none of its {spec.unit} is in the records this year"
    if spec.few_per_school:
        why = (f"a school has a handful of {spec.unit}, never {min_n}: this is a measure of "
               "the district")
    return Adults(measure, f"{spec.short} (district)", False,
                  f"Not shown for {school_name}: {why}. The district's, every school together.")
