-- Earlier loads of the same file name and source with different content: the versions a
-- corrected file replaces. Parameters: $file_name, $source, $sha.
SELECT load_id
FROM loads
WHERE file_name = $file_name AND source = $source AND file_sha256 <> $sha;
