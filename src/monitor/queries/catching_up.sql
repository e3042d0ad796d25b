-- Catching up: of the students not meeting the standard at one window, how many meet it at a
-- later window of the same school year (and how many at standard fell behind), per school at
-- the later window, student group and grade (NULL: no grade); district rows have `district`.
-- Grain: (school_code, group_id, grade), so that every grade, band and all grades can be
-- protected together (reads.catching_up). Parameters: the measure's rule parameters
-- (macros.sql), $year, $from_window, $to_window, $subject, $grades (NULL = all).
WITH outcomes AS (
    SELECT *
    FROM group_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                        $growth_windows, $growth_values, $exclude_rushed,
                        $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                        $coaching_partly, $rubric_level, [$year], $subject, $grades, NULL)
    WHERE detail IS NULL AND meets IS NOT NULL
),
memberships AS (    -- a student's groups are the same at both windows of one year
    SELECT later.school_code, later.group_id, later.grade, earlier.meets AS met_before,
           later.meets AS met_after
    FROM outcomes earlier
    JOIN outcomes later USING (student_id, subject, group_id)
    WHERE earlier.window_id = $from_window AND later.window_id = $to_window
)
SELECT school_code, group_id, grade, grouping(school_code) = 1 AS district,
       count(*) FILTER (WHERE NOT met_before) AS n_below,
       count(*) FILTER (WHERE NOT met_before AND met_after) AS n_caught_up,
       count(*) FILTER (WHERE met_before) AS n_at_standard,
       count(*) FILTER (WHERE met_before AND NOT met_after) AS n_fell_behind
FROM memberships
GROUP BY GROUPING SETS ((school_code, group_id, grade), (group_id, grade))
ORDER BY ALL;
