-- After a load run's lattice build: record each headline cell (all students, all grades,
-- details pooled) whose shown value or n differs from its latest entry, and each cell that
-- has gone. $taken_at is the run's time.
INSERT INTO measure_history
WITH now AS (
    SELECT measure, subject, scope, school_year, window_id,
           CASE WHEN hidden THEN NULL ELSE value END AS value,
           CASE WHEN hidden THEN NULL ELSE n END AS n
    FROM measure_lattice
    WHERE group_id = 'all' AND grade = '*' AND detail = '*'
),
before AS (
    SELECT * EXCLUDE (latest)
    FROM (
        SELECT *, row_number() OVER (PARTITION BY measure, subject, scope, school_year,
                                     window_id ORDER BY taken_at DESC) AS latest
        FROM measure_history
    )
    WHERE latest = 1
)
SELECT $taken_at::TIMESTAMP, now.measure, now.subject, now.scope, now.school_year,
       now.window_id, now.value, now.n, true
FROM now LEFT JOIN before USING (measure, subject, scope, school_year, window_id)
WHERE before.measure IS NULL OR NOT before.present
   OR before.value IS DISTINCT FROM now.value OR before.n IS DISTINCT FROM now.n
UNION ALL
SELECT $taken_at::TIMESTAMP, b.measure, b.subject, b.scope, b.school_year, b.window_id,
       NULL, NULL, false
FROM before b ANTI JOIN now USING (measure, subject, scope, school_year, window_id)
WHERE b.present;
