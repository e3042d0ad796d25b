-- Level-to-level transitions between two windows of one school year: how many students moved
-- from each performance level (1 Not Met .. 4 Exceeded) to each, using each student's latest
-- attempt in each window. Grain: (from_level, to_level).
-- Parameters: $source (benchmark, performance_task), $year, $from_window, $to_window,
-- $subject, $school (NULL = district), $group ('all' or a group id).
WITH latest AS (
    SELECT a.student_id, a.subject, a.window_id, a.level_rank,
           coalesce(r.school_code, a.school_code) AS school_code
    FROM assessment_results a
    LEFT JOIN roster r USING (school_year, student_id)
    WHERE a.source = $source AND a.school_year = $year AND a.level_rank IS NOT NULL
      AND a.window_id IN ($from_window, $to_window) AND a.subject = $subject
    QUALIFY row_number() OVER (PARTITION BY a.student_id, a.subject, a.window_id
                               ORDER BY a.test_date DESC NULLS LAST, a.load_id DESC) = 1
),
paired AS (
    SELECT earlier.student_id, earlier.level_rank AS from_level, later.level_rank AS to_level,
           later.school_code
    FROM latest earlier JOIN latest later USING (student_id, subject)
    WHERE earlier.window_id = $from_window AND later.window_id = $to_window
)
SELECT from_level, to_level, count(*) AS n
FROM paired p
WHERE ($school IS NULL OR school_code = $school)
  AND ($group = 'all' OR EXISTS (
        SELECT 1 FROM roster_groups g
        WHERE g.school_year = $year AND g.student_id = p.student_id AND g.group_id = $group))
GROUP BY ALL
ORDER BY ALL;
