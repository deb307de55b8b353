DROP TABLE record_approvals;
DROP TABLE custom_fields;
DROP TABLE naming_counters;
DROP FUNCTION engine_record_history() CASCADE;
DROP TABLE record_history;
DROP SCHEMA reg CASCADE;
