"""The measures lattice: every number a user can reach, counted and protected once per version
of the database.

For every measure, subject (and every subject pooled), detail (and every detail pooled),
school (and the district), student group, grade (each grade, each band, all grades), school
year and window, the lattice holds how many students (observations, respondents) a cell counts
and how many of them meet the measure. It is built when a load commits (`build`, stored in the
database version itself as `measure_lattice`) and every page, the command line, the exports and
the slides read it (`read`); none of them counts from raw rows.

Suppression is applied here over the whole lattice at once (`protect`), so it holds across
views: no hidden count can be derived from any combination of the shown ones, whichever views a
person opens. The cells are linked by sums: the district is its schools (and results placed in
none), all grades are the grades (and results with none), and the three level bands; a band
is its grades; all students are a yes/no group and its complement, or the race/ethnicity groups
and the students in none; every subject pooled is the subjects; every detail pooled is the
details. A remainder nobody is shown (the students not in a group, the results with no grade)
is a cell too, never shown.

1. Primary: a cell of fewer than `min_n` students (walkthroughs: `min_observations`) is hidden
   ("n<10"), and so is one of fewer than `disclosive_n` where everyone shares one outcome.
   Learning walks count teachers too: a cell of fewer than `min_teachers` distinct teachers is
   hidden ("n<5 teachers"), and so is one where every observed teacher got the same rating
   (0% or 100%), at any size; so is a cell of an adults' measure (teacher growth, coaching)
   where everyone had the same outcome. No view gives one teacher's ratings.
2. Complementary, by derivation: starting from what is shown, every sum with exactly one
   unknown term gives that term, and what it gives is known in turn, across every partition,
   until nothing more follows. Any hidden cell, or small remainder, that comes out known has
   the smallest shown cell of the sum that gave it hidden too; repeat until nothing hidden can
   be derived. This closes chains through other partitions (a cell hidden only to protect
   another is protected in its own partitions too).

What it does not do: solve the whole linear system. Hidden cells that pair up in two sums at
once (two schools hidden in two grades) stay protected by it; rarer patterns could in principle
be solved by elimination over many sums at once. The test suite attacks generated districts and
the demo with exact linear algebra (tests/measures/test_lattice_attack.py).
"""

from monitor.measures.lattice.count import counts
from monitor.measures.lattice.dimensions import (
    DIMENSIONS,
    FEW_TEACHERS,
    OBSERVED,
    ONE_OUTCOME,
    POOLED,
    RATINGS,
    SMALL,
    grade_keys,
    rules_fingerprint,
    rules_match,
)
from monitor.measures.lattice.principal import principal_hidden, principal_view, protect_table
from monitor.measures.lattice.protecting import build_cells, protect
from monitor.measures.lattice.reading import read
from monitor.measures.lattice.stored import build, is_current, record_history, recounted

__all__ = ["DIMENSIONS", "FEW_TEACHERS", "OBSERVED", "ONE_OUTCOME", "POOLED", "RATINGS", "SMALL",
           "build", "build_cells", "counts", "grade_keys", "is_current", "principal_hidden",
           "principal_view", "protect", "protect_table", "read", "record_history", "recounted",
           "rules_fingerprint", "rules_match"]
