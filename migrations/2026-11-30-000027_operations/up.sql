-- Operations (9.2.2, R-backup): the backups and restore drills the platform ran, and the last
-- run of each background job, for the operations page. Both belong to the deployment, not to
-- a township: one database is backed up whole.

-- One row per backup or drill, written when it starts (no outcome yet) and finished when it
-- ends. A run whose process died stays without an outcome until the next run marks it
-- interrupted (runs are serialised by an advisory lock held by the running process's own
-- connection, so "no outcome and nobody holds the lock" means it died).
CREATE TABLE backup_runs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('backup', 'drill')),
    trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'command', 'page')),
    actor_name   TEXT NOT NULL DEFAULT '',
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    outcome      TEXT CHECK (outcome IN ('ok', 'failed', 'interrupted')),
    -- The dump's file name (a drill: the file it restored), its size and SHA-256.
    file         TEXT NOT NULL DEFAULT '',
    bytes        BIGINT,
    sha256       TEXT NOT NULL DEFAULT '',
    -- Per table: the rows and checksum at the dump's snapshot; a drill adds what the
    -- restored copy holds and the live database's rows now.
    tables       JSONB NOT NULL DEFAULT '[]',
    error        TEXT NOT NULL DEFAULT '',
    CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX backup_runs_recent ON backup_runs (kind, started_at DESC);

CREATE TABLE job_runs (
    job               TEXT PRIMARY KEY,
    last_run_at       TIMESTAMPTZ NOT NULL,
    last_success_at   TIMESTAMPTZ,
    last_failure_at   TIMESTAMPTZ,
    last_error        TEXT NOT NULL DEFAULT '',
    failures_in_a_row INTEGER NOT NULL DEFAULT 0
);
