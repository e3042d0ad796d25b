-- Each headline cell as it stood at $then and at $until (its latest history entry at or
-- before each), where the two differ. present_* is NULL where the cell did not exist yet.
WITH entries AS (
    SELECT *,
           row_number() OVER (PARTITION BY measure, subject, scope, school_year, window_id,
                              taken_at <= $then ORDER BY taken_at DESC) AS latest
    FROM measure_history
    WHERE taken_at <= $until
),
at_then AS (SELECT * FROM entries WHERE taken_at <= $then AND latest = 1),
at_now AS (SELECT * FROM entries WHERE latest = 1 AND taken_at > $then)
SELECT measure, subject, scope, school_year, window_id,
       t.value AS value_then, t.n AS n_then, t.present AS present_then,
       n.value AS value_now, n.n AS n_now, n.present AS present_now, n.taken_at
FROM at_now n LEFT JOIN at_then t USING (measure, subject, scope, school_year, window_id)
WHERE n.value IS DISTINCT FROM t.value OR n.n IS DISTINCT FROM t.n
   OR n.present IS DISTINCT FROM t.present
ORDER BY measure, subject, scope, school_year, window_id;
