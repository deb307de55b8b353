-- The module engine's own tables (issue 13). Register tables live in the schema `reg`, one per
-- declared register, created by generated migrations (`tongguan schema diff --write`);
-- `diesel print-schema` reads only `public`, so they never enter shared/src/schema.rs.
CREATE SCHEMA reg;

-- Every version of every register record: one row per insert and per update that changed
-- something, written by the trigger below, never by the services.
CREATE TABLE record_history (
    id         BIGSERIAL PRIMARY KEY,
    register   TEXT NOT NULL,                -- `module.register`
    record_id  BIGINT NOT NULL,
    version    INTEGER NOT NULL,
    operation  TEXT NOT NULL CHECK (operation IN ('create', 'edit', 'delete', 'restore', 'step')),
    actor_id   BIGINT REFERENCES users(id),
    at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    changed    TEXT[] NOT NULL,              -- the columns whose values differ from the version before
    data       JSONB NOT NULL                -- the whole row after the change
);
-- A record's versions in order (its history page, "as of date D", restore).
CREATE INDEX record_history_record_idx ON record_history (register, record_id, version);
-- Retention and archiving remove the oldest rows first.
CREATE INDEX record_history_at_idx ON record_history (at);

-- The one trigger function of every register table (`… EXECUTE FUNCTION
-- engine_record_history('<module>.<register>')`). The service names the actor and the
-- operation for its transaction: `SELECT set_config('tongguan.actor', '<user id>', true)`,
-- `set_config('tongguan.operation', 'delete', true)`; without them the actor is unknown and
-- the operation is 'create' for an insert, 'edit' for an update.
CREATE FUNCTION engine_record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- Bookkeeping that changes with every write, or never: not a change a person made.
    ignored CONSTANT text[] := ARRAY['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by'];
    new_row jsonb := to_jsonb(NEW);
    -- A new record is compared with nothing (no custom field values either), so its changes
    -- are the columns it was given.
    old_row jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ELSE '{"extra": {}}'::jsonb END;
    changes text[];
    -- A setting set only for an earlier transaction of the session reads as ''.
    operation text := coalesce(nullif(current_setting('tongguan.operation', true), ''),
                               CASE WHEN TG_OP = 'INSERT' THEN 'create' ELSE 'edit' END);
    actor bigint := nullif(current_setting('tongguan.actor', true), '')::bigint;
BEGIN
    SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}')
      INTO changes
      FROM jsonb_each(new_row) n
     WHERE n.key <> ALL (ignored)
       AND n.value IS DISTINCT FROM coalesce(old_row -> n.key, 'null'::jsonb);
    IF TG_OP = 'UPDATE' AND cardinality(changes) = 0 THEN
        RETURN NULL;
    END IF;
    INSERT INTO record_history (register, record_id, version, operation, actor_id, changed, data)
    VALUES (TG_ARGV[0], NEW.id, NEW.version, operation, actor, changes, new_row);
    RETURN NULL;
END
$$;

-- Naming series (`梅委发〔2026〕12号`): the last number given per register and year, taken
-- with INSERT … ON CONFLICT DO UPDATE … RETURNING in the record's own transaction, so the row
-- stays locked to the commit and a number is never skipped or given twice.
CREATE TABLE naming_counters (
    register  TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (register, year)
);

-- Fields an administrator adds to a register at run time; their values live in the record's
-- `extra` jsonb, so adding one never rewrites a table.
CREATE TABLE custom_fields (
    id          SERIAL PRIMARY KEY,
    register    TEXT NOT NULL,
    key         TEXT NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    kind        TEXT NOT NULL,
    label_zh    TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    required    BOOLEAN NOT NULL DEFAULT false,
    in_list     BOOLEAN NOT NULL DEFAULT false,
    filterable  BOOLEAN NOT NULL DEFAULT false,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (register, key)
);

-- The decisions of approval steps (会签, 或签, N of M): one row per approver and decision.
CREATE TABLE record_approvals (
    id           BIGSERIAL PRIMARY KEY,
    register     TEXT NOT NULL,
    record_id    BIGINT NOT NULL,
    transition   TEXT NOT NULL,
    approver_id  BIGINT NOT NULL REFERENCES users(id),
    decision     TEXT NOT NULL,
    reason       TEXT,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX record_approvals_record_idx ON record_approvals (register, record_id, transition);
