-- Version 6 -> 7: learning walks' cells count teachers as well as observations (a cell of few
-- distinct teachers is hidden): the lattice keeps each cell's exact teacher count behind its
-- protection. `monitor migrate` (or the next load) rebuilds the lattice under the new rules.
ALTER TABLE IF EXISTS measure_lattice ADD COLUMN IF NOT EXISTS true_n_teachers DOUBLE;
