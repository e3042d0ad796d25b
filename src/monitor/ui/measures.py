"""Page-level helpers for showing one measure: its trajectory and its labels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from monitor import registry, text
from monitor.access import Scope
from monitor.config import Settings
from monitor.measures import goals, selection
from monitor.registry import MeasureId
from monitor.school_years import previous_school_year
from monitor.ui import components, data, figures
from monitor.ui import filters as filters_ui
from monitor.views import breakdowns, findings, glance, measures_table, trajectories
from monitor.views import measures as views

scoped_filters = views.scoped_filters


def trajectory(settings: Settings, measure: str, filters: selection.Filters,  # noqa: ARG001
               detail: str | None = None) -> pd.DataFrame:
    """The measure's trajectory for the filters' school (or the district) and group."""
    return _trajectory(filters_ui.scope(), measure, filters, detail)


# Page computations over every school's cells, cached per scope and filters (data.view): at
# district scale they, not the queries, are most of a warm rerun. The computations are
# monitor.views', over the pages' data (data.PageSource).

@data.view
def _trajectory(scope: Scope, measure: str, filters: selection.Filters,
                detail: str | None) -> pd.DataFrame:
    return views.trajectory(data.PageSource(scope), measure, filters, detail)


@data.view
def by_school(scope: Scope, measure: str, filters: selection.Filters, window_id: str,
              level: str | None = None) -> pd.DataFrame:
    """Each school in scope (of one level, or all) at a window: value, target, status."""
    return views.by_school(data.PageSource(scope), measure, filters, window_id, level)


@data.view
def schools_with_results(scope: Scope, measure: str, filters: selection.Filters) -> list[str]:
    """The schools in scope with any result for the measure in the filters' two years."""
    return sorted(data.cells(scope, measure, filters)["scope"].unique())


@data.view
def by_detail(scope: Scope, measure: str, filters: selection.Filters,
              window_id: str) -> pd.DataFrame:
    """Each detail (walkthrough indicator, survey construct) at a window, with last year."""
    return views.by_detail(data.PageSource(scope), measure, filters, window_id)


@data.view
def survey_items(scope: Scope, filters: selection.Filters, window_id: str) -> pd.DataFrame:
    """Each survey item at a window, with last year."""
    return breakdowns.by_detail(data.survey_item_cells(scope, filters), data.settings(), filters,
                                window_id)


@data.view
def by_grade(scope: Scope, measure: str, filters: selection.Filters, window_id: str,
             grades: tuple[str, ...]) -> pd.DataFrame:
    """The filters' school at a window in each of `grades` that has results, beside the
    district's same grade (detail, value, n, display, last_year = the district's, target)."""
    rows = []
    for grade in grades:
        graded = filters.model_copy(update={"grade": grade})
        here = trajectories.latest_at(_trajectory(scope, measure, graded, None), window_id)
        if not here["present"]:
            continue
        there = trajectories.latest_at(_trajectory(
            scope, measure, graded.model_copy(update={"school": None}), None), window_id)
        rows.append({"detail": grade, "value": here["value"], "n": here["n"],
                     "display": here["display"], "last_year": there["value"],
                     "target": here["target"]})
    return pd.DataFrame(rows, columns=["detail", "value", "n", "display", "last_year",
                                       "target"])


@data.view
def by_group(scope: Scope, measure: str, filters: selection.Filters,
             window_id: str) -> pd.DataFrame:
    """Each student group at a window for the filters' school (or the district)."""
    return breakdowns.by_group(data.cells(scope, measure, filters), data.settings(), filters,
                               window_id)


@data.view
def tables_through(scope: Scope, filters: selection.Filters, measures: tuple[str, ...],
                   one_scope: bool = False) -> dict[str, pd.DataFrame]:
    """The measures tables of several measures up to the view date, keyed by tile label (with
    `one_scope`, of the filters' school or the district only)."""
    settings = data.settings()
    scoped = {m: scoped_filters(m, filters) for m in measures}
    data.prefetch_cells(scope, list(scoped.items()))
    return {tile_label(settings, m, f): selection.table_through(
        data.measure_table(scope, m, f, one_scope), settings, m, filters)
        for m, f in scoped.items()}


group_names = views.group_names


