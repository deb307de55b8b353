DROP TRIGGER audit_log_append_only ON audit_log;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;
DROP TRIGGER audit_checkpoints_no_truncate ON audit_checkpoints;
DROP TABLE audit_seal;
DROP FUNCTION audit_append_only();
