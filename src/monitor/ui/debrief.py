"""The learning walk's findings, gathered once for both the page and the projected slides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from monitor import charts, findings, goals, registry, selection, trajectories
from monitor.access import Scope
from monitor.config import Settings, previous_school_year
from monitor.debrief import Slide
from monitor.ingest.walkthroughs import INDICATOR_LABELS
from monitor.ui import components, cycle_view, data, figures, measures

OUTCOME = "benchmark"


@dataclass
class Walk:
    window_id: str
    label: str
    school_year: str
    where: str                     # "District" or the school's name
    notes_scope: str               # "district" or the school code
    cutoff: dt.date | None         # the last day observed on this walk
    observations: int | None          # None when the walk's own count is hidden

    @property
    def heading(self) -> str:
        return f"Learning walk {self.label} {self.school_year}: {self.where}"


def current_walk(settings: Settings, f: selection.Filters, scope: Scope) -> Walk | None:
    """The latest walk of the filters' year with observations (up to the window filter)."""
    frame = measures.trajectory(settings, "walkthrough", f)
    point = trajectories.latest_point(frame)
    if point is None:
        return None
    dates = data.walk_dates(scope, f).set_index("window_id")
    cutoff = (pd.Timestamp(dates.loc[point["window_id"], "last_observed"]).date()
              if point["window_id"] in dates.index else None)
    where = "District" if f.school is None else data.schools(scope).set_index(
        "school_code").loc[f.school, "school_name"]
    return Walk(point["window_id"], point["window"], f.school_year, where,
                f.school or "district", cutoff, trajectories.shown_n(point["n"]))


def caption(settings: Settings, walk: Walk, n_note: str) -> str:
    cut = f" · observations through {walk.cutoff:%B %-d, %Y}" if walk.cutoff else ""
    return f"{n_note} · as of {settings.as_of_date():%B %-d, %Y}{cut}"


def previous_next_steps(settings: Settings, f: selection.Filters, scope: Scope,
                        walk: Walk) -> tuple[str | None, list[str]]:
    """The next steps the room wrote at the walk before this one (last year's last walk
    before the year's first), as lines for the opening slide."""
    ids = settings.calendar_for("walkthrough").ids
    position = ids.index(walk.window_id)
    year, window = ((walk.school_year, ids[position - 1]) if position > 0
                    else (previous_school_year(walk.school_year), ids[-1]))
    notes = data.debrief_notes(scope, f).for_walk(year, window, walk.notes_scope)
    steps = [line.strip(" -•\t") for note in notes.values()
             for line in note.next_steps.splitlines() if line.strip()]
    label = settings.calendar_for("walkthrough").label_of(window)
    return (f"{label} {year}" if notes else None), steps


