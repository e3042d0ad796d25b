-- Rows per table. Grain: one row per table.
SELECT 'roster' AS table_name, count(*) AS row_count FROM roster
UNION ALL SELECT 'assessment_results', count(*) FROM assessment_results
UNION ALL SELECT 'iready_results', count(*) FROM iready_results
UNION ALL SELECT 'walkthroughs', count(*) FROM walkthroughs
UNION ALL SELECT 'survey_responses', count(*) FROM survey_responses
UNION ALL SELECT 'coaching_log', count(*) FROM coaching_log
UNION ALL SELECT 'schools', count(*) FROM schools
UNION ALL SELECT 'loads', count(*) FROM loads;
