-- Workflow deadlines (issue 13): every register table now has `state_since` and
-- `state_due` (added by the generated migration before this one). They follow the state and
-- are bookkeeping, not a change a person made: the history trigger ignores them like
-- `updated_at`, so a step records `state` as its change and the backfill below writes no
-- version.
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

-- Records made before: the last change of the record stands for the moment it entered its
-- state (never earlier than that moment, so an approval given before it is asked again
-- rather than skipped). Their deadline is left empty: the working calendar that counts it
-- is the service's, and such a record shows no deadline until its next step.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.table_name FROM information_schema.columns c
              WHERE c.table_schema = 'reg' AND c.column_name = 'state_since'
    LOOP
        EXECUTE format('UPDATE reg.%I SET state_since = updated_at WHERE state IS NOT NULL AND state_since IS NULL', t);
    END LOOP;
END
$$;
