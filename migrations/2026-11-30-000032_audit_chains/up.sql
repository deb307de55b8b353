-- The audit log in several chains (R-9.3.1): each record links to the one before it in its
-- own chain, and an append holds only its chain's lock until it commits. With one chain every
-- audited transaction waited for the commit of the one before, which halved event intake once
-- each state change of an event was audited (docs/benchmarks.md). Appends take chain 0 when it
-- is free and the next free one when it is not, so a quiet log stays one chain. Every record
-- written before is in chain 0, and a record's chain is covered by its chain value (from
-- chain 1 on), so moving a record to another chain breaks both.
ALTER TABLE audit_log ADD COLUMN chain SMALLINT NOT NULL DEFAULT 0 CHECK (chain >= 0);
-- The end of each chain, read by every append; and max(chain) for the checkpoints.
CREATE INDEX audit_log_chain_end ON audit_log (chain, id DESC);