@data.view
def status_grid(scope: Scope, filters: selection.Filters,
                measures: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Schools x measures at each measure's latest window, and the schools and groups that
    need attention."""
    settings = data.settings()
    tables = tables_through(scope, filters, measures)
    schools = data.schools(scope)
    grid = measures_table.status_grid(tables, schools, filters.school_year)
    headline = frozenset(tile_label(settings, m, scoped_filters(m, filters)) for m in measures
                         if settings.measures[m].headline)
    attention = findings.needs_attention(
        tables, dict(zip(schools["school_code"], schools["school_name"], strict=True)),
        group_names(settings), filters.school_year, headline)
    return grid, attention


def headline_tables(scope: Scope, filters: selection.Filters,
                    one_scope: bool = False) -> dict[str, pd.DataFrame]:
    """Every headline goal's measures table (each headline measure, ELA and Math apart), for
    all students: the goals a first screen answers for."""
    settings = data.settings()
    headline = tuple(m for m, cfg in settings.measures.items() if cfg.headline)
    each = [filters.model_copy(update={"subject": subject, "group": "all"})
            for subject in registry.STUDENT_SUBJECTS]
    data.prefetch_cells(scope, [(m, scoped_filters(m, f)) for f in each for m in headline])
    tables: dict[str, pd.DataFrame] = {}
    for f in each:
        tables |= tables_through(scope, f, headline, one_scope)
    return tables


@data.view
def goals_off_track(scope: Scope, filters: selection.Filters) -> list[glance.Goal]:
    """Which schools are below each headline goal, the furthest first (monitor.views.glance)."""
    schools = data.schools(scope)
    return glance.off_track(headline_tables(scope, filters.model_copy(update={"school": None})),
                            dict(zip(schools["school_code"], schools["school_name"],
                                     strict=True)), filters.school_year)


@data.view
def scope_goals(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """The filters' school (or the district) against each headline goal (monitor.views.glance)."""
    return glance.scope_goals(headline_tables(scope, filters, True), filters.school or "district",
                              filters.school_year)


@data.view
def school_attention(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """A school's own attention list: the school, its groups, its grades (monitor.views.glance)."""
    settings = data.settings()
    school = filters.school
    row = data.schools(scope).set_index("school_code").loc[school]
    whole = filters.model_copy(update={"grade": None})
    tables = {}
    for subject in registry.STUDENT_SUBJECTS:
        tables |= tables_through(scope, whole.model_copy(update={"subject": subject}),
                                 tuple(m for m, c in settings.measures.items() if c.headline),
                                 True)
    grades = {grade: headline_tables(scope, whole.model_copy(update={"grade": grade}), True)
              for grade in breakdowns.level_grades(row["level"])}
    return glance.school_attention(tables, grades, school, row["school_name"],
                                   group_names(settings), filters.school_year)


@data.view
def dashboard_grid(scope: Scope, filters: selection.Filters,
                   measures: tuple[str, ...]) -> pd.DataFrame:
    """Groups x measures, California School Dashboard style, for the filters' school."""
    settings = data.settings()
    return measures_table.dashboard_grid(tables_through(scope, filters, measures, True),
                                         filters.school or "district", group_names(settings),
                                         filters.school_year)


@data.view
def gap_changes(scope: Scope, measure: str, filters: selection.Filters) -> pd.DataFrame:
    """Each group's gap now against the same window last year, for the filters' school."""
    settings = data.settings()
    scoped = scoped_filters(measure, filters)
    table = selection.table_through(data.measure_table(scope, measure, scoped, True), settings,
                                    measure, filters)
    return measures_table.gap_changes(table, filters.school or "district", group_names(settings),
                                      filters.school_year)


def subject_label(settings: Settings, measure: str, filters: selection.Filters) -> str:
    label = settings.measures[measure].label
    if measure == MeasureId.SURVEY:
        return "Student survey: % favorable"
    if filters.subject and registry.spec(measure).subjects == registry.STUDENT_SUBJECTS:
        return f"{filters.subject} {label[0].lower()}{label[1:]}"
    return label


tile_label = views.tile_label


n_note = views.n_note


def render_trajectory(settings: Settings, measure: str, frame: pd.DataFrame, label: str, *,
                      key: str, comparison: pd.DataFrame | None = None,
                      comparison_label: str = "District", table: pd.DataFrame | None = None,
                      narrow: bool = False) -> None:
    """A trajectory chart titled with its finding, with its n, as-of date, table and CSV."""
    min_n = settings.privacy.min_n
    note = n_note(frame, measure)
    if "projection_basis" in frame and frame["projection_basis"].notna().any():
        note += f" · dotted line: {frame['projection_basis'].iloc[0]}"
    components.render_chart(
        findings.finding(label, frame, min_n),
        figures.goal_trajectory_chart(
            frame, label, comparison, comparison_label,
            first_window_empty=registry.spec(measure).first_window_empty),
        (lambda: components.trajectory_table(frame)) if table is None else table,
        as_of=settings.as_of_date(), n_note=note, key=key, narrow=narrow)


# Status against goal, as a badge: the first thing the eye meets on a tile. Same colours and
# words as the charts (monitor.present.charts.STATUS_COLOURS), with a mark for those who cannot tell
# the colours apart.
BADGES = {"met": ("blue", "✓ Met"), "approaching": ("orange", "≈ Approaching"),
          "not met": ("red", "✗ Not met")}


def tile_subjects(measure: str, filters: selection.Filters) -> list[str | None]:
    """The subjects a headline tile shows side by side: ELA and Math together for a student
    measure (the superintendent's one row), the measure's own pooled value otherwise."""
    subjects = registry.spec(measure).subjects
    return list(subjects) if subjects == registry.STUDENT_SUBJECTS else [None]


def tile_filters(measure: str, filters: selection.Filters,
                 subject: str | None) -> selection.Filters:
    """A tile's filters: its subject, and for measures of classrooms or teachers (learning
    walks, teacher growth), all of them (they have no student groups)."""
    update: dict[str, object] = {"subject": subject or filters.subject}
    if not registry.spec(measure).student_groups:
        update["group"] = "all"
    return filters.model_copy(update=update)


def render_tiles(settings: Settings, filters: selection.Filters) -> None:
    """One tile per headline measure, ELA and Math side by side: status against goal first (a
    badge: met / approaching / not met, or why there is none), then the value, the goal and n,
    and the change from last year in grey (a change is context, not a verdict)."""
    headline = [m for m, cfg in settings.measures.items() if cfg.headline]
    widths = [len(tile_subjects(m, filters)) for m in headline]
    # A district status waits for enough schools in an open window (a school's own does not).
    schedule = calendar(filters_ui.scope(), filters) if filters.school is None else None
    for tile, measure in zip(st.columns(widths), headline, strict=True):
        spec = registry.spec(measure)
        with tile, st.container(border=True):
            st.markdown(f"**{spec.short}**", help=settings.measures[measure].label)
            subjects = tile_subjects(measure, filters)
            for column, subject in zip(st.columns(len(subjects)), subjects, strict=True):
                with column:
                    _tile_value(settings, measure, tile_filters(measure, filters, subject),
                                subject, schedule)
            st.caption(tile_origin(settings, measure, filters, subjects))
            if not spec.student_groups and filters.group != "all":
                st.caption(f"Counts {spec.unit}, not student groups: all of them.")


def goal_line(settings: Settings, measure: str, filters: selection.Filters) -> str:
    """A chart's caption: where the goal of `filters`' school and subject came from, with
    why (Markdown, the setter's words shown as typed)."""
    return ":material/flag: The goal line: " + text.markdown(
        goals.origin_text(settings, measure, filters.school, filters.subject, reason=True))


def tile_origin(settings: Settings, measure: str, filters: selection.Filters,
                subjects: list[str | None]) -> str:
    """A tile's line saying where its goals came from: once when its subjects share one,
    else per subject."""
    origins = {subject: goals.origin_text(settings, measure, filters.school,
                                          subject or filters.subject) for subject in subjects}
    if len(set(origins.values())) == 1:
        return text.markdown(f"Goal: {next(iter(origins.values()))}")
    return text.markdown("; ".join(f"{subject} goal: {origin}"
                                   for subject, origin in origins.items()))


def _tile_value(settings: Settings, measure: str, filters: selection.Filters,
                subject: str | None, schedule: pd.DataFrame | None) -> None:
    frame = trajectory(settings, measure, filters)
    point = trajectories.latest_point(frame)
    label = subject or "All subjects"
    if point is None:
        st.badge("No results", color="gray")
        st.metric(label, "-")
        st.caption(trajectories.nothing_yet(settings, measure, filters, frame))
        return
    target = point["target"]
    status = point["status"] if isinstance(point["status"], str) else None
    # Badges stay short (a tile's column is about 115 px at 1366 px); the caption says more.
    notes = []
    if status is not None:
        colour, words = BADGES[status]
    elif pd.isna(point["value"]):
        colour, words = "gray", "Hidden"
        notes.append("too few to show")
    else:
        colour, words = "gray", "Baseline"
    waiting = None if schedule is None else findings.waiting_for_schools(
        settings, schedule, measure, point["window_id"])
    if waiting is not None:
        colour, words = "gray", "Waiting"
        notes.append(f"{waiting}: status waits for more")
    st.badge(words, color=colour)
    change = point["change_last_year"]
    points = None if pd.isna(change) else trajectories.signed_points(change)
    st.metric(label, point["display"], delta=None if points is None else f"{points} pts",
              delta_color="off", delta_arrow="off" if points == "±0" else "auto")
    goal = "no goal (baseline)" if target is None or pd.isna(target) else f"goal {target:.0f}%"
    window = point["window"] + (" (open)" if point["state"] == "open" else "")
    n = (point["hidden_label"] if pd.isna(point["n"]) and point["hidden_label"]
         else f"n={trajectories.n_text(point['n'], point['hidden_label'])}")
    if points is not None:
        notes.insert(0, "change vs last year")
    st.caption(" · ".join([f"{window}: {goal}", n, *notes]))


@data.view
def calendar(scope: Scope, filters: selection.Filters) -> pd.DataFrame:
    """The assessment calendar of the filters' year at the view date, with how many schools
    in scope have results in each window."""
    settings = data.settings()
    years = [previous_school_year(filters.school_year), filters.school_year]
    return findings.assessment_calendar(settings, data.coverage(scope, years), filters.school_year,
                                        selection.view_date(settings, filters))
