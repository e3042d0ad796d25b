-- Second statistics of one measure: median and mean of stat_a, median of stat_b, and how many
-- students were left out (i-Ready: no baseline), per school year, window, school (or the
-- district, school_code NULL) and student group.
-- Grain: (school_year, window_id, school_code, group_id). Parameters as measure_cells.sql.
WITH memberships AS (
    SELECT *
    FROM group_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                        $growth_windows, $growth_values, $exclude_rushed,
                        $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                        $years, $subject, $grades, $schools)
    WHERE detail IS NULL
)
SELECT school_year, window_id, school_code, group_id,
       grouping(school_code) = 1 AS district,
       count(DISTINCT student_id) FILTER (WHERE meets IS NOT NULL) AS n,
       median(stat_a) FILTER (WHERE meets IS NOT NULL) AS median_a,
       avg(stat_a) FILTER (WHERE meets IS NOT NULL) AS mean_a,
       median(stat_b) FILTER (WHERE meets IS NOT NULL) AS median_b,
       count(DISTINCT student_id) FILTER (WHERE meets IS NULL) AS n_excluded
FROM memberships
GROUP BY GROUPING SETS ((school_year, window_id, school_code, group_id),
                        (school_year, window_id, group_id))
ORDER BY ALL;
