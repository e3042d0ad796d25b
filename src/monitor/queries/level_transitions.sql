-- Level-to-level transitions between two windows of one school year: how many students moved
-- from each performance level (1 Not Met .. 4 Exceeded) to each. The rows are the ones that
-- count in the measures (assessment_rows: each student's latest attempt in a window), placed
-- as the measures place them, at the school of the later window (NULL: placed in none), so
-- each table's sums are the catching-up table's counts. Grain: (school_code, from_level,
-- to_level), every school, so that the tables are protected together
-- (privacy.protect_linked_tables).
-- Parameters: $source (benchmark, performance_task), $year, $from_window, $to_window,
-- $subject, $group ('all' or a group id).
WITH latest AS (
    SELECT student_id, subject, window_id, level_rank, placed_school AS school_code
    FROM assessment_rows($source)
    WHERE excluded IS NULL AND school_year = $year AND level_rank IS NOT NULL
      AND window_id IN ($from_window, $to_window) AND subject = $subject
),
paired AS (
    SELECT earlier.student_id, earlier.level_rank AS from_level, later.level_rank AS to_level,
           later.school_code
    FROM latest earlier JOIN latest later USING (student_id, subject)
    WHERE earlier.window_id = $from_window AND later.window_id = $to_window
)
SELECT school_code, from_level, to_level, count(*) AS n
FROM paired p
WHERE ($group = 'all' OR EXISTS (
        SELECT 1 FROM roster_groups g
        WHERE g.school_year = $year AND g.student_id = p.student_id AND g.group_id = $group))
GROUP BY ALL
ORDER BY ALL;
