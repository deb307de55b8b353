-- History retention and archiving (R-7.1 / R-5c): versions older than a register's online
-- period move from `record_history` to `record_history_archive` — each record's newest
-- version always stays — so the table every write appends to, and its indexes, stay the
-- size of the recent past. Archived versions are still read by a record's history, "as of"
-- and restore; they are deleted only when the register keeps its history for a limited
-- number of years, and only once that has passed.
CREATE TABLE record_history_archive (
    id         BIGINT PRIMARY KEY,           -- the id it had in record_history
    register   TEXT NOT NULL,
    record_id  BIGINT NOT NULL,
    version    INTEGER NOT NULL,
    operation  TEXT NOT NULL,
    actor_id   BIGINT REFERENCES users(id),
    at         TIMESTAMPTZ NOT NULL,
    changed    TEXT[] NOT NULL,
    data       JSONB NOT NULL,
    archived_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX record_history_archive_record_idx ON record_history_archive (register, record_id, version);
-- The purge of a register's oldest versions.
CREATE INDEX record_history_archive_register_at_idx ON record_history_archive (register, at);

-- What an administrator set for a register, over its declaration's defaults. NULL: the
-- declared value.
CREATE TABLE register_settings (
    register              TEXT PRIMARY KEY,     -- `module.register`
    history_online_days   INTEGER CHECK (history_online_days BETWEEN 30 AND 36500),
    -- 0: kept for ever.
    history_kept_years    INTEGER CHECK (history_kept_years BETWEEN 0 AND 100),
    updated_by            BIGINT REFERENCES users(id),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
