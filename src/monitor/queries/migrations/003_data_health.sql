-- Version 2 -> 3: the load history records the coded values a file held that were not
-- recognised, and each load's rejected rows by column and reason; the data health check
-- records a snapshot after every load (what counts in a measure, per source and year), so
-- the next load can tell when a source's counting share drops. (schema.sql creates the new
-- tables.)
ALTER TABLE IF EXISTS loads ADD COLUMN IF NOT EXISTS unrecognised VARCHAR;
