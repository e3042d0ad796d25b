-- CAASPP percent standard met and above for the district and each of its schools, every
-- student group and grade of one school year and subject: the district's rows of the public
-- research files, to be protected together (monitor.reads.caaspp_comparison).
-- Grain: (school_code, student_group_id, grade); school_code '0000000' is the district.
-- Parameters: $school_year, $subject, $county, $district (CDS codes). Values the state
-- suppressed (*) come back NULL.
SELECT school_code, student_group_id, grade, students_tested, pct_met_above
FROM caaspp_results
WHERE school_year = $school_year AND subject = $subject
  AND county_code = $county AND district_code = $district
ORDER BY ALL;
