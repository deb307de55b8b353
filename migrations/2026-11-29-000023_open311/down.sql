DROP TABLE event_category_attributes;
DROP TABLE open311_requests;
DROP INDEX events_open311;
ALTER TABLE events DROP CONSTRAINT events_channel_check;
ALTER TABLE events ADD CONSTRAINT events_channel_check CHECK (channel IN
    ('public', 'patrol', 'self_resolved', 'hotline', 'walk_in', 'superior', 'sensor'));
DROP TABLE api_calls;
DROP TABLE api_keys;
