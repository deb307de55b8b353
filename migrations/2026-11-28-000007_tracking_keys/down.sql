ALTER TABLE events DROP CONSTRAINT events_client_ref_length;
ALTER TABLE events DROP CONSTRAINT events_client_ref_per_sender;
-- Fails if two accounts have since used the same client_ref: resolve those rows first.
ALTER TABLE events ADD CONSTRAINT events_client_ref_key UNIQUE (client_ref);
ALTER TABLE events DROP COLUMN tracking_key;
DROP FUNCTION event_tracking_key();
