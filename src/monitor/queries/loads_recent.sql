-- Files loaded, newest first. Grain: one row per file load.
SELECT file_name, source, loaded_at, rows_read, rows_loaded, rows_rejected, duplicates_skipped,
       rows_replaced, nearest_window, not_on_roster, school_years, windows
FROM loads
ORDER BY loaded_at DESC, load_id DESC;
