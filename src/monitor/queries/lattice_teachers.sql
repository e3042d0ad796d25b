-- The learning walks' cells by teacher: how many distinct teachers each cell's observations
-- saw, so that no cell shows fewer than the configured minimum of teachers (a teacher observed
-- by six walkers is still one teacher). A teacher is a name at a school (`person` of
-- measure_outcomes, hashed; no name leaves the database). Observations with no teacher's name
-- count as one teacher more where no one at that school is named in the cell (they may all be
-- one teacher), and as none where someone is (they may all be those): never more teachers
-- than there may have been.
-- Teachers are distinct per school, so the district's count is its schools' added up; grades,
-- subjects and details are counted, not added (one teacher teaches in several).
-- Grain: (school_year, window_id, scope, grade, subject, detail), the grain of
-- lattice_counts.sql for group 'all' ('__district__', '__unplaced__', grade keys through
-- `grade_keys` registered beside it, '*' for every subject and every detail pooled).
-- Parameters: the measure's rule parameters (macros.sql), $unpooled and $years (as
-- lattice_counts).
WITH observed AS (
    SELECT school_year, window_id, school_code, grade, coalesce(subject, '(none)') AS subject,
           detail, person
    FROM measure_outcomes($measure, $esgi_cut, $proficient_rank, $percent_cut,
                          $growth_windows, $growth_values, $exclude_rushed,
                          $favorable_top5, $favorable_top7, $reversed_items, $survey_detail,
                          $coaching_partly, $rubric_level)
    WHERE meets IS NOT NULL AND (list_contains($years, '*') OR list_contains($years, school_year))
),
subjects AS (       -- each subject, and every subject pooled
    SELECT * EXCLUDE (subject), unnest([subject, '*']) AS subject FROM observed
),
details AS (        -- each detail, and every detail pooled (but the unpooled ones)
    SELECT * EXCLUDE (detail),
           unnest(CASE WHEN list_contains($unpooled, detail) THEN [detail]
                       ELSE [detail, '*'] END) AS detail
    FROM subjects
),
schools AS (
    SELECT d.school_year, d.window_id, coalesce(d.school_code, '__unplaced__') AS scope,
           k.grade_key AS grade, d.subject, d.detail,
           count(DISTINCT d.person) + CASE WHEN count(DISTINCT d.person) = 0 THEN 1 ELSE 0 END
               AS n_teachers
    FROM details d
    JOIN grade_keys k ON k.grade = coalesce(d.grade, '(none)')
    GROUP BY ALL
)
SELECT * FROM schools
UNION ALL
SELECT school_year, window_id, '__district__' AS scope, grade, subject, detail,
       sum(n_teachers)::BIGINT AS n_teachers
FROM schools
GROUP BY school_year, window_id, grade, subject, detail;
