-- Version 5 -> 6: coaching logs (coaching_log, created by schema.sql), and measures counted
-- from them and from the walks' teachers; `monitor migrate` rebuilds the measures lattice.
SELECT 1;
