ALTER TABLE api_calls DROP CONSTRAINT api_calls_api_check;
ALTER TABLE api_calls ADD CONSTRAINT api_calls_api_check CHECK (api IN ('open311'));
DROP INDEX events_changed;
