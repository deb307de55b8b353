-- The audit log sealed with a key (R-9.3.1, 密评): from this migration on, each record's
-- chain value is an HMAC-SM3 under a key that lives in the server's configuration, not in
-- the database, so that someone who can write to the database cannot recompute the chain
-- after an edit. Records written before keep their SHA-256 chain values; `sealed_from` is the
-- first record sealed with the key, and `key_check` (an HMAC of that number under the key)
-- proves both the key and the boundary: moving the boundary to pass keyed records off as
-- unkeyed ones needs the key.
CREATE TABLE audit_seal (
    only_row    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    sealed_from BIGINT NOT NULL,
    key_check   TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Append-only: no role may change or remove a record, its seal or a checkpoint. Only a role
-- that may alter the tables (their owner or a superuser) can get round this, by switching the
-- triggers off; what it then changes breaks the keyed chain.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: its records cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints, audit_seal FROM PUBLIC;
