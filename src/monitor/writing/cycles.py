"""Improvement cycles against the data that tests them: each indicator's values over a cycle
from the protected measures lattice, its start, now and target, whether it moved, whether
practice moved before results, and whether commitments were done by their due dates.

Nothing here reads a database: the pages hand in a cycle (monitor.writing.store) and each indicator's
protected values (`points`, through monitor.ui.data.cycle_points on the pages).

A window's value is dated at the window's end (the day its results are complete), or at the
as-of date while it is open. The start value is the latest shown value dated on or before the
cycle's start; "now" is the latest dated within the cycle and by the as-of date. Every measure
here is a percent where more is better (meeting, favorable, proficient), so an indicator has
moved when it has risen `[cycles] moved_points` or more above its start, and has reached its
target at or above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.ingest.walkthroughs import INDICATOR_LABELS
from monitor.items import CONSTRUCT_LABELS, ITEMS_BY_ID, statement
from monitor.measures import selection
from monitor.measures.selection import Filters
from monitor.registry import MeasureId
from monitor.school_years import previous_school_year, school_year_of, school_year_start
from monitor.writing.records import DISTRICT, Cycle, Indicator

LEADING_MEASURES = registry.LEADING


def measured_between(settings: Settings, measure: str, starts: dt.date, ends: dt.date) -> bool:
    """Whether a window of the measure's calendar is open at some time between `starts` and
    `ends`: a cycle can see it move (the spring-only state test cannot test a November to
    January cycle)."""
    years = {school_year_of(starts), school_year_of(ends)}
    for year in years:
        for window in settings.calendar_for(measure).windows:
            opens, closes = window.dates(year)
            if opens <= ends and closes >= starts:
                return True
    return False


def indicator_choices(settings: Settings, kind: str, starts: dt.date | None = None,
                      ends: dt.date | None = None) -> dict[str, Indicator]:
    """What a cycle can follow, by a key a page can keep ("measure|detail|subject"): leading,
    each walkthrough indicator (HQIM use among them), teacher practice growth (pooled and each
    core action) and each survey construct; lagging, each
    student measure in each of its subjects. Targets are set by the user (0 here). With the
    cycle's dates, only what is measured between them (measured_between)."""
    found = _every_indicator(settings, kind)
    if starts is not None and ends is not None:
        found = [i for i in found if measured_between(settings, i.measure, starts, ends)]
    return {choice_key(i): i for i in found}


def _every_indicator(settings: Settings, kind: str) -> list[Indicator]:
    found: list[Indicator] = []
    if kind == "leading":
        found += [Indicator(kind, MeasureId.WALKTHROUGH, 0.0)]        # every indicator pooled
        found += [Indicator(kind, MeasureId.WALKTHROUGH, 0.0, detail=d) for d in INDICATOR_LABELS]
        found += [Indicator(kind, MeasureId.TEACHER_GROWTH, 0.0)]
        found += [Indicator(kind, MeasureId.TEACHER_GROWTH, 0.0, detail=d)
                  for d in registry.TEACHER_GROWTH_LABELS]
        found += [Indicator(kind, MeasureId.COACHING_GOALS, 0.0)]
        found += [Indicator(kind, MeasureId.COACHING_GOALS, 0.0, detail=d) for d in registry.ROLE_LABELS]
        found += [Indicator(kind, MeasureId.LEADER_COACHING, 0.0)]
        found += [Indicator(kind, MeasureId.LEADER_COACHING, 0.0, detail=d)
                  for d in settings.coaching.rubric_domains]
        constructs = {}
        for item in ITEMS_BY_ID.values():
            constructs.setdefault((item.survey, item.construct), None)
        found += [Indicator(kind, MeasureId.SURVEY, 0.0, detail=c, subject=s)
                  for s, c in constructs if s in registry.spec(MeasureId.SURVEY).subjects]
    else:
        for measure, spec in registry.MEASURES.items():
            if measure in LEADING_MEASURES:
                continue
            found += [Indicator(kind, measure, 0.0, subject=s) for s in spec.subjects]
    return found


def choice_key(indicator: Indicator) -> str:
    return "|".join(part or "" for part in indicator.key)


