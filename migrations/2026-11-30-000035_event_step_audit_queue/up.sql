-- Every change of an event's state goes on the audit log (R-9.3.1), appended after the step
-- commits, in batches, instead of in the step's transaction: an append there (the chain's
-- lock, its end read, the record written) cost intake 27–30 % of its reports a second. The
-- step's own statement queues it here, with the address it came from, so a step is never
-- kept without its record to come; a background job on every server process takes the queue
-- in order (`FOR UPDATE SKIP LOCKED`: each step once, whichever process takes it), appends
-- one record per step with the step's own time, and removes the rows in the same
-- transaction. No cascade: a step waiting for its record cannot be deleted.
CREATE TABLE event_step_audit_queue (
    step_id BIGINT PRIMARY KEY REFERENCES event_steps (id),
    ip      TEXT NOT NULL DEFAULT ''
);
