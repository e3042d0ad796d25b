-- Files already loaded with the same content (the inbox never loads a file twice).
-- Grain: one row per earlier load of each content hash asked for, the first load first.
SELECT file_sha256, file_name, loaded_at
FROM loads
WHERE file_sha256 IN (SELECT unnest($shas)) AND rows_read > 0
ORDER BY loaded_at;
