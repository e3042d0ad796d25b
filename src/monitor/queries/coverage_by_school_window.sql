-- Which schools have results in which window, per source and school year.
-- Grain: (source, school_year, window_id, school_code). Every year: a load keeps it with the
-- version (monitor.health.keep; read back through coverage_kept.sql).
WITH results AS (
    SELECT a.source, a.school_year, a.window_id,
           coalesce(r.school_code, a.school_code) AS school_code, a.student_id
    FROM assessment_results a LEFT JOIN roster r USING (school_year, student_id)
    UNION ALL
    SELECT 'iready', i.school_year, i.window_id, coalesce(r.school_code, i.school_code),
           i.student_id
    FROM iready_results i LEFT JOIN roster r USING (school_year, student_id)
    UNION ALL
    SELECT 'walkthrough', school_year, window_id, school_code, observation_id FROM walkthroughs
    UNION ALL
    SELECT 'survey', school_year, window_id, school_code, respondent_id FROM survey_responses
    UNION ALL
    SELECT 'coaching', school_year, window_id, school_code, entry_id FROM coaching_log
)
SELECT source, school_year, window_id, school_code, count(DISTINCT student_id) AS n
FROM results
GROUP BY ALL
ORDER BY ALL;
