"""What each measure is, in one place: the loader's health check, the lattice builder, the
command line and the pages all read these specs, and no other list of measure ids exists.

What a district configures about a measure (its label, calendar and goals) is config.toml's
`[measures.<id>]`; what the product knows about it (where its rows come from, what it counts,
which subjects and details it has, its second statistics) is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class MeasureId(StrEnum):
    """Every measure's id: code that means one measure names it here (a member is its id
    string: config.toml's keys, the lattice's rows and the URL all say the same)."""
    BENCHMARK = "benchmark"
    IREADY_GROWTH = "iready_growth"
    ESGI = "esgi"
    PERFORMANCE_TASK = "performance_task"
    STATE_TEST = "state_test"
    WALKTHROUGH = "walkthrough"
    TEACHER_GROWTH = "teacher_growth"
    SURVEY = "survey"
    COACHING_GOALS = "coaching_goals"
    LEADER_COACHING = "leader_coaching"


class Source(StrEnum):
    """The kinds of export whose rows a measure counts (the loader's sources that feed
    measures; the roster and the CAASPP files feed none)."""
    BENCHMARK = "benchmark"
    IREADY = "iready"
    ESGI = "esgi"
    PERFORMANCE_TASK = "performance_task"
    STATE_TEST = "state_test"
    WALKTHROUGH = "walkthrough"
    SURVEY = "survey"
    COACHING = "coaching"


# The loader's source no measure counts but every student measure reads: a student's school,
# grade and groups come from the roster.
ROSTER = "roster"

SOURCE_LABELS = {Source.ESGI: "ESGI", Source.IREADY: "i-Ready",
                 Source.BENCHMARK: "District benchmarks",
                 Source.PERFORMANCE_TASK: "Performance tasks", Source.STATE_TEST: "State test",
                 Source.WALKTHROUGH: "Walkthroughs", Source.SURVEY: "Surveys",
                 Source.COACHING: "Coaching logs"}


@dataclass(frozen=True)
class MeasureSpec:
    id: MeasureId
    source: Source                   # the rows it counts (load sources; coverage and health)
    short: str                       # a tile's label
    unit: str                        # what n counts: students, observations, respondents
    subjects: tuple[str | None, ...]  # reported in these by default (None = all pooled)
    pool_subjects: bool = True       # whether "every subject" is a cell of its own
    details: bool = False            # indicators (walkthroughs) or constructs (surveys)
    # Second statistics: column in the lattice -> name shown. mean_a is the mean of the
    # measure's stat_a (percent correct); median_a / median_b percent progress to typical /
    # stretch growth; n_excluded the students left out for having no baseline.
    statistics: dict[str, str] = field(default_factory=dict)
    in_grid: bool = True             # a column of the schools x measures grid
    # Counts classroom observations: cells need min_observations of them and min_teachers
    # distinct teachers, and one where every teacher got the same rating is hidden.
    observations: bool = False
    # Counts adults (teachers, leaders, people coached): a cell where every one of them had
    # the same outcome (0% or 100%) is hidden at any size, since it tells each one's.
    people: bool = False
    # Counted over so few people per school that one school's cell never reaches the minimum
    # (leaders): the School page shows the district's, saying why.
    few_per_school: bool = False
    # Details left out of "every detail pooled" (their parts are in it, or it is counted
    # otherwise), and details counted only there (never a detail row of their own).
    unpooled: tuple[str, ...] = ()
    pooled_only: tuple[str, ...] = ()
    # Whether it counts students, so that student groups apply (learning walks observe
    # classrooms; teacher growth counts teachers: every unit is in "all" only).
    student_groups: bool = True
    # Whether a year-end projection means anything: the windows measure the same thing over
    # the year (not a different task each month) and there is more than one of them.
    projects: bool = True
    # Why the year's first window can have no one counted (teacher growth: nobody has been
    # observed twice before the second walk): said there in place of "no results".
    first_window_empty: str | None = None
    # Students below standard at the year's first window, and how many reached it (the
    # Groups page's "Catching up"); and level-to-level movement (measures with levels).
    has_catching_up: bool = False
    has_transitions: bool = False
    # Its details' names, where the measure names its own (indicators and constructs are
    # named by their sources' modules).
    detail_labels: dict[str, str] = field(default_factory=dict)
    # A measure added after districts wrote their config.toml: its label, and the measure
    # whose calendar it follows, when config.toml does not name it (no goal until set).
    default_label: str | None = None
    calendar_of: MeasureId | None = None


STUDENT_SUBJECTS = ("ELA", "Math")
MEAN = {"mean_a": "mean_percent_correct"}

ROLE_LABELS = {"teacher": "Teachers", "leader": "School leaders"}
# Teacher growth's details: each core action from a teacher's first walk of the year to their
# latest, and from the walk before to this one.
TEACHER_GROWTH_LABELS = {
    "ca2": "Core Action 2, first walk to latest", "ca3": "Core Action 3, first walk to latest",
    "ca2_walk": "Core Action 2, walk before to this walk",
    "ca3_walk": "Core Action 3, walk before to this walk",
}

M, S = MeasureId, Source
MEASURES: dict[str, MeasureSpec] = {spec.id: spec for spec in (
    MeasureSpec(M.BENCHMARK, S.BENCHMARK, "Benchmark", "students", STUDENT_SUBJECTS,
                statistics=MEAN, has_catching_up=True, has_transitions=True),
    MeasureSpec(M.IREADY_GROWTH, S.IREADY, "i-Ready growth", "students", STUDENT_SUBJECTS,
                statistics={"median_a": "median_progress_typical",
                            "median_b": "median_progress_stretch",
                            "n_excluded": "without_baseline"}),
    MeasureSpec(M.ESGI, S.ESGI, "ESGI", "students", STUDENT_SUBJECTS, statistics=MEAN,
                has_catching_up=True),
    # Each month's task is a different task: no rate to carry forward.
    MeasureSpec(M.PERFORMANCE_TASK, S.PERFORMANCE_TASK, "Performance tasks", "students",
                STUDENT_SUBJECTS, statistics=MEAN, projects=False, has_catching_up=True,
                has_transitions=True),
    MeasureSpec(M.STATE_TEST, S.STATE_TEST, "State test", "students", STUDENT_SUBJECTS,
                in_grid=False, projects=False),
    # Learning walks visit every classroom: reported across every subject observed.
    MeasureSpec(M.WALKTHROUGH, S.WALKTHROUGH, "Learning walks", "observations", (None,),
                details=True, observations=True, student_groups=False, unpooled=("ca1",)),
    # Teachers observed at least twice: the share whose mean Core Action 2 and 3 rating rose
    # from their first walk of the year to their latest (details: each core action first to
    # latest, and walk against walk). People, so the students' floor (min_n) applies; not a
    # column of the grid (a school has a few dozen teachers: mostly n<10 until late in the
    # year), shown on the Learning walks and School pages.
    MeasureSpec(M.TEACHER_GROWTH, S.WALKTHROUGH, "Teacher growth", "teachers", (None,),
                details=True, student_groups=False, in_grid=False, projects=False,
                first_window_empty="first walk", people=True,
                unpooled=("ca2", "ca3", "ca2_walk", "ca3_walk"), pooled_only=("teacher",),
                detail_labels=TEACHER_GROWTH_LABELS,
                default_label=("Teacher practice growth: % of teachers whose CA 2 and 3 "
                               "ratings rose since their first walk"),
                calendar_of=M.WALKTHROUGH),
    MeasureSpec(M.SURVEY, S.SURVEY, "Student survey", "respondents",
                ("student", "teacher", "leader"), pool_subjects=False, details=True),
    # Coaching logs. Goals: per cycle, the goals of the people coached (n = people; details
    # the role coached, teacher or leader). Leaders' rubric: per cycle, each leader's latest
    # rating of each domain (n = leaders; details the domains). Coaching cycles run on the
    # walks' quarters unless config.toml has a coaching calendar.
    MeasureSpec(M.COACHING_GOALS, S.COACHING, "Coaching goals", "people coached", (None,),
                details=True, student_groups=False, in_grid=False, projects=False,
                people=True, detail_labels=ROLE_LABELS,
                default_label="Coaching: % of goals met", calendar_of=M.WALKTHROUGH),
    MeasureSpec(M.LEADER_COACHING, S.COACHING, "Leader coaching", "leaders", (None,),
                details=True, student_groups=False, in_grid=False, projects=False,
                people=True, few_per_school=True,
                default_label="Leader coaching: % of rubric ratings at or above the level",
                calendar_of=M.WALKTHROUGH),
)}
if set(MEASURES) != set(MeasureId):
    raise RuntimeError(f"measures without a spec: {sorted(set(MeasureId) - set(MEASURES))}")


# What leads: practice and experience, before students' results (cycles' leading indicators,
# the School page's "Leading indicators" and "Adults"); the others are student outcomes.
LEADING = (M.WALKTHROUGH, M.TEACHER_GROWTH, M.SURVEY, M.COACHING_GOALS, M.LEADER_COACHING)
# The adults' outcomes among them: teachers' practice, coaching goals, leaders' coaching.
ADULTS = (M.TEACHER_GROWTH, M.COACHING_GOALS, M.LEADER_COACHING)
# The surveys' kinds (a survey's "subject").
SURVEY_KINDS = MEASURES[M.SURVEY].subjects
# The measure a view's windows and years are read from when it shows several (the benchmark
# windows), and the outcome practice is set beside (the debrief's leading-to-lagging slide).
REFERENCE = M.BENCHMARK
OUTCOME = M.BENCHMARK
del M, S


def measure_of(source: str) -> MeasureId:
    """The first measure counted from a source's rows (its calendar places them)."""
    return next(m for m, spec in MEASURES.items() if spec.source == source)


def spec(measure: str) -> MeasureSpec:
    try:
        return MEASURES[measure]
    except KeyError:
        raise KeyError(f"no measure called {measure!r} (known: {', '.join(MEASURES)})") from None
