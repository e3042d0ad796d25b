-- Version 4 -> 5: each load keeps its data health counts and which schools have results in
-- which window with the version it makes (health_counts, coverage_counts), so a first view
-- does not count every row. (schema.sql creates the tables; `monitor migrate` and the next
-- load fill them.)
SELECT 1;
