-- Run-time registers (专项台账, shared/src/engine/runtime.rs): simple registers an
-- administrator creates in the UI. No DDL runs when one is made: they share one table,
-- `reg.ledger_records`, keyed by the register's name, with the engine's standard columns
-- (the same as every register table's, shared/src/engine/ddl.rs) and every value in `extra`
-- (their fields are custom fields). Kept per deployment, like the declared registers.
CREATE TABLE runtime_registers (
    id         SERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    title_zh   TEXT NOT NULL CHECK (char_length(title_zh) BETWEEN 1 AND 40),
    title_en   TEXT NOT NULL CHECK (char_length(title_en) BETWEEN 1 AND 40),
    place      TEXT NOT NULL CHECK (place IN ('township', 'village', 'grid')),
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE reg.ledger_records (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    township_id integer NOT NULL REFERENCES townships(id),
    village_id integer REFERENCES villages(id),
    grid_id integer REFERENCES grids(id),
    owner_id bigint REFERENCES users(id),
    number text,
    state text,
    state_since timestamp with time zone,
    state_due timestamp with time zone,
    version integer NOT NULL DEFAULT 1,
    extra jsonb NOT NULL DEFAULT '{}',
    created_by bigint REFERENCES users(id),
    updated_by bigint REFERENCES users(id),
    created_at timestamp with time zone NOT NULL DEFAULT now(),
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    deleted_at timestamp with time zone,
    register text NOT NULL REFERENCES runtime_registers(name)
);
-- Every query of a run-time register names it first: the register leads each index (the
-- scope, the default order's keyset; a filterable custom field's index is made the same way).
CREATE INDEX ledger_records_scope_idx ON reg.ledger_records (register, township_id, village_id, grid_id)
    WHERE deleted_at IS NULL;
CREATE INDEX ledger_records_created_at_sort ON reg.ledger_records (register, created_at, id)
    WHERE deleted_at IS NULL;

-- The history trigger names the register from the row here: its argument is the module's
-- prefix (`ledger.`), and the record's key is that prefix and its `register`, which is
-- bookkeeping, not a change.
CREATE OR REPLACE FUNCTION engine_record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- Bookkeeping that changes with every write, or never: not a change a person made.
    ignored CONSTANT text[] := ARRAY['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by',
                                    'state_since', 'state_due'];
    shared CONSTANT boolean := right(TG_ARGV[0], 1) = '.';
    register_key text := TG_ARGV[0];
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
    IF shared THEN
        -- Read from the row's JSON: `NEW.register` would not compile for the other tables.
        register_key := register_key || (new_row ->> 'register');
        new_row := new_row - 'register';
        old_row := old_row - 'register';
    END IF;
    SELECT coalesce(array_agg(n.key ORDER BY n.key), '{}')
      INTO changes
      FROM jsonb_each(new_row) n
     WHERE n.key <> ALL (ignored)
       AND n.value IS DISTINCT FROM coalesce(old_row -> n.key, 'null'::jsonb);
    IF TG_OP = 'UPDATE' AND cardinality(changes) = 0 THEN
        RETURN NULL;
    END IF;
    INSERT INTO record_history (register, record_id, version, operation, actor_id, changed, data)
    VALUES (register_key, NEW.id, NEW.version, operation, actor, changes, new_row);
    RETURN NULL;
END
$$;

CREATE TRIGGER engine_history AFTER INSERT OR UPDATE ON reg.ledger_records FOR EACH ROW
    EXECUTE FUNCTION engine_record_history('ledger.');
