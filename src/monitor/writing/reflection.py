"""The system's reflection on itself: each term, where each lever of a framework stands (Plan,
Test, Scale or Deepen), with a note and evidence. A reflection, not a rating: levers (or parts
of one) stand at different stages and move back as well as forward.

Frameworks ready-made here: TNTP's six levers (the default) and UVA-PLE's 13 conditions in
four levers; a district adds its own, or the elements (conditions) of a lever, in config.toml's
`[reflection.frameworks.<id>]`.
"""

from __future__ import annotations

import datetime as dt

from monitor import registry
from monitor.config import Framework, Lever, Settings
from monitor.school_years import date_in_school_year, school_year_of
from monitor.writing.records import Indicator

STAGES = ("Plan", "Test", "Scale", "Deepen")
# What each stage means, wherever one is chosen or read.
STAGE_MEANINGS = {
    "Plan": "decided to act on it and designing how (who, what, by when); not yet in "
            "classrooms",
    "Test": "tried in a few schools or classrooms to learn what works; results vary",
    "Scale": "spreading to most schools with support, and checked that it holds",
    "Deepen": "in place across the district; the work now is its quality and what it adds "
              "for students",
}
# The default terms' first days (month-day); other names split the year evenly from July.
DEFAULT_TERM_STARTS = {"Fall": "07-01", "Winter": "12-01", "Spring": "03-01"}

FRAMEWORKS: dict[str, Framework] = {
    "tntp": Framework(label="TNTP: six levers", levers=[
        Lever(name="Vision for the student experience"),
        Lever(name="High-quality instructional materials"),
        Lever(name="Educator experience, selection, support and collaboration"),
        Lever(name="Authentic community and stakeholder engagement"),
        Lever(name="Organizational management"),
        Lever(name="Equity-centered policies and daily practices"),
    ]),
    # UVA-PLE's thirteen conditions in its four levers of system change, worded from the
    # partnership's public description of each lever (the will and capacity to prioritize and a
    # clear vision; capacity-building, support, accountability and flexibility for schools; the
    # selection of leaders, effective staff and their development; assessment, data systems and
    # curriculum). A district in the partnership replaces the wording with its own materials'
    # as a framework of its own in config.toml.
    "uva_ple": Framework(label="UVA-PLE: 13 conditions in four levers", levers=[
        Lever(name="Leadership", elements=[
            "Will to prioritize what students need",
            "Capacity to lead the change",
            "A clear vision for the path ahead",
        ]),
        Lever(name="Differentiated support and accountability", elements=[
            "Capacity-building for school teams",
            "Support tailored to each school",
            "Accountability for results",
            "Flexibility for schools to act",
        ]),
        Lever(name="Talent management", elements=[
            "Selection of school leaders",
            "Highly effective staff in every school",
            "Development of existing staff",
        ]),
        Lever(name="Instructional infrastructure", elements=[
            "A cohesive assessment strategy",
            "Responsive data systems",
            "A high-quality curriculum",
        ]),
    ]),
}


def framework(settings: Settings) -> tuple[str, Framework]:
    """The district's framework: its id and levers (config.toml's own, else ready-made)."""
    chosen = settings.reflection.framework
    known = FRAMEWORKS | settings.reflection.frameworks
    return chosen, known[chosen]


def parts(frame: Framework) -> list[tuple[str, str]]:
    """Every (lever, element) a reflection records a stage for: each lever as a whole (element
    "") and each of its elements."""
    return [(lever.name, element) for lever in frame.levers
            for element in ["", *lever.elements]]


def terms(settings: Settings, school_year: str) -> list[str]:
    """The reflection terms of a school year, in order: '2026-27 Fall', ..."""
    return [f"{school_year} {term}" for term in settings.reflection.terms]


def term_starts(settings: Settings, school_year: str) -> dict[str, dt.date]:
    """Each term of a school year ('2026-27 Fall') and the day it begins: config.toml's
    `term_starts`, else the default terms' own days, else the year split evenly from July 1."""
    names = settings.reflection.terms
    starts = settings.reflection.term_starts
    if not starts and all(name in DEFAULT_TERM_STARTS for name in names):
        starts = [DEFAULT_TERM_STARTS[name] for name in names]
    if starts:
        days = [date_in_school_year(school_year, start) for start in starts]
    else:
        first = date_in_school_year(school_year, "07-01")
        days = [first + dt.timedelta(days=round(365 * i / len(names)))
                for i in range(len(names))]
    return dict(zip(terms(settings, school_year), days, strict=True))


def current_term(settings: Settings, day: dt.date) -> str:
    """The term `day` falls in (the latest of its school year begun by then)."""
    begun = terms_begun(settings, school_year_of(day), day)
    return begun[-1] if begun else terms(settings, school_year_of(day))[0]


def terms_begun(settings: Settings, school_year: str, day: dt.date) -> list[str]:
    """A school year's terms that have begun by `day`: the ones a reflection can be recorded
    for (a term still to come has nothing to reflect on)."""
    return [term for term, start in term_starts(settings, school_year).items() if start <= day]


def lever_indicators(settings: Settings, frame: Framework) -> tuple[dict[str, list[Indicator]],
                                                                     list[str]]:
    """The indicators config.toml names for each lever ([reflection.indicators], keys as the
    cycles name them), and the names there that are no lever or element of `frame` (said on
    the page, never dropped silently)."""
    rows = {lever if not element else f"{lever}: {element}" for lever, element in parts(frame)}
    found: dict[str, list[Indicator]] = {}
    unknown = []
    for lever, keys in settings.reflection.indicators.items():
        if lever not in rows:
            unknown.append(lever)
            continue
        for key in keys:
            measure, detail, subject = key.split("|")
            kind = "leading" if measure in registry.LEADING else "lagging"
            found.setdefault(lever, []).append(
                Indicator(kind, measure, 0.0, detail or None, subject or None))
    return found, unknown
