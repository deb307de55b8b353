-- The audit log's archive (R-9.3.1: records are kept at least 180 days and archived, not
-- deleted, after that). Records past the retention move here, so that the live table and its
-- indexes stay the size of the retention period while nothing is ever lost; the chain goes on
-- across both tables, and `audit_log_all` is the one log that search and verification read.
CREATE TABLE audit_log_archive (LIKE audit_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE audit_log_archive ADD PRIMARY KEY (id);
CREATE INDEX audit_log_archive_township ON audit_log_archive (township_id, at DESC);

CREATE TRIGGER audit_log_archive_append_only BEFORE UPDATE OR DELETE ON audit_log_archive
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_archive_no_truncate BEFORE TRUNCATE ON audit_log_archive
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log_archive FROM PUBLIC;

-- A record leaves the live table only into the archive: when it is past the 180 days the
-- standard asks for, an identical copy of it is archived, and it is not the end of its chain
-- (which the next append links to). Anything else is refused as any change of the log is.
CREATE FUNCTION audit_log_delete_only_archived() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.at < now() - interval '180 days'
       AND EXISTS (
           SELECT 1 FROM audit_log_archive a
           WHERE a.id = OLD.id
             AND (a.chain, a.township_id, a.at, a.actor_id, a.actor_name, a.action, a.target,
                  a.detail, a.ip, a.prev_hash, a.hash)
                 IS NOT DISTINCT FROM
                 (OLD.chain, OLD.township_id, OLD.at, OLD.actor_id, OLD.actor_name, OLD.action,
                  OLD.target, OLD.detail, OLD.ip, OLD.prev_hash, OLD.hash))
       AND EXISTS (SELECT 1 FROM audit_log l WHERE l.chain = OLD.chain AND l.id > OLD.id)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: record % can leave it only into audit_log_archive, '
                    'past 180 days and not the end of its chain', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_delete_only_archived BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_delete_only_archived();

-- The whole log, archived and live: a record is in exactly one of the two (the archive job
-- moves records in one transaction; a copy left behind would show twice and break the chain).
CREATE VIEW audit_log_all AS
    SELECT id, township_id, at, actor_id, actor_name, action, target, detail, ip, prev_hash, hash, chain
    FROM audit_log_archive
    UNION ALL
    SELECT id, township_id, at, actor_id, actor_name, action, target, detail, ip, prev_hash, hash, chain
    FROM audit_log;
