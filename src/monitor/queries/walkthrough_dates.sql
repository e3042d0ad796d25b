-- The last day observed on each learning walk of a school year (the data's cut-off), for the
-- district or one school (how many were observed is the lattice's). Grain: (window_id).
-- Parameters: $year, $school (NULL = district).
SELECT window_id, max(observed_on) AS last_observed
FROM walkthroughs
WHERE school_year = $year AND ($school IS NULL OR school_code = $school)
GROUP BY ALL
ORDER BY ALL;
