"""The learning walk's debrief: its findings slide by slide, for the page, the projected room,
the PDF and the PowerPoint (monitor.present.debrief draws the decks), read through a Source.

One finding per slide: the opening (the walk, the room's next steps from the walk before),
the trend against the goal, the indicators, Core Actions 2 and 3 by rating, teachers'
practice growth, the schools at the walk (a strip: the furthest below named, a school's deck
marks its school), practice beside the benchmark that followed, and the improvement cycle's
review. A slide whose chart would be all hidden says so in one line instead. Nothing
identifying: no teacher, student or observer is named; every value is the protected one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor import registry
from monitor.config import Settings
from monitor.ingest.walkthroughs import INDICATOR_LABELS
from monitor.measures import goals, selection
from monitor.present import charts
from monitor.present.debrief import MAX_LABELS, ChartData, Slide
from monitor.registry import MeasureId
from monitor.school_years import previous_school_year
from monitor.views import findings, measures, trajectories
from monitor.views.review import cycle_slide
from monitor.views.source import Source

OUTCOME = MeasureId.BENCHMARK
RATING_NAMES = {1: "Not Yet", 2: "Somewhat", 3: "Mostly", 4: "Yes"}
CORE_ACTIONS = {"ca2": "Core Action 2", "ca3": "Core Action 3"}
STEPS_SHOWN, STEP_CHARS = 6, 140      # the opening slide's next steps, read across a room


@dataclass
class Walk:
    window_id: str
    label: str
    school_year: str
    where: str                     # "District" or the school's name
    notes_scope: str               # "district" or the school code
    cutoff: dt.date | None         # the last day observed on this walk
    observations: int | None       # None when the walk's own count is hidden

    @property
    def heading(self) -> str:
        return f"Learning walk {self.label} {self.school_year}: {self.where}"


def current_walk(source: Source, f: selection.Filters,
                 window_id: str | None = None) -> Walk | None:
    """The latest walk of the filters' year with observations (up to the window filter), or
    the walk `window_id`."""
    frame = measures.trajectory(source, MeasureId.WALKTHROUGH, f)
    if window_id is not None:
        frame = frame[frame["window_id"] == window_id]
    point = trajectories.latest_point(frame)
    if point is None:
        return None
    dates = source.walk_dates(f).set_index("window_id")
    cutoff = (pd.Timestamp(dates.loc[point["window_id"], "last_observed"]).date()
              if point["window_id"] in dates.index else None)
    where = "District" if f.school is None else source.schools().set_index(
        "school_code").loc[f.school, "school_name"]
    return Walk(point["window_id"], point["window"], f.school_year, where,
                f.school or "district", cutoff, trajectories.shown_n(point["n"]))


def caption(settings: Settings, walk: Walk, n_note: str) -> str:
    cut = f" · observations through {walk.cutoff:%B %-d, %Y}" if walk.cutoff else ""
    return f"{n_note} · as of {settings.as_of_date():%B %-d, %Y}{cut}"


def previous_next_steps(source: Source, walk: Walk) -> tuple[str | None, list[str]]:
    """The next steps the room wrote at the walk before this one (last year's last walk
    before the year's first), as lines for the opening slide."""
    ids = source.settings.calendar_for(MeasureId.WALKTHROUGH).ids
    position = ids.index(walk.window_id)
    year, window = ((walk.school_year, ids[position - 1]) if position > 0
                    else (previous_school_year(walk.school_year), ids[-1]))
    notes = source.notes_for_walk(year, window, walk.notes_scope)
    steps = [line.strip(" -•\t") for note in notes.values()
             for line in note.next_steps.splitlines() if line.strip()]
    label = source.settings.calendar_for(MeasureId.WALKTHROUGH).label_of(window)
    return (f"{label} {year}" if notes else None), steps


def _values(frame: pd.DataFrame, column: str) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in frame[column]]


