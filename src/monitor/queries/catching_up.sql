-- Catching up: of the students not meeting the standard at one window, how many meet it at a
-- later window of the same school year (and how many at standard fell behind), per school at
-- the later window and student group; district rows have school_code NULL.
-- Grain: (school_code, group_id). Parameters: the measure's rule parameters (macros.sql),
-- $year, $from_window, $to_window, $subject, $grades (NULL = all).
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                          $growth_windows, $growth_values, $exclude_rushed,
                          $favorable_top5, $favorable_top7, $reversed_items,
                          $survey_detail)
    WHERE school_year = $year AND detail IS NULL AND meets IS NOT NULL
      AND ($subject IS NULL OR subject = $subject)
      AND ($grades IS NULL OR list_contains($grades, grade))
),
paired AS (
    SELECT later.school_code, later.student_id, earlier.meets AS met_before,
           later.meets AS met_after
    FROM outcomes earlier
    JOIN outcomes later USING (student_id, subject)
    WHERE earlier.window_id = $from_window AND later.window_id = $to_window
),
memberships AS (
    SELECT p.*, 'all' AS group_id FROM paired p
    UNION ALL
    SELECT p.*, g.group_id
    FROM paired p JOIN roster_groups g ON g.school_year = $year AND g.student_id = p.student_id
)
SELECT school_code, group_id, grouping(school_code) = 1 AS district,
       count(*) FILTER (WHERE NOT met_before) AS n_below,
       count(*) FILTER (WHERE NOT met_before AND met_after) AS n_caught_up,
       count(*) FILTER (WHERE met_before) AS n_at_standard,
       count(*) FILTER (WHERE met_before AND NOT met_after) AS n_fell_behind
FROM memberships
GROUP BY GROUPING SETS ((school_code, group_id), (group_id))
ORDER BY ALL;
