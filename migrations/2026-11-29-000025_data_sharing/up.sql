-- The data-sharing API's event feed reads a township's events in the order of their last
-- change, from a time and after a (time, id) cursor: one index serves every page.
CREATE INDEX events_changed ON events (township_id, updated_at, id);

-- The data-sharing API's calls are logged beside Open311's.
ALTER TABLE api_calls DROP CONSTRAINT api_calls_api_check;
ALTER TABLE api_calls ADD CONSTRAINT api_calls_api_check CHECK (api IN ('open311', 'data'));