def slides(settings: Settings, f: selection.Filters, scope: Scope, walk: Walk) -> list[Slide]:
    """One finding per slide: opening, trend, indicators, core-action ratings, teacher growth,
    schools, practice beside the following benchmark window, and the open improvement cycle's
    review."""
    min_n = settings.privacy.min_n
    calendar = settings.calendar_for("walkthrough")
    frame = measures.trajectory(settings, "walkthrough", f)
    label = "All indicators: % of indicator ratings meeting"
    deck: list[Slide] = []

    since, steps = previous_next_steps(settings, f, scope, walk)
    opening = [f"{trajectories.n_text(walk.observations, 'Too few')} classroom observations on this walk."]
    if since:
        opening += [f"Our next steps from {since}:"] + [f"- {s}" for s in steps or ["(none written)"]]
    else:
        opening.append("No next steps were saved at the walk before this one.")
    deck.append(Slide("opening", walk.heading, caption(settings, walk, "Learning walk debrief"),
                      lines=opening))

    deck.append(Slide("trend", findings.finding(label, frame, min_n),
                      caption(settings, walk, measures.n_note(frame, "walkthrough")),
                      figures.goal_trajectory_chart(frame, label),
                      table=components.trajectory_table(frame)))

    merged = measures.by_detail(scope, "walkthrough", f, walk.window_id)
    target = goals.goal_for(settings, "walkthrough", walk.window_id, f.school)
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
    deck.append(Slide(
        "indicators", title,
        caption(settings, walk, trajectories.n_phrase(walk.observations, None, "observations")),
        figures.detail_chart(merged, INDICATOR_LABELS, target, f"{walk.label} {f.school_year}",
                            f"{calendar.label_of(walk.window_id)} last year"), table=table))

    ratings = data.walkthrough_ratings(scope, f)
    if len(ratings):
        shown = ratings[~ratings["suppressed"]]
        now = shown[shown["window_id"] == walk.window_id]
        strong = now[now["rating"] >= 3].groupby("core_action")["percent"].sum()
        parts = [f"Core Action {c[-1]} {strong[c]:.0f}%" for c in ("ca2", "ca3") if c in strong]
        title = (f"{walk.label}: observations rated Mostly or Yes: " + ", ".join(parts)
                 if parts else f"{walk.label}: too few observations of Core Actions 2 and 3 "
                 "to show their ratings")
        names = {"ca2": "Core Action 2", "ca3": "Core Action 3"}
        # A hidden core action's walk is one row, with its label, not four empty ones.
        hidden = ratings[ratings["suppressed"]].drop_duplicates(["window_id", "core_action"])
        listed = pd.concat([shown, hidden.assign(label=hidden["hidden_label"])]).sort_values(
            ["window_id", "core_action", "rating"])
        table = listed.assign(walk=listed["window_id"].map(calendar.label_of),
                              core_action=listed["core_action"].map(names))[
            ["walk", "core_action", "label", "n", "total", "percent"]].rename(columns={
                "walk": "Walk", "core_action": "Core action", "label": "Rating",
                "n": "Observations", "total": "Observations rated", "percent": "Percent"})
        gaps = [f"{names[c]} at {calendar.label_of(w)}" for w, c in
                zip(hidden["window_id"], hidden["core_action"], strict=True)]
        note = "Share of observations at each rating; walks this year"
        if gaps:
            note += f"; not shown (too few observations, or to protect another cell): " \
                    f"{', '.join(gaps)}"
        deck.append(Slide("ratings", title, caption(settings, walk, note),
                          figures.rating_chart(shown, {w.id: w.label for w in calendar.windows})
                          if len(shown) else None, table=table))

    deck.append(teacher_growth(settings, f, scope, walk))

    if f.school is None:
        schools = measures.by_school(scope, "walkthrough", f, walk.window_id)
        schools = schools[schools["present"]]
        at_goal = int((schools["status"] == "met").sum())
        table = schools[["school_name", "level", "value", "n", "target", "status"]].rename(
            columns={"school_name": "School", "level": "Level", "value": "Value (%)",
                     "n": "Observations", "target": "Goal (%)", "status": "Status"})
        deck.append(Slide(
            "schools", f"{walk.label}: {at_goal} of {len(schools)} schools at or above the "
                       f"goal across all indicators",
            caption(settings, walk, f"n = {len(schools)} schools with observations"),
            figures.school_status_chart(schools, label), table=table))

    leading = leading_to_lagging(settings, f, scope)
    if leading is not None:
        deck.append(leading)
    cycle = cycle_view.slide(settings, scope, f.school)
    if cycle is not None:
        deck.append(cycle)
    return deck


