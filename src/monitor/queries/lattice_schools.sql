-- The lattice as one principal's view sees it: the district's cells and their own schools',
-- with the exact counts behind hidden cells (for the suppression of that narrower view only;
-- never returned to a page). Grain as measure_lattice. Parameters: $schools (list).
SELECT *
FROM measure_lattice
WHERE scope = '__district__' OR list_contains($schools, scope)
ORDER BY measure, school_year, window_id, scope, grade, subject, detail, group_id;
