-- Checkpoints of the audit chain (R-9.3.1): every ten minutes the chain's newest record (id
-- and hash) is written here, so that deleting the newest records — which leaves a shorter
-- chain that still verifies — is caught: a checkpoint's record must still be there with the
-- same hash. Only what was deleted after the last checkpoint can go unnoticed.
CREATE TABLE audit_checkpoints (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_id   BIGINT NOT NULL UNIQUE,
    last_hash TEXT NOT NULL
);
