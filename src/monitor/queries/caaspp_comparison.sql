-- CAASPP percent standard met and above for the state, the district's county, the district
-- and each of its schools, for one school year, subject, student group and grade.
-- Grain: one row per entity. Parameters: $school_year, $subject, $group_id, $grade,
-- $county, $district (CDS codes). Values the state suppressed (*) come back NULL.
WITH results AS (
    SELECT *
    FROM caaspp_results
    WHERE school_year = $school_year AND subject = $subject
      AND student_group_id = $group_id AND grade = $grade
      AND (county_code = '00'
           OR (county_code = $county AND (district_code = '00000' OR district_code = $district)))
)
SELECT CASE WHEN r.county_code = '00' THEN 'State'
            WHEN r.district_code = '00000' THEN 'County'
            WHEN r.school_code = '0000000' THEN 'District'
            ELSE 'School' END AS level,
       CASE WHEN r.county_code = '00' THEN 'California'
            WHEN r.district_code = '00000' THEN coalesce(e.county_name, 'County ' || r.county_code)
            WHEN r.school_code = '0000000' THEN coalesce(e.district_name, 'District')
            ELSE coalesce(e.school_name, r.school_code) END AS entity,
       r.school_code, r.students_tested, r.pct_met_above
FROM results r
LEFT JOIN caaspp_entities e
  ON e.test_year = r.test_year AND e.county_code = r.county_code
 AND e.district_code = r.district_code AND e.school_code = r.school_code
ORDER BY CASE level WHEN 'State' THEN 1 WHEN 'County' THEN 2 WHEN 'District' THEN 3 ELSE 4 END,
         r.pct_met_above DESC NULLS LAST;
