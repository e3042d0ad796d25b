-- Which schools have results in which window, as the load kept it with this version
-- (schema.sql: coverage_counts). Grain: (source, school_year, window_id, school_code).
-- Parameters: $years (list).
SELECT source, school_year, window_id, school_code, n
FROM coverage_counts
WHERE list_contains($years, school_year)
ORDER BY ALL;
