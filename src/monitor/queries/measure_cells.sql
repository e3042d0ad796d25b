-- Counts behind one measure: students (or observations, or respondents) and how many meet,
-- per school year, window, school, detail (indicator / construct) and student group.
-- Grain: (school_year, window_id, school_code, detail, group_id); group 'all' = everyone.
-- Rows with all_details = true pool every detail (all walkthrough indicators, all survey
-- constructs): a student or observation counts once there, so n is never summed over details.
-- Measures without details have both kinds of row, with the same counts.
-- Aggregates over schools are sums of these counts (see monitor.metrics).
-- Parameters: $measure, the measure's rule parameters (see measure_outcomes in macros.sql),
-- $years (list), $subject (NULL = all), $grades (NULL = all), $schools (NULL = all).
WITH memberships AS (
    SELECT *
    FROM group_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                        $growth_windows, $growth_values, $exclude_rushed,
                        $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                        $years, $subject, $grades, $schools)
    WHERE meets IS NOT NULL
)
SELECT school_year, window_id, school_code, detail, group_id, false AS all_details,
       count(DISTINCT student_id) AS n,
       count(*) AS n_records,
       count(*) FILTER (WHERE meets) AS n_meeting
FROM memberships
GROUP BY school_year, window_id, school_code, detail, group_id
UNION ALL
-- Pooled over details; Core Action 1 as a whole (ca1) is left out, its parts are in.
SELECT school_year, window_id, school_code, NULL AS detail, group_id, true AS all_details,
       count(DISTINCT student_id) AS n,
       count(*) AS n_records,
       count(*) FILTER (WHERE meets) AS n_meeting
FROM memberships
WHERE detail IS DISTINCT FROM 'ca1'
GROUP BY school_year, window_id, school_code, group_id
ORDER BY ALL;
