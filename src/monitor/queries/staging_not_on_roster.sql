-- How many staged result rows belong to a student missing from that year's roster.
SELECT count(*)
FROM staging s
ANTI JOIN roster r USING (school_year, student_id);
