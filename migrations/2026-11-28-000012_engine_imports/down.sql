DROP TABLE engine_imports;
