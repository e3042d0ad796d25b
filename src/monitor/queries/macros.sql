-- Query-time definitions, created on every reader connection (TEMP: they live with the code,
-- not in the database file, so a database built by an older version reads the current rules).

-- Staging: one row per loaded result row of each source, placed in its school and grade (the
-- roster's; the file's own when the student is not on it), with `excluded`: why the row counts
-- in no measure (NULL = it counts). The data health check (data_health.sql) counts rows by
-- it; measure_outcomes below reads only the rows that count. Rules live here, once.

-- ESGI, district benchmarks, performance tasks, state test. A student's latest attempt in a
-- window counts (ESGI: every test, pooled); an attempt with a scale score only counts nowhere.
CREATE OR REPLACE TEMP MACRO assessment_rows(p_source) AS TABLE
SELECT a.*, coalesce(r.school_code, a.school_code) AS placed_school,
       coalesce(a.grade, r.grade) AS placed_grade, r.student_id IS NOT NULL AS on_roster,
       CASE
           WHEN a.source = 'esgi' THEN
               CASE WHEN coalesce(a.points_possible, 0) = 0 THEN 'no total questions' END
           WHEN row_number() OVER (
                    PARTITION BY a.source, a.school_year, a.window_id, a.student_id, a.subject
                    ORDER BY a.test_date DESC NULLS LAST, a.load_id DESC) > 1
               THEN 'an earlier attempt in the same window'
           WHEN a.level_rank IS NULL AND a.percent_correct IS NULL
               THEN 'a scale score only (no performance level or percent correct)'
       END AS excluded
FROM assessment_results a
LEFT JOIN roster r USING (school_year, student_id)
WHERE p_source IS NULL OR a.source = p_source;

-- i-Ready diagnostics. Growth counts a student's latest diagnostic in a window with a growth
-- expectation, when the student has a baseline in that subject and year; baselines count as
-- the reference; rushed tests are left out when `exclude_rushed`.
CREATE OR REPLACE TEMP MACRO iready_rows(growth_windows, exclude_rushed) AS TABLE
WITH placed AS (
    SELECT i.*, coalesce(r.school_code, i.school_code) AS placed_school,
           coalesce(i.grade, r.grade) AS placed_grade, r.student_id IS NOT NULL AS on_roster,
           exclude_rushed AND i.rushed AS left_out,
           list_contains(growth_windows, i.window_id) AS growth_window
    FROM iready_results i
    LEFT JOIN roster r USING (school_year, student_id)
),
with_baseline AS (
    SELECT DISTINCT school_year, student_id, subject
    FROM placed WHERE is_baseline AND NOT left_out
),
ranked AS (
    SELECT p.*, b.student_id IS NOT NULL AS has_baseline,
           row_number() OVER (
               PARTITION BY p.school_year, p.window_id, p.student_id, p.subject,
                            p.left_out OR p.is_baseline
               ORDER BY p.completion_date DESC, p.load_id DESC) AS attempt
    FROM placed p
    LEFT JOIN with_baseline b USING (school_year, student_id, subject)
)
SELECT *,
       NOT left_out AND NOT is_baseline AND growth_window AND attempt = 1 AS growth_row,
       CASE
           WHEN left_out THEN 'rushed'
           WHEN is_baseline THEN NULL
           WHEN NOT growth_window THEN 'a window with no growth expectation'
           WHEN attempt > 1 THEN 'an earlier diagnostic in the same window'
           WHEN NOT has_baseline THEN 'no baseline diagnostic in that subject and year'
           WHEN pct_typical IS NULL THEN 'no percent progress to typical growth'
       END AS excluded
FROM ranked;

-- Walkthrough observations: an observation with no indicator rated counts nowhere.
CREATE OR REPLACE TEMP MACRO walkthrough_rows() AS TABLE
SELECT *,
       CASE WHEN ca1a IS NULL AND ca1b IS NULL AND ca1c IS NULL AND ca2 IS NULL AND ca3 IS NULL
                 AND hqim IS NULL AND grade_appropriate IS NULL AND strong_instruction IS NULL
                 AND deep_engagement IS NULL AND high_expectations IS NULL
            THEN 'no indicator rated' END AS excluded
FROM walkthroughs;

-- Survey answers: excluded answers ("I don't know", configured) leave the denominator.
CREATE OR REPLACE TEMP MACRO survey_rows() AS TABLE
SELECT *,
       CASE WHEN response_value IS NULL
            THEN 'an excluded answer (don''t know, not applicable)' END AS excluded
