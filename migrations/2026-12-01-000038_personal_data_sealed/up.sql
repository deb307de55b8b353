-- Personal data at rest (R-9.3.1, 密评 GB/T 39786): a resident's ID and mobile numbers are
-- kept as SM4-GCM ciphertext (`*_sealed`: key version, nonce, ciphertext, tag) under keys of
-- the server's configuration, each beside an HMAC-SM3 blind index (`*_index`) that finds an
-- exact number and keeps ID numbers unique without the database holding them in the clear.
--
-- The key is not in the database, so this migration cannot seal the rows already here: the
-- clear columns stay, nullable, and the server seals what they hold and empties them when it
-- starts (`shared::personal::service::seal_clear`), before it serves. A row holds a number
-- either in the clear or sealed, never both.
ALTER TABLE residents
    ADD COLUMN id_number_sealed BYTEA,
    ADD COLUMN id_number_index  BYTEA,
    ADD COLUMN phone_sealed     BYTEA,
    ADD COLUMN phone_index      BYTEA,
    ALTER COLUMN id_number DROP NOT NULL,
    ALTER COLUMN phone DROP NOT NULL;

ALTER TABLE residents
    ADD CONSTRAINT residents_id_number_once
        CHECK ((id_number IS NULL) <> (id_number_sealed IS NULL)),
    ADD CONSTRAINT residents_id_number_indexed
        CHECK ((id_number_sealed IS NULL) = (id_number_index IS NULL)),
    ADD CONSTRAINT residents_phone_not_twice
        CHECK (phone IS NULL OR phone_sealed IS NULL),
    ADD CONSTRAINT residents_phone_indexed
        CHECK ((phone_sealed IS NULL) = (phone_index IS NULL)),
    ADD CONSTRAINT residents_id_number_index_unique UNIQUE (township_id, id_number_index);

CREATE INDEX residents_phone_index ON residents (township_id, phone_index) WHERE phone_index IS NOT NULL;

-- The check value of each key the data is sealed or indexed with (version 0: the index key;
-- 1–255: SM4 keys): an HMAC-SM3 of a fixed text under the key, which proves a process holds
-- the right keys without telling them. A version is dropped when a re-sealing leaves nothing
-- under it, so that its key can leave the keyring.
CREATE TABLE personal_key_checks (
    version   SMALLINT PRIMARY KEY CHECK (version BETWEEN 0 AND 255),
    key_check TEXT NOT NULL,
    added_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The key version of a value sealed in a text column (`sm4:` and the sealed bytes in hex: the
-- first byte is the version); NULL for anything else, such as a value still in the clear.
CREATE FUNCTION sealed_text_version(sealed TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN sealed ~ '^sm4:[0-9a-f]{2}' THEN get_byte(decode(substr(sealed, 5, 2), 'hex'), 0) END
$$;

-- Every value sealed with the keyring, with the version of the key that sealed it: what a key
-- rotation counts and re-seals, and what says an old key may leave the keyring. A column that
-- comes to hold sealed values is added here.
CREATE VIEW sealed_values AS
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
