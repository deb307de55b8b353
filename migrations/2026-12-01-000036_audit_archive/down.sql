-- Archived records have no other home: going back over them would lose them.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_log_archive) THEN
        RAISE EXCEPTION 'audit_log_archive holds records: they would be lost';
    END IF;
END
$$;
DROP VIEW audit_log_all;
DROP TRIGGER audit_log_delete_only_archived ON audit_log;
DROP TRIGGER audit_log_no_update ON audit_log;
DROP FUNCTION audit_log_delete_only_archived();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
DROP TABLE audit_log_archive;
