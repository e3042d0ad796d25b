-- The measures lattice, first stage: one measure's counts at the finest grain a user can
-- reach, per school year, window, school, grade and student group, for each subject and for
-- every subject pooled ('*'), each detail and every detail pooled ('*').
-- Grain: (school_year, window_id, school_code, grade, subject, detail, group_id); school_code
-- and grade may be NULL (a result placed nowhere / with no grade). Schools and grades are
-- added up into the district, grade bands and all grades by lattice_rollup.sql: a student
-- is in one school and one grade a year, so those sums are exact; subjects and details are
-- not (a student counts once pooled), so their pooled rows are counted here.
-- Pooled details leave out Core Action 1 as a whole (ca1): its parts 1A-1C are in.
-- Parameters: the measure's rule parameters (macros.sql), $details (whether it has any),
-- $pool_subjects (false for surveys: a student and a teacher survey never pool).
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                          $growth_windows, $growth_values, $exclude_rushed,
                          $favorable_top5, $favorable_top7, $reversed_items, $survey_detail)
),
members AS (
    SELECT o.*, 'all' AS group_id FROM outcomes o
    UNION ALL
    SELECT o.*, g.group_id FROM outcomes o JOIN roster_groups g USING (school_year, student_id)
),
per_detail AS (
    SELECT school_year, window_id, school_code, grade,
           CASE WHEN grouping(subject) = 1 THEN '*' ELSE coalesce(subject, '(none)') END AS subject,
           detail, group_id,
           count(DISTINCT student_id) FILTER (WHERE meets IS NOT NULL) AS n,
           count(*) FILTER (WHERE meets IS NOT NULL) AS n_records,
           count(*) FILTER (WHERE meets) AS n_meeting,
           count(DISTINCT student_id) FILTER (WHERE meets IS NULL) AS n_excluded,
           sum(stat_a) FILTER (WHERE meets IS NOT NULL) AS sum_a,
           count(stat_a) FILTER (WHERE meets IS NOT NULL) AS count_a
    FROM members
    WHERE $details
    GROUP BY GROUPING SETS (
        (school_year, window_id, school_code, grade, subject, detail, group_id),
        (school_year, window_id, school_code, grade, detail, group_id))
    HAVING $pool_subjects OR grouping(subject) = 0
),
pooled AS (
    SELECT school_year, window_id, school_code, grade,
           CASE WHEN grouping(subject) = 1 THEN '*' ELSE coalesce(subject, '(none)') END AS subject,
           '*' AS detail, group_id,
           count(DISTINCT student_id) FILTER (WHERE meets IS NOT NULL) AS n,
           count(*) FILTER (WHERE meets IS NOT NULL) AS n_records,
           count(*) FILTER (WHERE meets) AS n_meeting,
           count(DISTINCT student_id) FILTER (WHERE meets IS NULL) AS n_excluded,
           sum(stat_a) FILTER (WHERE meets IS NOT NULL) AS sum_a,
           count(stat_a) FILTER (WHERE meets IS NOT NULL) AS count_a
    FROM members
    WHERE detail IS DISTINCT FROM 'ca1'
    GROUP BY GROUPING SETS (
        (school_year, window_id, school_code, grade, subject, group_id),
        (school_year, window_id, school_code, grade, group_id))
    HAVING $pool_subjects OR grouping(subject) = 0
)
SELECT * FROM per_detail WHERE n_records > 0 OR n_excluded > 0
UNION ALL
SELECT * FROM pooled WHERE n_records > 0 OR n_excluded > 0;
