DROP TRIGGER grids_names ON grids;
DROP TRIGGER villages_names ON villages;
DROP TRIGGER departments_names ON departments;
DROP TRIGGER event_categories_names ON event_categories;
DROP FUNCTION notify_names_change();
CREATE OR REPLACE FUNCTION notify_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('events', json_build_object(
        'id', NEW.id, 'township_id', NEW.township_id, 'state', NEW.state, 'version', NEW.version)::text);
    RETURN NULL;
END
$$;
