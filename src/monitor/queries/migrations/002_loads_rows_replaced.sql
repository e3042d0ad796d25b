-- Version 1 -> 2: the load history records how many rows of an earlier version of a file a
-- corrected file replaced. (Databases from before versions were recorded also lack `meta`,
-- which schema.sql creates after the migrations.)
ALTER TABLE IF EXISTS loads ADD COLUMN IF NOT EXISTS rows_replaced INTEGER DEFAULT 0;