def indicator_label(settings: Settings, indicator: Indicator) -> str:
    """'Learning walks: Core Action 2', 'Benchmark (ELA)', 'Student survey: Belonging'."""
    label = settings.measures[indicator.measure].label
    if indicator.measure == MeasureId.SURVEY and indicator.subject:
        label = f"{indicator.subject.capitalize()} survey"
    detail = indicator.detail
    if detail:
        own = {MeasureId.TEACHER_GROWTH: registry.TEACHER_GROWTH_LABELS,
               MeasureId.COACHING_GOALS: registry.ROLE_LABELS}.get(indicator.measure, {})
        name = (own.get(detail) or INDICATOR_LABELS.get(detail) or CONSTRUCT_LABELS.get(detail)
                or (statement(detail, settings.surveys.wording) if detail in ITEMS_BY_ID
                    else detail))
        label = f"{label}: {name}"
    if indicator.subject and registry.spec(indicator.measure).pool_subjects:
        label = f"{label} ({indicator.subject})"
    return label


def indicator_filters(where: str, indicator: Indicator, school_year: str) -> Filters:
    """The filters whose cells hold an indicator at `where` (a school, or DISTRICT): all
    students, all grades, its subject (learning walks: the subject observed)."""
    update = {"school_year": school_year, "school": None if where == DISTRICT else where,
              "group": "all", "grade": None, "window": None}
    if indicator.measure == MeasureId.WALKTHROUGH:
        update |= {"observed_subject": indicator.subject, "subject": None}
    else:
        update |= {"subject": indicator.subject}
    return Filters(school_year=school_year).model_copy(update=update)


def points(cells: Callable[[str, Filters], pd.DataFrame], settings: Settings, where: str,
           indicator: Indicator, school_year: str) -> pd.DataFrame:
    """One indicator's protected values at `where` (a school, or DISTRICT) for `school_year`
    and the year before, all students, dated. `cells(measure, filters)` reads the lattice's
    cells: the pages' scope-checked reader, or a script's own."""
    f = indicator_filters(where, indicator, school_year)
    rows = selection.scope(cells(indicator.measure, f), f, indicator.detail)
    return dated(rows, settings, indicator.measure, settings.as_of_date())


def dated(points: pd.DataFrame, settings: Settings, measure: str,
          as_of: dt.date) -> pd.DataFrame:
    """`points` (school_year, window_id, value, suppressed, hidden_label) with each window's
    date (its end, or `as_of` while open) and label; windows not yet open on `as_of` are left
    out. Sorted by date."""
    calendar = settings.calendar_for(measure)
    windows = {w.id: w for w in calendar.windows}
    rows = []
    for point in points.itertuples(index=False):
        window = windows.get(point.window_id)
        if window is None:
            continue
        start, end = window.dates(point.school_year)
        if start > as_of:
            continue
        rows.append({"date": min(end, as_of), "school_year": point.school_year,
                     "window_id": point.window_id,
                     "window": f"{window.label} {point.school_year}",
                     "value": None if pd.isna(point.value) else float(point.value),
                     "suppressed": bool(point.suppressed),
                     "hidden_label": point.hidden_label})
    frame = pd.DataFrame(rows, columns=["date", "school_year", "window_id", "window", "value",
                                        "suppressed", "hidden_label"])
    return frame.sort_values("date", kind="stable").reset_index(drop=True)


def value_on(points: pd.DataFrame, day: dt.date) -> float | None:
    """The latest shown value dated on or before `day` (None: none shown by then)."""
    shown = points[points["value"].notna() & (points["date"] <= day)]
    return None if shown.empty else float(shown["value"].iloc[-1])


@dataclass(frozen=True)
class IndicatorReview:
    indicator: Indicator
    label: str
    start: float | None
    now: float | None
    now_window: str | None
    target: float
    moved: bool
    moved_on: dt.date | None        # the first in-cycle date it had moved
    reached: bool
    points: pd.DataFrame            # dated values (see `dated`), inside and around the cycle

    @property
    def change(self) -> float | None:
        return None if self.start is None or self.now is None else self.now - self.start

    def sentence(self, moved_points: float) -> str:
        """Where this indicator stands since the cycle began, in plain words."""
        if self.start is None:
            return (f"{self.label} had no value shown when the cycle began, so there is "
                    "nothing to compare with" + (f"; it is at {self.now:.0f}% now"
                                                 if self.now is not None else "") + ".")
        if self.now is None:
            return (f"{self.label} has not been measured again since the cycle began (it "
                    f"started at {self.start:.0f}%; target {self.target:.0f}%).")
        change = self.now - self.start
        points = round(abs(change))
        if points == 0:
            how = "has not changed"
        else:
            how = f"{'rose' if change > 0 else 'fell'} {points} point{'s' if points != 1 else ''}"
        text = (f"{self.label} {how} since the cycle began ({self.start:.0f}% to "
                f"{self.now:.0f}% at {self.now_window})")
        if self.reached:
            return text + f", reaching its target of {self.target:.0f}%."
        if 0 < change < moved_points:
            text += f", short of the {moved_points:g} points that count as moving"
        return text + f"; target {self.target:.0f}%."