def slides(source: Source, f: selection.Filters, walk: Walk) -> list[Slide]:
    """The debrief's slides, in order (see the module docstring)."""
    settings = source.settings
    min_n = settings.privacy.min_n
    calendar = settings.calendar_for(MeasureId.WALKTHROUGH)
    frame = measures.trajectory(source, MeasureId.WALKTHROUGH, f)
    label = "All indicators: % of indicator ratings meeting"
    deck: list[Slide] = []

    since, steps = previous_next_steps(source, walk)
    opening = [f"{trajectories.n_text(walk.observations, 'Too few')} classroom observations "
               "on this walk."]
    if since:
        # As many as a slide shows large; the rest counted (all are in the notes).
        shown = [s if len(s) <= STEP_CHARS else s[:STEP_CHARS - 1].rstrip() + "…"
                 for s in steps[:STEPS_SHOWN]]
        opening += [f"Our next steps from {since}:"] + [f"- {s}" for s in shown
                                                       or ["(none written)"]]
        if len(steps) > STEPS_SHOWN:
            opening.append(f"…and {len(steps) - STEPS_SHOWN} more, in the notes of {since}")
    else:
        opening.append("No next steps were saved at the walk before this one.")
    deck.append(Slide("opening", walk.heading, caption(settings, walk, "Learning walk debrief"),
                      lines=opening))

    trend = ChartData("line", list(frame["window"]), [
        ("This year", _values(frame, "value")), ("Last year", _values(frame, "last_year")),
        ("Goal", _values(frame, "target"))], goal_series="Goal")
    deck.append(_or_line(Slide(
        "trend", findings.finding(label, frame, min_n),
        caption(settings, walk, measures.n_note(frame, MeasureId.WALKTHROUGH)),
        charts.goal_trajectory_chart(frame, label), table=trajectories.trajectory_table(frame),
        chart=trend), frame["value"].notna().any(),
        f"{walk.label}: too few observations this year to show a trend"))

    merged = measures.by_detail(source, MeasureId.WALKTHROUGH, f, walk.window_id)
    target = goals.goal_for(settings, MeasureId.WALKTHROUGH, walk.window_id, f.school)
    shown = merged[merged["value"].notna()]
    if len(shown):
        lowest = shown.sort_values("value").iloc[0]
        title = (f"{walk.label}: {INDICATOR_LABELS.get(lowest['detail'], lowest['detail'])} "
                 f"is lowest at {lowest['value']:.0f}% of observations meeting")
        if target is not None:
            below = int((shown["value"] < target).sum())
            title += f"; {below} of {len(shown)} indicators below the {target:.0f}% goal"
    else:
        title = f"{walk.label} by indicator: too few observations to show"
    table = merged.assign(indicator=merged["detail"].map(INDICATOR_LABELS))[
        ["indicator", "value", "n", "last_year"]].rename(columns={
            "indicator": "Indicator", "value": "Value (%)", "n": "Observations",
            "last_year": "Same walk last year (%)"})
    ordered = merged.sort_values("value", na_position="last")
    indicators = ChartData("bars", [INDICATOR_LABELS.get(d, d) for d in ordered["detail"]], [
        (f"{walk.label} {f.school_year}", _values(ordered, "value")),
        ("Same walk last year", _values(ordered, "last_year"))], goal=target)
    deck.append(_or_line(Slide(
        "indicators", title,
        caption(settings, walk, trajectories.n_phrase(walk.observations, None, "observations")),
        charts.detail_chart(merged, INDICATOR_LABELS, target, f"{walk.label} {f.school_year}",
                            f"{calendar.label_of(walk.window_id)} last year"), table=table,
        chart=indicators), bool(len(shown)), title))

    ratings = measures.walkthrough_ratings(source, f)
    if len(ratings):
        deck.append(_ratings_slide(settings, walk, ratings, calendar))

    deck.append(teacher_growth(source, f, walk))
    deck.append(schools_slide(source, f, walk, label))
    leading = leading_to_lagging(source, f)
    if leading is not None:
        deck.append(leading)
    cycle = cycle_slide(source, f.school)
    if cycle is not None:
        deck.append(cycle)
    return deck


def _or_line(slide: Slide, shown: bool, line: str) -> Slide:
    """The slide, or where nothing of its chart may be shown, its finding in one line."""
    if shown:
        return slide
    return Slide(slide.key, slide.title, slide.caption, lines=[line], table=slide.table)


