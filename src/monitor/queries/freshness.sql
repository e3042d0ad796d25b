-- How fresh each source is: its latest result date and its latest load that wrote rows.
-- Grain: source. Surveys carry no date per response: their last result is left NULL.
WITH results AS (
    SELECT source, max(test_date) AS last_result FROM assessment_results GROUP BY source
    UNION ALL
    SELECT 'iready', max(completion_date) FROM iready_results
    UNION ALL
    SELECT 'walkthrough', max(observed_on) FROM walkthroughs
    UNION ALL
    SELECT 'coaching', max(coached_on) FROM coaching_log
), loaded AS (
    SELECT source, max(loaded_at) AS last_load FROM loads WHERE rows_loaded > 0 GROUP BY source
)
SELECT source, r.last_result, l.last_load
FROM results r FULL JOIN loaded l USING (source)
WHERE source IS NOT NULL
ORDER BY source;
