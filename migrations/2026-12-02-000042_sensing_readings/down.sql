-- Undoes up.sql, for a developer's local rollback only.
DROP TABLE sensing_alarms;
DROP TABLE sensing_watches;
DROP FUNCTION sensing_readings_partitions_drop(integer);
DROP FUNCTION sensing_readings_partitions_ahead();
DROP TABLE sensing_readings;