def _ratings_slide(settings: Settings, walk: Walk, ratings: pd.DataFrame, calendar) -> Slide:
    shown = ratings[~ratings["suppressed"]]
    now = shown[shown["window_id"] == walk.window_id]
    strong = now[now["rating"] >= 3].groupby("core_action")["percent"].sum()
    parts = [f"Core Action {c[-1]} {strong[c]:.0f}%" for c in CORE_ACTIONS if c in strong]
    title = (f"{walk.label}: observations rated Mostly or Yes: " + ", ".join(parts)
             if parts else f"{walk.label}: too few observations of Core Actions 2 and 3 to "
             "show their ratings")
    # A hidden core action's walk is one row, with its label, not four empty ones.
    hidden = ratings[ratings["suppressed"]].drop_duplicates(["window_id", "core_action"])
    listed = pd.concat([shown, hidden.assign(label=hidden["hidden_label"])]).sort_values(
        ["window_id", "core_action", "rating"])
    table = listed.assign(walk=listed["window_id"].map(calendar.label_of),
                          core_action=listed["core_action"].map(CORE_ACTIONS))[
        ["walk", "core_action", "label", "n", "total", "percent"]].rename(columns={
            "walk": "Walk", "core_action": "Core action", "label": "Rating",
            "n": "Observations", "total": "Observations rated", "percent": "Percent"})
    gaps = [f"{CORE_ACTIONS[c]} at {calendar.label_of(w)}" for w, c in
            zip(hidden["window_id"], hidden["core_action"], strict=True)]
    note = "Share of observations at each rating; walks this year"
    if gaps:
        note += (f"; not shown (too few observations, or to protect another cell): "
                 f"{', '.join(gaps)}")
    # The room's chart: each core action at each walk shown (at most a dozen bars), its
    # ratings as shares.
    bars = shown.assign(bar=shown["core_action"].map(CORE_ACTIONS) + " · "
                        + shown["window_id"].map(calendar.label_of))
    keys = list(dict.fromkeys(bars.sort_values(["core_action", "window_id"])["bar"]))[
        -MAX_LABELS:]
    wide = bars.pivot_table(index="bar", columns="rating", values="percent").reindex(keys)
    chart = ChartData("stacked", keys, [
        (RATING_NAMES[r], [None if pd.isna(v) else float(v) for v in wide.get(r, [])])
        for r in RATING_NAMES if r in wide.columns])
    slide = Slide("ratings", title, caption(settings, walk, note),
                  charts.rating_chart(shown, {w.id: w.label for w in calendar.windows})
                  if len(shown) else None, table=table, chart=chart if keys else None)
    return _or_line(slide, bool(len(shown)), title)


def teacher_growth(source: Source, f: selection.Filters, walk: Walk) -> Slide:
    """Teachers observed at least twice this year: the share whose Core Action 2 and 3
    ratings rose since their first walk, each core action first to latest and walk to walk,
    against the goal. Counts of teachers only (a teacher is never named; small counts hidden
    as any other cell)."""
    settings = source.settings
    merged = measures.by_detail(source, MeasureId.TEACHER_GROWTH, f, walk.window_id)
    merged = merged[merged["present"]] if "present" in merged else merged
    if merged.empty:
        return Slide("teachers", f"{walk.label}: no teacher observed twice yet this year",
                     caption(settings, walk, "Teacher practice growth"), lines=[
                         "Teacher practice growth compares each teacher's Core Action 2 and 3 "
                         "ratings with their first walk of the year and the walk before.",
                         "It needs a teacher observed on two walks, named the same way in the "
                         "walk form's Teacher column."])
    labels = registry.TEACHER_GROWTH_LABELS
    target = goals.goal_for(settings, MeasureId.TEACHER_GROWTH, walk.window_id, f.school)
    frame = measures.trajectory(source, MeasureId.TEACHER_GROWTH, f)
    here = frame[frame["window_id"] == walk.window_id]
    point = here.iloc[0] if len(here) else None
    if point is not None and pd.notna(point["value"]):
        title = (f"{walk.label}: {point['value']:.0f}% of the "
                 f"{trajectories.n_text(point['n'])} teachers observed at least twice rated "
                 "higher on Core Actions 2 and 3 than at their first walk")
        if target is not None and pd.notna(target):
            title += f" (goal {target:.0f}%)"
    else:
        title = (f"{walk.label}: too few teachers observed twice to show how their practice "
                 "moved")
    table = merged.assign(comparison=merged["detail"].map(labels))[
        ["comparison", "value", "n", "last_year"]].rename(columns={
            "comparison": "Comparison", "value": "Teachers up (%)", "n": "Teachers",
            "last_year": "Same walk last year (%)"})
    note = ("Teachers observed at least twice this year (walk to walk: on this walk and the "
            "one before); a teacher's latest rating against their first; no teacher is named")
    chart = ChartData("bars", [labels.get(d, d) for d in merged["detail"]], [
        (f"{walk.label} {f.school_year}", _values(merged, "value")),
        ("Same walk last year", _values(merged, "last_year"))], goal=target)
    slide = Slide("teachers", title, caption(settings, walk, note),
                  charts.detail_chart(merged, labels, target, f"{walk.label} {f.school_year}",
                                      f"{settings.calendar_for(MeasureId.WALKTHROUGH).label_of(walk.window_id)}"
                                      " last year"), table=table, chart=chart)
    return _or_line(slide, merged["value"].notna().any(), title)


