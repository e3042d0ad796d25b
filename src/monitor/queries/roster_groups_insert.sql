-- Membership of one configured student group, for the given school years.
-- Parameters: $years (list), $group_id, $field (one of the fixed roster fields), $value.
INSERT INTO roster_groups
SELECT school_year, student_id, $group_id
FROM roster
WHERE list_contains($years, school_year)
  AND CASE $field
        WHEN 'race_ethnicity' THEN race_ethnicity
        WHEN 'english_learner' THEN english_learner
        WHEN 'disability' THEN disability
        WHEN 'socioeconomic' THEN socioeconomic
        WHEN 'foster' THEN foster
        WHEN 'homeless' THEN homeless
      END = $value;
