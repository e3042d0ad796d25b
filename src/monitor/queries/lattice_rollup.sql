-- The measures lattice, second stage: the first stage's counts (registered as `lattice_stage`)
-- added up into every scope and grade a user can choose: each school and the district
-- ('__district__'; results placed in no school are '__unplaced__'), each grade, each grade
-- band and all grades ('*'; results with no grade are '(none)'). Grades map to their keys
-- through `grade_keys` (grade, grade_key), registered beside it.
-- Grain: (school_year, window_id, scope, grade_key, subject, detail, group_id).
WITH keyed AS (
    SELECT s.*, k.grade_key
    FROM lattice_stage s
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
GROUP BY GROUPING SETS (
    (school_year, window_id, school_code, grade_key, subject, detail, group_id),
    (school_year, window_id, grade_key, subject, detail, group_id));
