-- The rules (monitor.lattice.rules_fingerprint) the kept health and coverage counts were
-- counted under; no row before any load kept them.
SELECT value FROM meta WHERE key = 'counts_rules';
