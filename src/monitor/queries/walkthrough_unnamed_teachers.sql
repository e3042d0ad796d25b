-- Walkthrough observations that name no teacher, per school year (the learning walks count
-- teachers: monitor.health says where observations cannot be counted so).
-- Grain: school_year. No parameters.
SELECT school_year, count(*) AS observations,
       count(*) FILTER (WHERE nullif(trim(teacher), '') IS NULL) AS unnamed
FROM walkthroughs
GROUP BY school_year
ORDER BY school_year;
