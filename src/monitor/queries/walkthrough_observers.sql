-- Observer calibration: per learning walk and observer, how many indicator ratings they gave and
-- how many met, beside the same counts of every other observer on that walk (same scope).
-- Indicators: CA1A-C, CA2 and CA3 (rating 3-4 meets), HQIM and the four student-experience
-- resources. An observation has one observer. Grain: (window_id, observer).
-- Parameters: $year, $school (NULL = district), $subject (NULL = all), $grades (NULL = all).
WITH ratings AS (
    SELECT window_id, coalesce(nullif(trim(observer), ''), '(not recorded)') AS observer,
           observation_id, meets
    FROM (
        SELECT window_id, observer, observation_id, school_code, subject, grade,
               ca1a, ca1b, ca1c, ca2 >= 3 AS ca2_met, ca3 >= 3 AS ca3_met, hqim,
               grade_appropriate, strong_instruction, deep_engagement, high_expectations
        FROM walkthroughs
        WHERE school_year = $year
          AND ($school IS NULL OR school_code = $school)
          AND ($subject IS NULL OR subject = $subject)
          AND ($grades IS NULL OR list_contains($grades, grade))
    ) UNPIVOT (meets FOR indicator IN (ca1a, ca1b, ca1c, ca2_met, ca3_met, hqim,
                                        grade_appropriate, strong_instruction, deep_engagement,
                                        high_expectations))
),
per_observer AS (
    SELECT window_id, observer, count(DISTINCT observation_id) AS observations,
           count(*) AS ratings, count(*) FILTER (WHERE meets) AS met
    FROM ratings GROUP BY ALL
),
per_walk AS (
    SELECT window_id, sum(observations) AS observations, sum(ratings) AS ratings,
           sum(met) AS met
    FROM per_observer GROUP BY ALL
)
SELECT o.window_id, o.observer, o.observations, o.ratings, o.met,
       w.observations - o.observations AS others_observations,
       w.ratings - o.ratings AS others_ratings, w.met - o.met AS others_met
FROM per_observer o JOIN per_walk w USING (window_id)
ORDER BY o.window_id, o.observer;
