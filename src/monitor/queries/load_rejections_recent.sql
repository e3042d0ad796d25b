-- Rows the latest loads rejected, by file, column and reason (newest loads first).
-- Grain: (load_id, column_name, reason). Parameters: $limit (how many loads back).
WITH recent AS (
    SELECT load_id, file_name, source, loaded_at FROM loads
    WHERE rows_rejected > 0 ORDER BY load_id DESC LIMIT $limit
)
SELECT r.load_id, r.file_name, r.source, r.loaded_at, j.column_name, j.reason, j.rows
FROM recent r JOIN load_rejections j USING (load_id)
ORDER BY r.load_id DESC, j.rows DESC, j.column_name, j.reason;
