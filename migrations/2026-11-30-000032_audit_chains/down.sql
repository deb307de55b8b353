DROP INDEX audit_log_chain_end;
ALTER TABLE audit_log DROP COLUMN chain;
