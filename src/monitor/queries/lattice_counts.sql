-- The measures lattice, first stage: one measure's counts at the finest grain a user can
-- reach, per school year, window, school, grade and student group, for each subject and for
-- every subject pooled ('*'), each detail and every detail pooled ('*').
-- First at the grain (school_year, window_id, school_code, grade, subject, detail, group_id),
-- where school_code and grade may be NULL (a result placed nowhere / with no grade); then
-- schools and grades are added up into the district, grade bands and all grades: a student
-- is in one school and one grade a year, so those sums are exact; subjects and details are
-- not (a student counts once pooled), so their pooled rows are counted, not added.
-- Grain of the result: (school_year, window_id, scope, grade, subject, detail, group_id).
-- Pooled details leave out the measure's $unpooled details (the learning walks' Core Action 1
-- as a whole: its parts 1A-1C are in; teacher growth's core actions: its pooled row is each
-- teacher's mean), and its $pooled_only details count only in the pooled row (teacher
-- growth's 'teacher').
-- Parameters: the measure's rule parameters (macros.sql), $details (whether it has any),
-- $pool_subjects (false for surveys: a student and a teacher survey never pool),
-- $pooled_details (false: leave out the rows of every detail pooled, already counted),
-- $unpooled and $pooled_only (lists of details; '-' when none), $years (the school years to
-- count; '*' for every one: no sum crosses a school year, so a load counts only those its
-- rows touched).
-- stat_a is added up as a decimal: an exact sum, the same in whatever order DuckDB's threads
-- add it (a float's last digit, and so a rounded mean, could differ from one build to the next).
-- Students are counted once per cell by counting per student first (students), then
-- counting rows: at 400,000 students twice as fast as count(DISTINCT student_id) over
-- grouping sets (bench/REPORT.md). A student's groups are joined to those per-student rows
-- (per_student), not to every outcome: the grouping sets then run over each outcome once,
-- not once per group it is in (the 30,000-student demo's counting about a fifth faster).
-- With $pooled_details false the rows of every detail pooled are not counted at all.
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                          $growth_windows, $growth_values, $exclude_rushed,
                          $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                          $coaching_partly, $rubric_level)
    WHERE (list_contains($years, '*') OR list_contains($years, school_year))
),
students AS (
    SELECT school_year, window_id, school_code, grade,
           CASE WHEN grouping(subject) = 1 THEN '*' ELSE coalesce(subject, '(none)') END AS subject,
           detail, student_id,
           count(*) FILTER (WHERE meets IS NOT NULL) AS records,
           count(*) FILTER (WHERE meets) AS meeting,
           count(*) FILTER (WHERE meets IS NULL) AS unmet,
           sum(stat_a::DECIMAL(18, 6)) FILTER (WHERE meets IS NOT NULL) AS sum_a,
           count(stat_a) FILTER (WHERE meets IS NOT NULL) AS count_a
    FROM outcomes
    WHERE $details AND (detail IS NULL OR NOT list_contains($pooled_only, detail))
    GROUP BY GROUPING SETS (
        (school_year, window_id, school_code, grade, subject, detail, student_id),
        (school_year, window_id, school_code, grade, detail, student_id))
    HAVING $pool_subjects OR grouping(subject) = 0
    UNION ALL
    SELECT school_year, window_id, school_code, grade,
           CASE WHEN grouping(subject) = 1 THEN '*' ELSE coalesce(subject, '(none)') END AS subject,
           '*' AS detail, student_id,
           count(*) FILTER (WHERE meets IS NOT NULL) AS records,
           count(*) FILTER (WHERE meets) AS meeting,
           count(*) FILTER (WHERE meets IS NULL) AS unmet,
           sum(stat_a::DECIMAL(18, 6)) FILTER (WHERE meets IS NOT NULL) AS sum_a,
           count(stat_a) FILTER (WHERE meets IS NOT NULL) AS count_a
    FROM outcomes
    WHERE $pooled_details AND (detail IS NULL OR NOT list_contains($unpooled, detail))
    GROUP BY GROUPING SETS (
        (school_year, window_id, school_code, grade, subject, student_id),
        (school_year, window_id, school_code, grade, student_id))
    HAVING $pool_subjects OR grouping(subject) = 0
),
per_student AS (
    SELECT s.*, 'all' AS group_id FROM students s
    UNION ALL
    SELECT s.*, g.group_id FROM students s JOIN roster_groups g USING (school_year, student_id)
),
stage AS (
    SELECT school_year, window_id, school_code, grade, subject, detail, group_id,
           count(*) FILTER (WHERE records > 0) AS n,
           sum(records)::BIGINT AS n_records, sum(meeting)::BIGINT AS n_meeting,
           count(*) FILTER (WHERE unmet > 0) AS n_excluded,
           sum(sum_a) AS sum_a, sum(count_a)::BIGINT AS count_a
    FROM per_student
    GROUP BY school_year, window_id, school_code, grade, subject, detail, group_id
    HAVING sum(records) > 0 OR count(*) FILTER (WHERE unmet > 0) > 0
),
-- Added up into every scope and grade a user can choose: each school and the district
-- ('__district__'; results placed in no school are '__unplaced__'), each grade, each grade
-- band and all grades ('*'; results with no grade are '(none)'). Grades map to their keys
-- through `grade_keys` (grade, grade_key), registered beside the query.
keyed AS (
    SELECT s.*, k.grade_key
    FROM stage s
    JOIN grade_keys k ON k.grade = coalesce(s.grade, '(none)')
)
SELECT school_year, window_id,
       CASE WHEN grouping(school_code) = 1 THEN '__district__'
            ELSE coalesce(school_code, '__unplaced__') END AS scope,
       grade_key AS grade, subject, detail, group_id,
       sum(n)::BIGINT AS n, sum(n_records)::BIGINT AS n_records,
       sum(n_meeting)::BIGINT AS n_meeting, sum(n_excluded)::BIGINT AS n_excluded,
       sum(sum_a) AS sum_a, sum(count_a)::BIGINT AS count_a,
       count(DISTINCT school_code) FILTER (WHERE n_records > 0) AS schools
FROM keyed
WHERE $pooled_details OR detail IS DISTINCT FROM '*'
GROUP BY GROUPING SETS (
    (school_year, window_id, school_code, grade_key, subject, detail, group_id),
    (school_year, window_id, grade_key, subject, detail, group_id));
