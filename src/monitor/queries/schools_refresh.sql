-- Upsert schools from a roster load: names from the file, level from the grades enrolled.
-- Reads the registered `school_names` frame (school_code, school_name).
WITH grades AS (
    SELECT school_code,
           min(CASE grade WHEN 'TK' THEN -1 WHEN 'K' THEN 0 ELSE grade::INTEGER END) AS lo,
           max(CASE grade WHEN 'TK' THEN -1 WHEN 'K' THEN 0 ELSE grade::INTEGER END) AS hi
    FROM roster GROUP BY school_code
),
names AS (
    SELECT school_code, coalesce(max(school_name), school_code) AS school_name
    FROM school_names GROUP BY school_code
)
INSERT OR REPLACE INTO schools
SELECT n.school_code, n.school_name,
       CASE WHEN g.hi <= 6 THEN 'Elementary'
            WHEN g.lo >= 6 AND g.hi <= 8 THEN 'Middle'
            WHEN g.lo >= 9 THEN 'High'
            ELSE 'Other' END
FROM names n JOIN grades g USING (school_code);
