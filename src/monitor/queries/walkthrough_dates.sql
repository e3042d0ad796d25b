-- The observations of each learning walk of a school year and the last day observed (the
-- data's cut-off), for the district or one school. Grain: (window_id).
-- Parameters: $year, $school (NULL = district).
SELECT window_id, count(*) AS observations, max(observed_on) AS last_observed
FROM walkthroughs
WHERE school_year = $year AND ($school IS NULL OR school_code = $school)
GROUP BY ALL
ORDER BY ALL;
