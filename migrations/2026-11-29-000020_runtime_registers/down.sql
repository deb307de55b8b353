-- The history trigger as migration 000014 left it.
CREATE OR REPLACE FUNCTION engine_record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- Bookkeeping that changes with every write, or never: not a change a person made.
    ignored CONSTANT text[] := ARRAY['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by',
                                    'state_since', 'state_due'];
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

DROP TABLE reg.ledger_records;
DROP TABLE runtime_registers;
