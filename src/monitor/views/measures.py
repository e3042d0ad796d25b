"""A measure as the pages show it for one scope: its trajectory, each school, each detail
(indicators, constructs), the core actions' ratings; and how a chart says its n."""

from __future__ import annotations

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.measures import privacy, selection
from monitor.registry import MeasureId
from monitor.views import breakdowns, measures_table, trajectories
from monitor.views.source import Source


def scoped_filters(measure: str, filters: selection.Filters) -> selection.Filters:
    """Surveys are reported by survey (student/teacher/leader), not by ELA/Math."""
    if measure == MeasureId.SURVEY and filters.subject not in ("student", "teacher", "leader"):
        return filters.model_copy(update={"subject": "student"})
    return filters


def tile_label(settings: Settings, measure: str, filters: selection.Filters) -> str:
    """A label short enough for a headline tile; the full label goes in its help."""
    spec = registry.spec(measure)
    by_subject = filters.subject and spec.subjects == registry.STUDENT_SUBJECTS
    return spec.short + (f" {filters.subject}" if by_subject else "")


def group_names(settings: Settings) -> dict[str, str]:
    """The measures table's group names mapped to the groups' labels."""
    return {measures_table.group_name(settings, g): label
            for g, label in settings.group_labels.items()}


def tables_through(source: Source, filters: selection.Filters,
                   measures: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The measures tables of several measures in `source`'s scope up to the view date, keyed
    by tile label (what the pages' tables_through gives, read directly)."""
    settings = source.settings
    found = {}
    for measure in measures:
        scoped = scoped_filters(measure, filters)
        table = measures_table.measure_table(
            source.cells(measure, scoped), settings, measure,
            selection.subject_of(measure, scoped), scoped.grade)
        found[tile_label(settings, measure, scoped)] = selection.table_through(
            table, settings, measure, filters)
    return found


def trajectory(source: Source, measure: str, filters: selection.Filters,
               detail: str | None = None) -> pd.DataFrame:
    """The measure's trajectory for the filters' school (or the district) and group."""
    scoped = scoped_filters(measure, filters)
    return trajectories.trajectory(source.cells(measure, scoped), source.settings, measure,
                                   scoped, detail)


def by_school(source: Source, measure: str, filters: selection.Filters, window_id: str,
              level: str | None = None) -> pd.DataFrame:
    """Each school in scope (of one level, or all) at a window: value, target, status."""
    schools = source.schools()
    if level is not None:
        schools = schools[schools["level"] == level]
    return breakdowns.by_school(source.cells(measure, filters), source.settings, measure,
                                filters, window_id, schools)


def by_detail(source: Source, measure: str, filters: selection.Filters,
              window_id: str) -> pd.DataFrame:
    """Each detail (walkthrough indicator, survey construct) at a window, with last year."""
    return breakdowns.by_detail(source.cells(measure, filters), source.settings, filters,
                                window_id)


def walkthrough_ratings(source: Source, filters: selection.Filters) -> pd.DataFrame:
    """Core Actions 2 and 3 by rating per walk, for the filters' school (or the district)."""
    return breakdowns.rating_distribution(source.rating_cells(filters),
                                          filters.school or privacy.DISTRICT)


def n_note(frame: pd.DataFrame, measure: str) -> str:
    """A trajectory's n as its chart's caption says it."""
    point = trajectories.latest_point(frame)
    unit = registry.spec(measure).unit
    if point is None:
        return f"n = 0 {unit}"
    return trajectories.n_phrase(point["n"], point["hidden_label"], unit, point["window"])
