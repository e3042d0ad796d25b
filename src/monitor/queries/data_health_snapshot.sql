-- The data health snapshot of the latest load run, or with $skip_latest of the run before it.
-- Grain: (source, school_year, reason). Parameters: $skip_latest (boolean).
WITH runs AS (
    SELECT DISTINCT run_id FROM data_health ORDER BY run_id DESC LIMIT 2
),
chosen AS (
    SELECT run_id FROM runs ORDER BY run_id DESC
    LIMIT 1 OFFSET CASE WHEN $skip_latest THEN 1 ELSE 0 END
)
SELECT source, school_year, reason, rows
FROM data_health
WHERE run_id = (SELECT run_id FROM chosen)
ORDER BY ALL;
