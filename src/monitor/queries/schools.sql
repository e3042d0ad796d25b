-- Every school, with its level. Grain: one row per school.
SELECT school_code, school_name, level
FROM schools
ORDER BY CASE level WHEN 'Elementary' THEN 1 WHEN 'Middle' THEN 2 WHEN 'High' THEN 3 ELSE 4 END,
         school_name;
