-- The measures lattice's medians (i-Ready percent progress to typical and stretch growth),
-- which do not add up and so are taken over each cell's students directly: per school and the
-- district, grade key (grade, band, all: `grade_keys` registered beside it), subject and pooled
-- subjects, and student group. Grain as lattice_rollup.sql, detail always '*'.
-- Parameters: the measure's rule parameters (macros.sql), $years (as lattice_counts).
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                          $growth_windows, $growth_values, $exclude_rushed,
                          $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                          $coaching_partly, $rubric_level)
    WHERE meets IS NOT NULL AND (list_contains($years, '*') OR list_contains($years, school_year))
),
members AS (
    SELECT o.*, 'all' AS group_id FROM outcomes o
    UNION ALL
    SELECT o.*, g.group_id FROM outcomes o JOIN roster_groups g USING (school_year, student_id)
),
keyed AS (
    SELECT m.*, k.grade_key
    FROM members m JOIN grade_keys k ON k.grade = coalesce(m.grade, '(none)')
)
SELECT school_year, window_id,
       CASE WHEN grouping(school_code) = 1 THEN '__district__'
            ELSE coalesce(school_code, '__unplaced__') END AS scope,
       grade_key AS grade,
       CASE WHEN grouping(subject) = 1 THEN '*' ELSE coalesce(subject, '(none)') END AS subject,
       '*' AS detail, group_id,
       median(stat_a) AS median_a, median(stat_b) AS median_b
FROM keyed
GROUP BY GROUPING SETS (
    (school_year, window_id, school_code, grade_key, subject, group_id),
    (school_year, window_id, grade_key, subject, group_id),
    (school_year, window_id, school_code, grade_key, group_id),
    (school_year, window_id, grade_key, group_id));
