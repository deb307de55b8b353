-- The township's time zone, named once for SQL: every query says `AT TIME ZONE app_time_zone()`.
-- Rust names the same zone in shared/src/time.rs (`ZONE`); a test checks that both agree.
-- IMMUTABLE, so the planner folds it into a constant (an index on an expression using it is
-- allowed, and a plan costs nothing more than with the literal).
CREATE FUNCTION app_time_zone() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 'Asia/Shanghai'::text $$;

-- The announcement of event changes (migration 000005), naming the zone through the function.
CREATE OR REPLACE FUNCTION notify_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    month text := to_char(NEW.reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM');
    counted boolean := true;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        counted := (OLD.state, OLD.category_id, OLD.village_id, OLD.grid_id, OLD.department_id, OLD.channel,
                    OLD.priority, OLD.reported_at, OLD.closed_at, OLD.deadline, OLD.satisfaction, OLD.escalation,
                    OLD.supervised, OLD.assignee_id, OLD.reporter_id, OLD.township_id, OLD.number, OLD.title,
                    OLD.address)
               IS DISTINCT FROM
                   (NEW.state, NEW.category_id, NEW.village_id, NEW.grid_id, NEW.department_id, NEW.channel,
                    NEW.priority, NEW.reported_at, NEW.closed_at, NEW.deadline, NEW.satisfaction, NEW.escalation,
                    NEW.supervised, NEW.assignee_id, NEW.reporter_id, NEW.township_id, NEW.number, NEW.title,
                    NEW.address);
        -- An event moved to another month (never done today): no single month is stale.
        IF to_char(OLD.reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM') <> month THEN
            month := NULL;
        END IF;
    END IF;
    PERFORM pg_notify('events', json_build_object(
        'id', NEW.id, 'township_id', NEW.township_id, 'state', NEW.state, 'version', NEW.version,
        'month', month, 'counted', counted)::text);
    RETURN NULL;
END
$$;
