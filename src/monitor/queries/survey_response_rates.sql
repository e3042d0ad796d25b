-- Survey respondents per school and window, and for the student survey the students enrolled
-- in the grades it was given in (the grades of any respondent linked to the roster), so a
-- response rate can be shown. Staff surveys have no roster: `enrolled` is NULL for them.
-- Grain: (window_id, school_code). Parameters: $year, $survey, $group ('all' or a group id).
WITH responses AS (
    SELECT DISTINCT window_id, school_code, respondent_id, student_id
    FROM survey_responses
    WHERE school_year = $year AND survey = $survey
),
in_group AS (
    SELECT * FROM responses
    WHERE $group = 'all' OR student_id IN (
        SELECT student_id FROM roster_groups WHERE school_year = $year AND group_id = $group)
),
surveyed_grades AS (
    SELECT DISTINCT r.grade
    FROM responses s JOIN roster r ON r.student_id = s.student_id AND r.school_year = $year
),
enrolled AS (
    SELECT r.school_code, count(DISTINCT r.student_id) AS enrolled
    FROM roster r
    WHERE r.school_year = $year AND $survey = 'student'
      AND r.grade IN (SELECT grade FROM surveyed_grades)
      AND ($group = 'all' OR r.student_id IN (
          SELECT student_id FROM roster_groups WHERE school_year = $year AND group_id = $group))
    GROUP BY ALL
)
SELECT g.window_id, g.school_code, count(DISTINCT g.respondent_id) AS respondents, e.enrolled
FROM in_group g LEFT JOIN enrolled e USING (school_code)
GROUP BY ALL
ORDER BY ALL;
