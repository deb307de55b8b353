-- Imports into the module engine's registers (issue 13, R-import): one row per uploaded file,
-- from its preview to the end of its commit. The file itself is kept here between the two
-- steps (the commit parses it again: what is written is what was previewed, checked again),
-- and dropped once the import is done or failed. The commit runs in the background and
-- counts `done` as it goes, so a page can poll its progress and the user can come back.
CREATE TABLE engine_imports (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    register     TEXT NOT NULL,                -- `module.register`
    user_id      BIGINT NOT NULL REFERENCES users(id),
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL CHECK (format IN ('csv', 'xlsx', 'geojson')),
    file         BYTEA,                        -- NULL once done or failed
    status       TEXT NOT NULL CHECK (status IN ('previewed', 'running', 'done', 'failed')),
    total        INTEGER NOT NULL,             -- data rows in the file
    good         INTEGER NOT NULL,             -- rows without a problem at the preview
    done         INTEGER NOT NULL DEFAULT 0,   -- rows written so far by the commit
    errors       JSONB NOT NULL DEFAULT '[]',  -- [{row, field, code}], the first 1,000
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
-- A user's imports, newest first (the page that shows them).
CREATE INDEX engine_imports_user_idx ON engine_imports (user_id, created_at DESC);
