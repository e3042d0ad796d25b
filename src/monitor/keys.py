"""The keys every layer shares: the grades in order, the grade bands a user can pick (the
three level bands cover every grade), and the scope keys the lattice writes for the district
and for students placed at no school."""

from __future__ import annotations

GRADE_ORDER = ["TK", "K"] + [str(g) for g in range(1, 13)]
# The grade bands a user can pick, each its grades; the three level bands cover every grade.
GRADE_BANDS = {
    "TK-K": ("TK", "K"),
    "1-3": ("1", "2", "3"),
    "Elementary (TK-5)": tuple(GRADE_ORDER[:7]),
    "Middle (6-8)": ("6", "7", "8"),
    "High (9-12)": ("9", "10", "11", "12"),
}
LEVEL_BANDS = ("Elementary (TK-5)", "Middle (6-8)", "High (9-12)")

# The lattice's scope of the whole district, and of students on no school's roster.
DISTRICT = "__district__"
UNPLACED = "__unplaced__"
