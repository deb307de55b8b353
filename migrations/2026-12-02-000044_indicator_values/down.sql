-- Undoes up.sql, for a developer's local rollback only.
DROP TABLE indicator_alarms;
DROP TABLE indicator_watches;
DROP TABLE indicator_values;
