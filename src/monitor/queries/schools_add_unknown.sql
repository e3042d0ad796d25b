-- Schools named only by a results file (students not on the roster): add them by their code.
-- Reads the registered `staging` frame.
INSERT INTO schools
SELECT DISTINCT s.school_code, s.school_code, 'Other'
FROM staging s
WHERE s.school_code IS NOT NULL
  AND s.school_code NOT IN (SELECT school_code FROM schools);
