ALTER TABLE geo_lines DROP COLUMN feature_code, DROP COLUMN feature_table;
DROP TABLE code_entries;
DROP TABLE code_tables;
