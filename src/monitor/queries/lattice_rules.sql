-- The rules (a fingerprint of config.toml's measure and privacy settings) the stored measures
-- lattice was built under; no row before any build.
SELECT value FROM meta WHERE key = 'lattice_rules';
