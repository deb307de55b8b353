-- Sealed numbers cannot be put back in the clear by SQL, which has no key: going back over
-- them would lose them. (The masked copies of instructions stay masked.)
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM events WHERE contact_phone LIKE 'sm4:%') THEN
        RAISE EXCEPTION 'events hold sealed contact numbers: they would be lost';
    END IF;
END
$$;

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
    SELECT 'exchange_peers.secret', sealed_text_version(secret) FROM exchange_peers WHERE secret LIKE 'sm4:%';

DROP INDEX events_contact_phone_clear;
