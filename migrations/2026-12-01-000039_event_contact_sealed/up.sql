-- The mobile number a reporter leaves with an event is personal data like a resident's (R-9.3.1):
-- kept sealed in its text column (`sm4:` and hex, `shared::personal`). The key is not in the
-- database, so the numbers already here are sealed by the server when it starts; this index
-- finds them (it is empty once they are), so that a start does not read every event to learn
-- there is nothing left to seal.
CREATE INDEX events_contact_phone_clear ON events (id)
    WHERE contact_phone <> '' AND contact_phone NOT LIKE 'sm4:%';

-- An instruction from the upper platform is kept as it came, but the reporter's number is
-- the event's, sealed there: the kept copy holds it masked, as `shared::sharing::mask::phone`
-- masks (three characters, stars, four characters; stars only when shorter than eight).
UPDATE exchange_instructions
SET payload = jsonb_set(payload, '{contact_phone}', to_jsonb(
    CASE WHEN length(btrim(payload->>'contact_phone')) < 8 THEN repeat('*', length(btrim(payload->>'contact_phone')))
         ELSE left(btrim(payload->>'contact_phone'), 3)
              || repeat('*', length(btrim(payload->>'contact_phone')) - 7)
              || right(btrim(payload->>'contact_phone'), 4)
    END))
WHERE coalesce(payload->>'contact_phone', '') <> '' AND payload->>'contact_phone' !~ '\*';

CREATE OR REPLACE VIEW sealed_values AS
    SELECT 'residents.id_number'::text AS column_name, get_byte(id_number_sealed, 0) AS version
    FROM residents WHERE id_number_sealed IS NOT NULL
    UNION ALL
    SELECT 'residents.phone', get_byte(phone_sealed, 0) FROM residents WHERE phone_sealed IS NOT NULL
    UNION ALL
    SELECT 'users.totp_secret', sealed_text_version(totp_secret) FROM users WHERE totp_secret LIKE 'sm4:%'
    UNION ALL
    SELECT 'users.totp_secret', sealed_text_version(totp_pending) FROM users WHERE totp_pending LIKE 'sm4:%'
    UNION ALL
    SELECT 'exchange_peers.secret', sealed_text_version(secret) FROM exchange_peers WHERE secret LIKE 'sm4:%'
    UNION ALL
    SELECT 'events.contact_phone', sealed_text_version(contact_phone) FROM events WHERE contact_phone LIKE 'sm4:%';