@dataclass(frozen=True)
class Review:
    cycle: Cycle
    indicators: tuple[IndicatorReview, ...]
    practice_first: bool | None     # None: nothing moved yet, or nothing to compare
    commitments_due: int            # due by the as-of date (or the cycle's end)
    commitments_on_time: int        # of those, done by their due date
    as_of: dt.date

    @property
    def finding(self) -> str:
        """The review in one plain sentence, for a chart's title."""
        leading = [r for r in self.indicators if r.indicator.kind == "leading"]
        lagging = [r for r in self.indicators if r.indicator.kind == "lagging"]
        practice = sum(r.moved for r in leading)
        results = sum(r.moved for r in lagging)
        if self.practice_first is True and results:
            return "Practice moved first, and results followed"
        if self.practice_first is True:
            return (f"Practice has moved ({practice} of {len(leading)}); results have not "
                    "yet")
        if self.practice_first is False:
            return (f"Results moved ({results} of {len(lagging)}) before practice"
                    + (" did" if practice else " has"))
        return "Nothing has moved yet since the cycle began"

    def sentences(self, moved_points: float) -> list[str]:
        """Each indicator's story since the cycle began, in plain words: "Learning walks: Core
        Action 2 rose 9 points since the cycle began (52% to 61%, at Q3)", "The benchmark
        has not been given again since the cycle began"."""
        return [r.sentence(moved_points) for r in self.indicators]

def review(cycle: Cycle, points: dict[int, pd.DataFrame], settings: Settings,
           as_of: dt.date) -> Review:
    """The cycle's review on `as_of`: `points` holds each indicator's dated values (by the
    indicator's id; see `dated`)."""
    threshold = settings.cycles.moved_points
    until = min(as_of, cycle.ends_on)
    reviews = []
    for indicator in cycle.indicators:
        frame = points.get(indicator.id, pd.DataFrame(columns=["date", "value", "window"]))
        start = indicator.start_value
        inside = frame[(frame["date"] > cycle.starts_on) & (frame["date"] <= until)
                       & frame["value"].notna()]
        now = float(inside["value"].iloc[-1]) if len(inside) else None
        moved_on = None
        if start is not None:
            hits = inside[inside["value"] - start >= threshold]
            moved_on = hits["date"].iloc[0] if len(hits) else None
        reached = now is not None and now >= indicator.target
        reviews.append(IndicatorReview(
            indicator, indicator_label(settings, indicator), start, now,
            inside["window"].iloc[-1] if len(inside) else None, indicator.target,
            moved_on is not None, moved_on, reached, frame))
    first = {kind: min((r.moved_on for r in reviews
                        if r.indicator.kind == kind and r.moved_on is not None), default=None)
             for kind in ("leading", "lagging")}
    if first["leading"] is None and first["lagging"] is None:
        practice_first = None
    elif first["lagging"] is None:
        practice_first = True
    elif first["leading"] is None:
        practice_first = False
    else:
        practice_first = first["leading"] < first["lagging"]
    due = [c for c in cycle.commitments if c.due_on <= until and c.status != "dropped"]
    on_time = [c for c in due if c.status == "done" and c.done_on is not None
               and c.done_on <= c.due_on]
    return Review(cycle, tuple(reviews), practice_first, len(due), len(on_time), as_of)


def quarters(settings: Settings, school_year: str) -> list[tuple[dt.date, dt.date]]:
    """The school year's learning-walk quarters: each from its walk's first day to the day
    before the next walk's (the last to the day before next year's first walk), so that a
    quarter holds its walk and the results that follow it."""
    windows = settings.calendar_for(MeasureId.WALKTHROUGH).windows
    starts = [w.dates(school_year)[0] for w in windows]
    starts.append(windows[0].dates(_next_year(school_year))[0])
    return [(start, following - dt.timedelta(days=1))
            for start, following in zip(starts, starts[1:], strict=False)]


def default_dates(settings: Settings, day: dt.date) -> tuple[dt.date, dt.date]:
    """A new cycle's dates: the learning-walk quarter `day` falls in (see `quarters`), or
    `[cycles] length_days` from `day` when set."""
    length = settings.cycles.length_days
    if length:
        return day, day + dt.timedelta(days=length - 1)
    year = school_year_of(day)
    for school_year in (previous_school_year(year), year):
        for start, end in quarters(settings, school_year):
            if start <= day <= end:
                return start, end
    return quarters(settings, year)[0]


def _next_year(school_year: str) -> str:
    start = school_year_start(school_year) + 1
    return f"{start}-{(start + 1) % 100:02d}"