def teacher_growth(settings: Settings, f: selection.Filters, scope: Scope,
                   walk: Walk) -> Slide:
    """Teachers observed at least twice this year: the share of their Core Action 2 and 3
    ratings above their first walk's, and above the walk before's, against the goal. Counts of
    teachers only (a teacher is never named; small counts hidden as any other cell)."""
    merged = measures.by_detail(scope, "teacher_growth", f, walk.window_id)
    merged = merged[merged["present"]] if "present" in merged else merged
    if merged.empty:
        return Slide("teachers", f"{walk.label}: no teacher observed twice yet this year",
                     caption(settings, walk, "Teacher practice growth"), lines=[
                         "Teacher practice growth compares each teacher's Core Action 2 and 3 "
                         "ratings with their first walk of the year and the walk before.",
                         "It needs a teacher observed on two walks, named the same way in the "
                         "walk form's Teacher column."])
    labels = registry.TEACHER_GROWTH_LABELS
    target = goals.goal_for(settings, "teacher_growth", walk.window_id, f.school)
    frame = measures.trajectory(settings, "teacher_growth", f)
    here = frame[frame["window_id"] == walk.window_id]
    point = here.iloc[0] if len(here) else None
    if point is not None and pd.notna(point["value"]):
        title = (f"{walk.label}: {point['value']:.0f}% of Core Action 2 and 3 ratings rose "
                 f"since each teacher's first walk, {trajectories.n_text(point['n'])} teachers "
                 "observed at least twice")
        if target is not None and pd.notna(target):
            title += f" (goal {target:.0f}%)"
    else:
        title = (f"{walk.label}: too few teachers observed twice to show how their practice "
                 "moved")
    table = merged.assign(comparison=merged["detail"].map(labels))[
        ["comparison", "value", "n", "last_year"]].rename(columns={
            "comparison": "Comparison", "value": "Ratings up (%)", "n": "Teachers",
            "last_year": "Same walk last year (%)"})
    note = ("Teachers observed at least twice this year (walk to walk: on this walk and the "
            "one before); a teacher's latest rating against their first; no teacher is named")
    return Slide("teachers", title, caption(settings, walk, note),
                 figures.detail_chart(merged, labels, target, f"{walk.label} {f.school_year}",
                                      f"{settings.calendar_for('walkthrough').label_of(walk.window_id)}"
                                      " last year"), table=table)


def leading_to_lagging(settings: Settings, f: selection.Filters, scope: Scope) -> Slide | None:
    """Each school's practice on a walk beside its benchmark results in the following window:
    the latest walk of this year whose following window has results, else last year's."""
    subject = f.subject or "ELA"
    for year in (f.school_year, previous_school_year(f.school_year)):
        scoped = f.model_copy(update={"school_year": year, "school": None})
        outcomes = scoped.model_copy(update={"subject": subject})
        for window in reversed(settings.calendar_for("walkthrough").ids):
            following = findings.following_window(settings, "walkthrough", window, year, OUTCOME)
            if following is None:
                continue
            practice = measures.by_school(scope, "walkthrough", scoped, window)
            outcome = measures.by_school(scope, OUTCOME, outcomes, following)
            pairs, r = findings.leading_lagging(practice, outcome)
            if len(pairs) == 0:
                continue
            walk_label = settings.calendar_for("walkthrough").label_of(window)
            bm_label = settings.calendar_for(OUTCOME).label_of(following)
            practice_label = f"Learning walk {walk_label}: % of indicator ratings meeting"
            outcome_label = f"{subject} benchmark {bm_label}: % proficient"
            if r is None:
                title = (f"Practice at {walk_label} and {subject} benchmark at {bm_label} "
                         f"({year}): too few schools to relate them")
            else:
                direction = ("went with higher" if r >= 0.3 else "went with lower" if r <= -0.3
                             else "did not go with clearly different")
                title = (f"Schools with more practice meeting at {walk_label} {direction} "
                         f"{subject} benchmark results at {bm_label} ({year}): r = {r:+.2f}, "
                         f"{len(pairs)} schools")
            table = pairs.rename(columns={
                "school_name": "School", "value_practice": practice_label,
                "n_practice": "Observations", "value_outcome": outcome_label,
                "n_outcome": "Students"}).drop(columns=["school_code"])
            named = ("" if len(pairs) <= charts.LABELLED_POINTS
                     else " (too many to name on the chart: point to one for its name)")
            return Slide("leading", title,
                         f"One point per school{named} · as of "
                         f"{settings.as_of_date():%B %-d, %Y}",
                         figures.leading_lagging_chart(pairs, practice_label, outcome_label),
                         table=table)
    return None
