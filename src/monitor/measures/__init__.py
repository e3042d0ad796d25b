"""Counting and protecting: the lattice of counts every number comes from (counted once per
load, protected across every view at once, a principal's view protected for them), the
privacy rules that decide what is hidden, goals and goal status, and the filters a reader asks
with (`selection.Filters`). Imports only the ground floor; nothing here knows about files,
pages or what people write."""
