-- Data health: every loaded result row, counted by whether it counts in a measure and, if not,
-- why (the `excluded` reasons of the staging macros in macros.sql: rushed, no baseline, an
-- earlier attempt, a scale score only, no indicator rated, an excluded answer...).
-- Grain: (source, school_year, load_id, reason); reason NULL = the rows that count.
-- Parameters: $growth_windows, $exclude_rushed (the i-Ready rule, from config.toml).
WITH staged AS (
    SELECT source, school_year, load_id, excluded, on_roster, placed_grade IS NULL AS no_grade
    FROM assessment_rows(NULL)
    UNION ALL
    SELECT 'iready', school_year, load_id, excluded, on_roster, placed_grade IS NULL
    FROM iready_rows($growth_windows, $exclude_rushed)
    UNION ALL
    SELECT 'walkthrough', school_year, load_id, excluded, NULL, grade IS NULL
    FROM walkthrough_rows()
    UNION ALL
    SELECT 'survey', school_year, load_id, excluded, NULL, NULL
    FROM survey_rows()
    UNION ALL
    SELECT 'coaching', school_year, load_id, excluded, NULL, NULL
    FROM coaching_rows()
)
SELECT source, school_year, load_id, excluded AS reason,
       count(*) AS rows,
       count(*) FILTER (WHERE NOT on_roster) AS not_on_roster,
       count(*) FILTER (WHERE no_grade) AS no_grade
FROM staged
GROUP BY ALL
ORDER BY ALL;
