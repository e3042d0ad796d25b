-- How many staged roster rows are identical to the row already loaded for that student-year.
-- Grain: one number. Reads the registered `staging` frame.
SELECT count(*)
FROM staging s
JOIN roster r USING (school_year, student_id)
WHERE r.school_code = s.school_code AND r.grade = s.grade
  AND r.race_ethnicity IS NOT DISTINCT FROM s.race_ethnicity
  AND r.english_learner IS NOT DISTINCT FROM s.english_learner
  AND r.disability IS NOT DISTINCT FROM s.disability
  AND r.socioeconomic IS NOT DISTINCT FROM s.socioeconomic
  AND r.foster IS NOT DISTINCT FROM s.foster
  AND r.homeless IS NOT DISTINCT FROM s.homeless;
