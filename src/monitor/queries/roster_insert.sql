-- Insert the staged roster rows. Parameters: $load_id.
INSERT INTO roster BY NAME SELECT s.* EXCLUDE (_row), $load_id AS load_id FROM staging s;
