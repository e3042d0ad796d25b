"""Hiding what would tell a student's (or a teacher's) result. Three ways, one per shape of
table, all under the rules of config.toml's [privacy] and tested by attacks that solve for hidden
cells exactly (tests/measures/test_*_attack.py):

- the measures lattice (monitor.measures.lattice) hides every headline cell a page, export or
  slide can reach, over every view at once: most of what anyone sees;
- `partitions.protect`: a table counted outside the lattice at school grain (the catching-up
  counts), over its partitions;
- `linked.protect_linked_tables`: the level-to-level tables of the district and every school,
  linked by their sums.

`rules` holds what they share: why a cell is hidden, which cells are sensitive in themselves,
the Wilson interval.
"""

from monitor.keys import DISTRICT, UNPLACED
from monitor.measures.privacy.linked import protect_linked_tables, small_cells
from monitor.measures.privacy.partitions import ALL_GRADES, mask_small, protect
from monitor.measures.privacy.rules import (
    COMPLEMENT,
    KEYS,
    NO_DETAIL,
    ONE_OUTCOME,
    SMALL,
    wilson_interval,
)

__all__ = ["ALL_GRADES", "COMPLEMENT", "DISTRICT", "KEYS", "NO_DETAIL", "ONE_OUTCOME", "SMALL",
           "UNPLACED", "mask_small", "protect", "protect_linked_tables", "small_cells",
           "wilson_interval"]
