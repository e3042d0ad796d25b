-- How Core Actions 2 and 3 were rated (1 Not Yet .. 4 Yes) at each learning walk of a school
-- year, for the district or one school. Grain: (window_id, core_action, rating).
-- Parameters: $year, $school (NULL = district), $subject (NULL = all), $grades (NULL = all).
SELECT window_id, core_action, rating, count(*) AS n
FROM (
    SELECT window_id, school_code, subject, grade, ca2, ca3 FROM walkthroughs
    WHERE school_year = $year
) UNPIVOT (rating FOR core_action IN (ca2, ca3))
WHERE ($school IS NULL OR school_code = $school)
  AND ($subject IS NULL OR subject = $subject)
  AND ($grades IS NULL OR list_contains($grades, grade))
GROUP BY ALL
ORDER BY ALL;
