DROP TABLE register_settings;
DROP TABLE record_history_archive;