def schools_slide(source: Source, f: selection.Filters, walk: Walk, label: str) -> Slide:
    """Every school at the walk as a strip along the percent axis: the furthest below the goal
    named (a school's deck names and marks its own school instead), the rest one dot each and
    summed up in the title."""
    settings = source.settings
    district = f.model_copy(update={"school": None})
    schools = measures.by_school(source, MeasureId.WALKTHROUGH, district, walk.window_id)
    schools = schools[schools["present"]]
    shown = schools[schools["value"].notna()].sort_values("value")
    if f.school is not None and len(schools) < 2:
        # A principal sees no other school: their school beside the district instead.
        return against_district(source, f, walk)
    at_goal = int((schools["status"] == "met").sum())
    target = goals.goal_for(settings, MeasureId.WALKTHROUGH, walk.window_id, None)
    table = schools[["school_name", "level", "value", "n", "target", "status"]].rename(
        columns={"school_name": "School", "level": "Level", "value": "Value (%)",
                 "n": "Observations", "target": "Goal (%)", "status": "Status"})
    median = f", median {shown['value'].median():.0f}%" if len(shown) else ""
    title = (f"{walk.label}: {at_goal} of {len(schools)} schools at or above the goal across "
             f"all indicators{median}")
    names = dict(zip(schools["school_code"], schools["school_name"], strict=True))
    marked = [names[f.school]] if f.school in names and f.school in set(
        shown["school_code"]) else []
    if marked:
        # A school's deck: its own place first.
        mine = shown[shown["school_code"] == f.school].iloc[0]
        above = int((shown["value"] > mine["value"]).sum())
        title = (f"{walk.label}: {marked[0]} at {mine['value']:.0f}%, "
                 + ("the highest" if above == 0 else f"{above} of {len(shown)} schools "
                    "higher") + f"; {at_goal} of {len(schools)} schools at or above the goal"
                 + median)
    labelled = [] if marked else list(shown["school_name"].head(3))
    chart = ChartData("strip", points=pd.DataFrame({"name": shown["school_name"],
                                                    "x": shown["value"]}),
                      goal=target, marked=marked, labelled=labelled,
                      x_title=f"{walk.label}: % of indicator ratings meeting")
    note = (f"n = {len(schools)} schools with observations; each dot a school"
            + ("; this school marked" if marked else
               "; the three furthest below named" if labelled else ""))
    slide = Slide("schools", title, caption(settings, walk, note),
                  charts.school_status_chart(schools, label) if f.school is None else None,
                  table=table, chart=chart if len(shown) else None)
    return _or_line(slide, bool(len(shown)), f"{walk.label}: too few observations at any "
                    "school to show")


def against_district(source: Source, f: selection.Filters, walk: Walk) -> Slide:
    """The school beside the district at the walk, against the goal (a school's deck read by
    someone who sees no other school)."""
    settings = source.settings
    rows = []
    for where, filters in ((walk.where, f), ("District", f.model_copy(update={"school": None}))):
        frame = measures.trajectory(source, MeasureId.WALKTHROUGH, filters)
        here = frame[frame["window_id"] == walk.window_id]
        value = here["value"].iloc[0] if len(here) else None
        rows.append((where, None if value is None or pd.isna(value) else float(value),
                     trajectories.shown_n(here["n"].iloc[0]) if len(here) else None))
    (school, mine, n_mine), (_, district, n_district) = rows
    target = goals.goal_for(settings, MeasureId.WALKTHROUGH, walk.window_id, f.school)
    if mine is None:
        title = f"{walk.label}: too few observations at {school} to set beside the district"
    elif district is None:
        title = f"{walk.label}: {school} {mine:.0f}% of indicator ratings meeting"
    else:
        gap = mine - district
        side = ("above" if gap >= 0.5 else "below" if gap <= -0.5 else "level with")
        title = (f"{walk.label}: {school} {mine:.0f}% of indicator ratings meeting, "
                 f"{side} the district's {district:.0f}%")
    if mine is not None and target is not None:
        title += f" (goal {target:.0f}%)"
    table = pd.DataFrame([{"Where": w, "Value (%)": v, "Observations": n}
                          for w, v, n in rows])
    chart = ChartData("bars", [w for w, _, _ in rows], [
        (f"{walk.label} {f.school_year}", [v for _, v, _ in rows])], goal=target,
        x_title=f"{walk.label}: % of indicator ratings meeting")
    note = (f"n = {trajectories.n_text(n_mine, 'too few')} observations at the school, "
            f"{trajectories.n_text(n_district, 'too few')} in the district")
    slide = Slide("schools", title, caption(settings, walk, note), table=table, chart=chart)
    return _or_line(slide, mine is not None, title)


