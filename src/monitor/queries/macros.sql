-- Query-time definitions, created on every reader connection (TEMP: they live with the code,
-- not in the database file, so a database built by an older version reads the current rules).

-- Per-unit outcomes of every measure, one shape for all:
-- (school_year, window_id, school_code, grade, subject, detail, student_id, meets, stat_a,
-- stat_b). stat_a/stat_b carry a second statistic: percent correct (ESGI, benchmarks,
-- performance tasks) or percent progress to typical / stretch growth (i-Ready). An i-Ready
-- student without a baseline has meets NULL: not counted, but countable as excluded.
-- `detail` is the walkthrough indicator or the survey construct; NULL elsewhere.
CREATE OR REPLACE TEMP MACRO measure_outcomes(
    measure, esgi_cut, proficient_rank, percent_cut, growth_windows, growth_values,
    exclude_rushed, favorable_top5, favorable_top7, reversed_items, survey_detail
) AS TABLE
WITH
placed AS (     -- results placed by the roster; the file's own school/grade when not on it
    SELECT a.*,
           coalesce(r.school_code, a.school_code) AS placed_school,
           coalesce(a.grade, r.grade) AS placed_grade
    FROM assessment_results a
    LEFT JOIN roster r USING (school_year, student_id)
    WHERE a.source = measure
),
esgi AS (       -- all of a student's ESGI tests in a subject and window, pooled
    SELECT school_year, window_id, school_code, grade, subject, NULL::VARCHAR AS detail,
           student_id, pct >= esgi_cut AS meets, pct AS stat_a, NULL::DOUBLE AS stat_b
    FROM (
        SELECT school_year, window_id, placed_school AS school_code,
               any_value(placed_grade) AS grade, subject, student_id,
               100 * sum(score) / nullif(sum(points_possible), 0) AS pct
        FROM placed WHERE measure = 'esgi'
        GROUP BY school_year, window_id, placed_school, subject, student_id
    )
),
latest AS (     -- benchmarks, performance tasks, state test: each student's latest attempt
    SELECT school_year, window_id, placed_school AS school_code, placed_grade AS grade,
           subject, NULL::VARCHAR AS detail, student_id,
           CASE WHEN measure = 'state_test' THEN level_rank >= 3
                WHEN level_rank IS NOT NULL THEN level_rank >= proficient_rank
                ELSE percent_correct >= percent_cut END AS meets,
           percent_correct AS stat_a, NULL::DOUBLE AS stat_b
    FROM placed WHERE measure IN ('benchmark', 'performance_task', 'state_test')
    QUALIFY row_number() OVER (
        PARTITION BY school_year, window_id, student_id, subject
        ORDER BY test_date DESC NULLS LAST, load_id DESC) = 1
),
iready AS (
    SELECT i.*, coalesce(r.school_code, i.school_code) AS placed_school,
           coalesce(i.grade, r.grade) AS placed_grade
    FROM iready_results i LEFT JOIN roster r USING (school_year, student_id)
    WHERE measure = 'iready_growth' AND NOT (exclude_rushed AND i.rushed)
),
with_baseline AS (  -- growth counts only for students with a baseline in that subject and year
    SELECT DISTINCT school_year, student_id, subject FROM iready WHERE is_baseline
),
growth AS (      -- students without a baseline stay, with no outcome, to be counted as such
    SELECT i.school_year, i.window_id, i.placed_school AS school_code, i.placed_grade AS grade,
           i.subject, NULL::VARCHAR AS detail, i.student_id,
           CASE WHEN b.student_id IS NOT NULL
                THEN i.pct_typical >= growth_values[list_position(growth_windows, i.window_id)]
           END AS meets,
           CASE WHEN b.student_id IS NOT NULL THEN i.pct_typical END AS stat_a,
           CASE WHEN b.student_id IS NOT NULL THEN i.pct_stretch END AS stat_b
    FROM iready i LEFT JOIN with_baseline b USING (school_year, student_id, subject)
    WHERE list_contains(growth_windows, i.window_id) AND NOT i.is_baseline
    QUALIFY row_number() OVER (
        PARTITION BY i.school_year, i.window_id, i.student_id, i.subject
        ORDER BY i.completion_date DESC, i.load_id DESC) = 1
),
walk AS (       -- one row per observation per indicator; meets = Yes, or a rating of 3-4;
                -- Core Action 1 as a whole (ca1) meets when 1A, 1B and 1C all do
    SELECT school_year, window_id, school_code, grade, subject, detail,
           observation_id AS student_id, meets, NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b
    FROM (
        SELECT *, ca1a AND ca1b AND ca1c AS ca1_met, ca2 >= 3 AS ca2_met, ca3 >= 3 AS ca3_met
        FROM walkthroughs
        WHERE measure = 'walkthrough'
    ) UNPIVOT (meets FOR detail IN (
        ca1_met AS ca1, ca1a, ca1b, ca1c, ca2_met AS ca2, ca3_met AS ca3, hqim, grade_appropriate,
        strong_instruction, deep_engagement, high_expectations))
),
survey AS (     -- favorable = top 2 of 5 (top 3 of 7), bottom ones for reversed items;
                -- excluded answers carry no value
    SELECT s.school_year, s.window_id, s.school_code, r.grade, s.survey AS subject,
           CASE survey_detail WHEN 'item' THEN s.item_id ELSE s.construct END AS detail,
           coalesce(s.student_id, s.respondent_id) AS student_id,
           CASE WHEN list_contains(reversed_items, s.item_id)
                THEN s.response_value
                     <= CASE s.scale_points WHEN 7 THEN favorable_top7 ELSE favorable_top5 END
                ELSE s.response_value > s.scale_points
                     - CASE s.scale_points WHEN 7 THEN favorable_top7 ELSE favorable_top5 END
           END AS meets, NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b
    FROM survey_responses s LEFT JOIN roster r USING (school_year, student_id)
    WHERE measure = 'survey' AND s.response_value IS NOT NULL
)
SELECT * FROM esgi
UNION ALL SELECT * FROM latest
UNION ALL SELECT * FROM growth
UNION ALL SELECT * FROM walk
UNION ALL SELECT * FROM survey;

-- The outcomes of one measure in scope (school years, subject, grades, schools; NULL = all),
-- each once for "all students" and once more for every configured group the student is in.
CREATE OR REPLACE TEMP MACRO group_outcomes(
    measure, esgi_cut, proficient_rank, percent_cut, growth_windows, growth_values,
    exclude_rushed, favorable_top5, favorable_top7, reversed_items, survey_detail,
    p_years, p_subject, p_grades, p_schools
) AS TABLE
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes(measure, esgi_cut, proficient_rank, percent_cut, growth_windows,
                          growth_values, exclude_rushed, favorable_top5, favorable_top7,
                          reversed_items, survey_detail)
    WHERE list_contains(p_years, school_year)
      AND (p_subject IS NULL OR subject = p_subject)
      AND (p_grades IS NULL OR list_contains(p_grades, grade))
      AND (p_schools IS NULL OR list_contains(p_schools, school_code))
)
SELECT o.*, 'all' AS group_id FROM outcomes o
UNION ALL
SELECT o.*, g.group_id FROM outcomes o JOIN roster_groups g USING (school_year, student_id);
