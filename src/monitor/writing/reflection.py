"""The system's reflection on itself: each term, where each lever of a framework stands (Plan,
Test, Scale or Deepen), with a note and evidence. A reflection, not a rating: levers (or parts
of one) stand at different stages and move back as well as forward.

Frameworks ready-made here: TNTP's six levers (the default) and UVA-PLE's 13 conditions in
four levers; a district adds its own, or the elements (conditions) of a lever, in config.toml's
`[reflection.frameworks.<id>]`.
"""

from __future__ import annotations

from monitor.config import Framework, Lever, Settings

STAGES = ("Plan", "Test", "Scale", "Deepen")

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