def leading_to_lagging(source: Source, f: selection.Filters) -> Slide | None:
    """Each school's practice on a walk beside its benchmark results in the following window:
    the latest walk of this year whose following window has results, else last year's."""
    settings = source.settings
    subject = f.subject or "ELA"
    for year in (f.school_year, previous_school_year(f.school_year)):
        scoped = f.model_copy(update={"school_year": year, "school": None})
        outcomes = scoped.model_copy(update={"subject": subject})
        for window in reversed(settings.calendar_for(MeasureId.WALKTHROUGH).ids):
            following = findings.following_window(settings, MeasureId.WALKTHROUGH, window, year,
                                                  OUTCOME)
            if following is None:
                continue
            practice = measures.by_school(source, MeasureId.WALKTHROUGH, scoped, window)
            outcome = measures.by_school(source, OUTCOME, outcomes, following)
            pairs, r = findings.leading_lagging(practice, outcome)
            if len(pairs) == 0:
                continue
            walk_label = settings.calendar_for(MeasureId.WALKTHROUGH).label_of(window)
            bm_label = settings.calendar_for(OUTCOME).label_of(following)
            practice_label = f"Learning walk {walk_label}: % of indicator ratings meeting"
            outcome_label = f"{subject} benchmark {bm_label}: % proficient"
            if r is None and f.school is not None:
                return None     # a school's deck: one point relates nothing
            if r is None:
                title = (f"Practice at {walk_label} and {subject} benchmark at {bm_label} "
                         f"({year}): too few schools to relate them")
            else:
                direction = ("went with higher" if r >= 0.3 else "went with lower"
                             if r <= -0.3 else "did not go with clearly different")
                title = (f"Schools with more practice meeting at {walk_label} {direction} "
                         f"{subject} benchmark results at {bm_label} ({year}): r = {r:+.2f}, "
                         f"{len(pairs)} schools")
            table = pairs.rename(columns={
                "school_name": "School", "value_practice": practice_label,
                "n_practice": "Observations", "value_outcome": outcome_label,
                "n_outcome": "Students"}).drop(columns=["school_code"])
            mine = pairs[pairs["school_code"] == f.school]
            marked = list(mine["school_name"])
            # Named: the school's own in its deck; in the district's, the few furthest from
            # the trend of practice and results (the ones the room asks about).
            labelled = [] if marked else _furthest_from_trend(pairs, 4)
            chart = ChartData("scatter", points=pairs.rename(columns={
                "school_name": "name", "value_practice": "x", "value_outcome": "y"})[
                ["name", "x", "y"]], marked=marked, labelled=labelled,
                x_title=practice_label, y_title=outcome_label)
            said = ("this school marked" if marked else
                    f"the {len(labelled)} furthest from the trend named" if labelled else "")
            return Slide("leading", title,
                         f"One point per school{'; ' + said if said else ''} · as of "
                         f"{settings.as_of_date():%B %-d, %Y}",
                         charts.leading_lagging_chart(pairs, practice_label, outcome_label),
                         table=table, chart=chart)
    return None


def _furthest_from_trend(pairs: pd.DataFrame, count: int) -> list[str]:
    if len(pairs) < 3:
        return list(pairs["school_name"])
    x, y = pairs["value_practice"].astype(float), pairs["value_outcome"].astype(float)
    slope = ((x - x.mean()) * (y - y.mean())).sum() / max(((x - x.mean()) ** 2).sum(), 1e-9)
    residual = (y - (y.mean() + slope * (x - x.mean()))).abs()
    return list(pairs.loc[residual.sort_values(ascending=False).index[:count], "school_name"])
