-- Issue 11, defects 6 and 10.
--
-- Public tracking codes that cannot be enumerated. `events.number` (TG-<year>-<n>) counts up
-- and stays what staff read and say on the phone; the public tracking page asks for the
-- number AND this random key (`TG-2026-000123-K7P2QX9A`), so knowing or guessing a number is
-- not enough to read an event's title, village and timeline.
--
-- The key: 8 characters of a 32-letter alphabet without 0/O and 1/I (read aloud and typed on
-- a phone without confusion) = 40 random bits, taken from gen_random_uuid() (PostgreSQL's
-- strong random source, built in since 13). The first 8 base64 characters of a version-4
-- UUID encode its first 6 bytes, which are all random; each of the 64 base64 letters maps
-- onto alphabet[i % 32], so every key letter is uniform.
CREATE FUNCTION event_tracking_key() RETURNS text
LANGUAGE sql VOLATILE PARALLEL SAFE
AS $$
    SELECT translate(substr(encode(uuid_send(gen_random_uuid()), 'base64'), 1, 8),
                     'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
                     '23456789ABCDEFGHJKLMNPQRSTUVWXYZ23456789ABCDEFGHJKLMNPQRSTUVWXYZ')
$$;

-- A volatile default is evaluated for every existing row (the table is rewritten once, with
-- no row triggers), so events reported before this migration get keys of their own too.
ALTER TABLE events ADD COLUMN tracking_key TEXT NOT NULL DEFAULT event_tracking_key()
    CONSTRAINT events_tracking_key_format CHECK (tracking_key ~ '^[2-9A-HJ-NP-Z]{8}$');

-- An offline draft's idempotency key belongs to the account that sent it: one user sending
-- another's `client_ref` makes an event of their own instead of receiving the other's.
-- `created_by` (not `reporter_id`) is the sender: it is set for every channel, while a call
-- entered by staff for a citizen has no reporter but is still one draft of that staff member.
ALTER TABLE events DROP CONSTRAINT events_client_ref_key;
ALTER TABLE events ADD CONSTRAINT events_client_ref_per_sender UNIQUE (created_by, client_ref);
-- Bounded like the form (`NewEvent::validate`); NOT VALID: rows sent before stay as they are.
ALTER TABLE events ADD CONSTRAINT events_client_ref_length CHECK (length(client_ref) <= 64) NOT VALID;
