-- The versions "what changed" can compare: each load run's time (as-of date and time of day)
-- that recorded any headline cell. Grain: taken_at. No parameters.
SELECT DISTINCT taken_at
FROM measure_history
ORDER BY taken_at;