FROM survey_responses;

-- Coaching logs: a goal is a person's goal (by its text) in a cycle, and its entries count
-- together (the sessions "in progress" before it was assessed among them); a goal with no
-- assessment in its cycle yet (blank, in progress) counts nowhere yet, nor does a rubric
-- rating of someone who is not a school leader (the rubric is the leaders').
CREATE OR REPLACE TEMP MACRO coaching_rows() AS TABLE
SELECT *,
       CASE WHEN aspect = 'goal' AND count(goal_met) OVER (
                     PARTITION BY school_year, window_id, school_code, lower(trim(coachee)),
                                  lower(regexp_replace(trim(goal), '\s+', ' ', 'g'))) = 0
                THEN 'a goal not yet assessed in its cycle'
            WHEN aspect <> 'goal' AND role <> 'leader'
                THEN 'a rubric rating of someone who is not a school leader'
       END AS excluded
FROM coaching_log;

-- Per-unit outcomes of every measure, one shape for all:
-- (school_year, window_id, school_code, grade, subject, detail, student_id, meets, stat_a,
-- stat_b, person). `person` is the teacher a learning walk's observation saw (hashed; NULL
-- elsewhere), so that a walk's cells count teachers as well as observations. stat_a/stat_b carry a second statistic: percent correct (ESGI, benchmarks,
-- performance tasks) or percent progress to typical / stretch growth (i-Ready). An i-Ready
-- student without a baseline has meets NULL: not counted, but countable as excluded.
-- `detail` is the walkthrough indicator or the survey construct; NULL elsewhere.
CREATE OR REPLACE TEMP MACRO measure_outcomes(
    measure, esgi_cut, proficient_rank, percent_cut, growth_windows, growth_values,
    exclude_rushed, favorable_top5, favorable_top7, reversed_items, survey_detail,
    coaching_partly, rubric_level
) AS TABLE
WITH
placed AS (
    SELECT * FROM assessment_rows(measure)
    WHERE measure IN ('esgi', 'benchmark', 'performance_task', 'state_test')
      AND excluded IS NULL
),
esgi AS (       -- all of a student's ESGI tests in a subject and window, pooled
    SELECT school_year, window_id, school_code, grade, subject, NULL::VARCHAR AS detail,
           student_id, pct >= esgi_cut AS meets, pct AS stat_a, NULL::DOUBLE AS stat_b,
           NULL::VARCHAR AS person
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
           percent_correct AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM placed WHERE measure IN ('benchmark', 'performance_task', 'state_test')
),
growth AS (      -- students without a baseline stay, with no outcome, to be counted as such
    SELECT school_year, window_id, placed_school AS school_code, placed_grade AS grade,
           subject, NULL::VARCHAR AS detail, student_id,
           CASE WHEN has_baseline
                THEN pct_typical >= growth_values[list_position(growth_windows, window_id)]
           END AS meets,
           CASE WHEN has_baseline THEN pct_typical END AS stat_a,
           CASE WHEN has_baseline THEN pct_stretch END AS stat_b, NULL::VARCHAR AS person
    FROM iready_rows(growth_windows, exclude_rushed)
    WHERE measure = 'iready_growth' AND growth_row
),
walk AS (       -- one row per observation per indicator; meets = Yes, or a rating of 3-4;
                -- Core Action 1 as a whole (ca1) meets when 1A, 1B and 1C all do. `person`:
                -- the teacher observed, a name at a school (NULL where no name was written),
                -- for counting teachers; it never leaves the database
    SELECT school_year, window_id, school_code, grade, subject, detail,
           observation_id AS student_id, meets, NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b,
           person
    FROM (
        SELECT *, ca1a AND ca1b AND ca1c AS ca1_met, ca2 >= 3 AS ca2_met, ca3 >= 3 AS ca3_met,
               CASE WHEN nullif(trim(teacher), '') IS NOT NULL
                    THEN md5(coalesce(school_code, '') || chr(31) || lower(trim(teacher)))
               END AS person
        FROM walkthrough_rows()
        WHERE measure = 'walkthrough' AND excluded IS NULL
    ) UNPIVOT (meets FOR detail IN (
        ca1_met AS ca1, ca1a, ca1b, ca1c, ca2_met AS ca2, ca3_met AS ca3, hqim, grade_appropriate,
        strong_instruction, deep_engagement, high_expectations))
),
rating AS (     -- Core Actions 2 and 3 by rating: per observation rated, one row per rating
                -- 1-4 ('ca2=1' .. 'ca3=4'), meets = it was given that rating
    SELECT school_year, window_id, school_code, grade, subject,
           core_action || '=' || level AS detail, observation_id AS student_id,
           rating = level AS meets, NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b,
           NULL::VARCHAR AS person
    FROM (
        SELECT * FROM walkthrough_rows()
        WHERE measure = 'walkthrough_ratings' AND excluded IS NULL
    ) UNPIVOT (rating FOR core_action IN (ca2, ca3))
    CROSS JOIN range(1, 5) AS levels(level)
),
-- Teacher practice growth: a teacher is a name at a school (one observed at two schools is
-- two; names are compared without case or surrounding spaces, hashed here and never shown).
-- Details: 'ca2' / 'ca3', the year so far: among teachers whose core action was rated at least
-- twice by this walk, meets = their latest rating above their first of the year; 'ca2_walk' /
-- 'ca3_walk', walk to walk: among teachers rated on this walk and the one before it, meets =
-- their latest rating on this walk above their latest on the one before. Placed in the grade
-- of the teacher's latest observation up to the walk; every subject observed pooled (a
-- teacher's first and latest observation may be in different subjects).
taught AS (
    SELECT school_year, window_id, school_code, grade,
           observed_on::VARCHAR || observation_id AS seen,
           school_code || chr(31) || lower(trim(teacher)) AS teacher_key, core_action, rating
    FROM (
        SELECT * FROM walkthrough_rows()
        WHERE measure = 'teacher_growth' AND excluded IS NULL
          AND nullif(trim(teacher), '') IS NOT NULL
    ) UNPIVOT (rating FOR core_action IN (ca2, ca3))
),
walk_order AS (     -- the year's walks in the order they were walked
    SELECT school_year, window_id,
           rank() OVER (PARTITION BY school_year ORDER BY min(observed_on), window_id) AS walk
    FROM walkthroughs
    WHERE measure = 'teacher_growth'
    GROUP BY school_year, window_id
),
taught_by_walk AS (  -- each walk, with every rating up to it
    SELECT t.*, w.window_id AS upto, o.walk
    FROM taught t
    JOIN walk_order o USING (school_year, window_id)
    JOIN walk_order w ON w.school_year = t.school_year AND o.walk <= w.walk
),
teacher_grade AS (
    SELECT school_year, upto, teacher_key, arg_max(grade, seen) AS grade
    FROM taught_by_walk GROUP BY school_year, upto, teacher_key
),
rated_twice AS (     -- each teacher's first and latest rating of a core action so far
    SELECT school_year, upto AS window_id, school_code, teacher_key, core_action,
           arg_min(rating, seen) AS first_rating, arg_max(rating, seen) AS latest_rating
    FROM taught_by_walk
    GROUP BY school_year, upto, school_code, teacher_key, core_action
    HAVING count(*) >= 2
),
-- The year so far per core action, and per teacher ('teacher': their mean latest rating of
-- the core actions rated twice above their mean first; the measure's headline, a share of
-- teachers like its n: counted only in "every detail pooled").
year_so_far AS (
    SELECT school_year, window_id, school_code, teacher_key, core_action AS detail,
           latest_rating > first_rating AS meets
    FROM rated_twice
    UNION ALL
    SELECT school_year, window_id, school_code, teacher_key, 'teacher' AS detail,
           avg(latest_rating) > avg(first_rating) AS meets
    FROM rated_twice
    GROUP BY school_year, window_id, school_code, teacher_key
),
on_each_walk AS (
    SELECT school_year, walk, window_id, school_code, teacher_key, core_action,
           arg_max(rating, seen) AS rating
    FROM taught JOIN walk_order USING (school_year, window_id)
    GROUP BY ALL
),
walk_to_walk AS (
    SELECT now.school_year, now.window_id, now.school_code, now.teacher_key,
           now.core_action || '_walk' AS detail, now.rating > before.rating AS meets
    FROM on_each_walk now
    JOIN on_each_walk before
      ON before.school_year = now.school_year AND before.teacher_key = now.teacher_key
     AND before.core_action = now.core_action AND before.walk = now.walk - 1
),
teacher AS (
    SELECT c.school_year, c.window_id, c.school_code, g.grade, NULL::VARCHAR AS subject,
           c.detail, 't:' || md5(c.teacher_key) AS student_id, c.meets,
           NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM (SELECT * FROM year_so_far UNION ALL SELECT * FROM walk_to_walk) c
    JOIN teacher_grade g
      ON g.school_year = c.school_year AND g.upto = c.window_id AND g.teacher_key = c.teacher_key
),
-- Coaching: a person coached is a name at a school (hashed here, never shown). Goals: per
-- cycle, each person's goals (by their text) as last assessed in the cycle, meets = met (or
-- partly, where config.toml counts it); details: the role coached (teacher / leader).
-- Leaders' rubric: per cycle, each leader's latest rating of each domain, meets = at or above
-- the configured level; details: the domains.
coached AS (
    SELECT *, school_code || chr(31) || lower(trim(coachee)) AS coachee_key,
           coached_on::VARCHAR || entry_id AS seen
    FROM coaching_rows()
    WHERE measure IN ('coaching_goals', 'leader_coaching') AND excluded IS NULL
),
coaching_goal AS (
    SELECT school_year, window_id, school_code, NULL::VARCHAR AS grade,
           NULL::VARCHAR AS subject, arg_max(role, seen) AS detail,
           'c:' || md5(coachee_key) AS student_id,
           arg_max(goal_met, seen) = 'yes'
               OR (coaching_partly AND arg_max(goal_met, seen) = 'partly') AS meets,
           NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM coached
    WHERE measure = 'coaching_goals' AND aspect = 'goal' AND goal_met IS NOT NULL
    GROUP BY school_year, window_id, school_code, coachee_key,
             lower(regexp_replace(trim(goal), '\s+', ' ', 'g'))
),
leader_rubric AS (
    SELECT school_year, window_id, school_code, NULL::VARCHAR AS grade,
           NULL::VARCHAR AS subject, aspect AS detail, 'c:' || md5(coachee_key) AS student_id,
           arg_max(rating, seen) >= rubric_level AS meets,
           NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM coached
    WHERE measure = 'leader_coaching' AND aspect <> 'goal'
    GROUP BY school_year, window_id, school_code, coachee_key, aspect
),
survey AS (     -- favorable = top 2 of 5 (top 3 of 7), bottom ones for reversed items
    SELECT s.school_year, s.window_id, s.school_code, r.grade, s.survey AS subject,
           CASE survey_detail WHEN 'item' THEN s.item_id ELSE s.construct END AS detail,
           coalesce(s.student_id, s.respondent_id) AS student_id,
           CASE WHEN list_contains(reversed_items, s.item_id)
                THEN s.response_value
                     <= CASE s.scale_points WHEN 7 THEN favorable_top7 ELSE favorable_top5 END
                ELSE s.response_value > s.scale_points
                     - CASE s.scale_points WHEN 7 THEN favorable_top7 ELSE favorable_top5 END
           END AS meets, NULL::DOUBLE AS stat_a, NULL::DOUBLE AS stat_b, NULL::VARCHAR AS person
    FROM survey_rows() s LEFT JOIN roster r USING (school_year, student_id)
    WHERE measure = 'survey' AND s.excluded IS NULL
)
SELECT * FROM esgi
UNION ALL SELECT * FROM latest
UNION ALL SELECT * FROM growth
UNION ALL SELECT * FROM walk
UNION ALL SELECT * FROM rating
UNION ALL SELECT * FROM teacher
UNION ALL SELECT * FROM coaching_goal
UNION ALL SELECT * FROM leader_rubric
UNION ALL SELECT * FROM survey;

-- The outcomes of one measure in scope (school years, subject, grades, schools; NULL = all),
-- each once for "all students" and once more for every configured group the student is in.
CREATE OR REPLACE TEMP MACRO group_outcomes(
    measure, esgi_cut, proficient_rank, percent_cut, growth_windows, growth_values,
    exclude_rushed, favorable_top5, favorable_top7, reversed_items, survey_detail,
    coaching_partly, rubric_level, p_years, p_subject, p_grades, p_schools
) AS TABLE
WITH outcomes AS (
    SELECT *
    FROM measure_outcomes(measure, esgi_cut, proficient_rank, percent_cut, growth_windows,
                          growth_values, exclude_rushed, favorable_top5, favorable_top7,
                          reversed_items, survey_detail, coaching_partly, rubric_level)
    WHERE list_contains(p_years, school_year)
      AND (p_subject IS NULL OR subject = p_subject)
      AND (p_grades IS NULL OR list_contains(p_grades, grade))
      AND (p_schools IS NULL OR list_contains(p_schools, school_code))
)
SELECT o.*, 'all' AS group_id FROM outcomes o
UNION ALL
SELECT o.*, g.group_id FROM outcomes o JOIN roster_groups g USING (school_year, student_id);
