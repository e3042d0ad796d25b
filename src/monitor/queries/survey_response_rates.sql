-- Survey respondents per school, window and student group ('all' and each configured group),
-- and for the student survey the students of that group enrolled at the school in the grades
-- it was given in (the grades of any respondent linked to the roster), so that a response
-- rate can be shown. Staff surveys have no roster: `enrolled` is NULL for them. A school is
-- listed in a window where anyone answered there; its groups then with however many of
-- them answered (0 included), so that every group's rows add up to the district's.
-- Grain: (window_id, school_code, group_id). Parameters: $year, $survey.
WITH responses AS (
    SELECT DISTINCT window_id, school_code, respondent_id, student_id
    FROM survey_responses
    WHERE school_year = $year AND survey = $survey
),
answered AS (       -- each respondent once for all students, once more per group
    SELECT window_id, school_code, respondent_id, 'all' AS group_id FROM responses
    UNION ALL
    SELECT r.window_id, r.school_code, r.respondent_id, g.group_id
    FROM responses r
    JOIN roster_groups g ON g.school_year = $year AND g.student_id = r.student_id
),
surveyed_grades AS (
    SELECT DISTINCT r.grade
    FROM responses s JOIN roster r ON r.student_id = s.student_id AND r.school_year = $year
),
enrolled_students AS (
    SELECT r.school_code, r.student_id
    FROM roster r
    WHERE r.school_year = $year AND $survey = 'student'
      AND r.grade IN (SELECT grade FROM surveyed_grades)
),
enrolled AS (
    SELECT school_code, 'all' AS group_id, count(DISTINCT student_id) AS enrolled
    FROM enrolled_students GROUP BY ALL
    UNION ALL
    SELECT e.school_code, g.group_id, count(DISTINCT e.student_id) AS enrolled
    FROM enrolled_students e
    JOIN roster_groups g ON g.school_year = $year AND g.student_id = e.student_id
    GROUP BY ALL
),
listed AS (         -- the schools with respondents in each window, for every group
    SELECT DISTINCT a.window_id, a.school_code, g.group_id
    FROM answered a
    CROSS JOIN (SELECT DISTINCT group_id FROM answered
                UNION SELECT DISTINCT group_id FROM enrolled) g
    WHERE a.group_id = 'all'
),
counted AS (
    SELECT window_id, school_code, group_id, count(DISTINCT respondent_id) AS respondents
    FROM answered GROUP BY ALL
)
SELECT l.window_id, l.school_code, l.group_id, coalesce(c.respondents, 0) AS respondents,
       e.enrolled
FROM listed l
LEFT JOIN counted c USING (window_id, school_code, group_id)
LEFT JOIN enrolled e ON e.school_code IS NOT DISTINCT FROM l.school_code
                    AND e.group_id = l.group_id
WHERE coalesce(c.respondents, 0) > 0 OR coalesce(e.enrolled, 0) > 0
ORDER BY ALL;
