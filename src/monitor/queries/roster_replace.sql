-- Remove the roster rows of every staged student-year (the staged rows replace them).
DELETE FROM roster r USING staging s
WHERE r.school_year = s.school_year AND r.student_id = s.student_id;
