-- The data health counts the load kept with this version (schema.sql: health_counts).
-- Grain: (source, school_year, load_id, reason), as queries/data_health.sql.
SELECT source, school_year, load_id, reason, rows, not_on_roster, no_grade
FROM health_counts
ORDER BY ALL;
