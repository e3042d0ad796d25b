-- One measure's protected cells for the pages and the command line, from the lattice: one
-- subject (or '*' pooled) and grade key (a grade, band or '*'), the given school years.
-- Grain: (school_year, window_id, scope, detail, group_id). The `true_*` counts stay behind.
-- Parameters: $measure, $subject, $grade, $years (list).
SELECT school_year, window_id, scope, detail, group_id,
       n, n_records, n_meeting, value, ci_low, ci_high, hidden AS suppressed, reason,
       hidden_label, schools, mean_a, median_a, median_b, n_excluded
FROM measure_lattice
WHERE measure = $measure AND subject = $subject AND grade = $grade
  AND list_contains($years, school_year)
ORDER BY ALL;
