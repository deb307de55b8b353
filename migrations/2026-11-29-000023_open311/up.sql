-- The service layer's first channel (R-3.2-intake, R-7.4): credentials issued to other
-- systems, the log of every call they make, the Open311 GeoReport v2 channel of events, and
-- the attributes a category asks of a report (Open311's service metadata).

-- A credential issued to another system: an Open311 client, later a data-sharing partner.
-- The key is shown once; what is kept is its public prefix (to find it, and to name it in
-- lists and logs) and the SHA-256 of the whole key (it is 160 random bits: a slow password
-- hash would protect nothing more and cost every call).
CREATE TABLE api_keys (
    id            BIGSERIAL PRIMARY KEY,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    name          TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    prefix        TEXT NOT NULL UNIQUE,
    secret_hash   TEXT NOT NULL,
    scopes        TEXT[] NOT NULL CHECK (cardinality(scopes) > 0),
    per_minute    INTEGER NOT NULL CHECK (per_minute BETWEEN 1 AND 100000),
    expires_at    TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    created_by    BIGINT REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at  TIMESTAMPTZ
);
CREATE INDEX api_keys_township ON api_keys (township_id, created_at DESC);

-- Every call to the service layer's APIs, with or without a key: who, what, how it ended,
-- how many rows it returned. Read by administrators and the auditor.
CREATE TABLE api_calls (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    api_key_id  BIGINT REFERENCES api_keys(id),
    api         TEXT NOT NULL CHECK (api IN ('open311')),
    method      TEXT NOT NULL,
    path        TEXT NOT NULL,
    status      SMALLINT NOT NULL,
    rows        INTEGER NOT NULL DEFAULT 0,
    address     TEXT NOT NULL DEFAULT '',
    millis      INTEGER NOT NULL
);
CREATE INDEX api_calls_key ON api_calls (api_key_id, at DESC);
CREATE INDEX api_calls_at ON api_calls USING brin (at);

-- Open311 is one more channel of the one intake.
ALTER TABLE events DROP CONSTRAINT events_channel_check;
ALTER TABLE events ADD CONSTRAINT events_channel_check CHECK (channel IN
    ('public', 'patrol', 'self_resolved', 'hotline', 'walk_in', 'superior', 'sensor', 'open311'));
-- Open311 reads list the channel's requests of a township, newest first.
CREATE INDEX events_open311 ON events (township_id, reported_at DESC, id DESC) WHERE channel = 'open311';

-- What an Open311 client sent beside the event: the key it came through, the typed values of
-- the category's attributes, the picture's address and the reporter's contact details the
-- event itself has no column for (never served back).
CREATE TABLE open311_requests (
    event_id    BIGINT PRIMARY KEY REFERENCES events(id),
    api_key_id  BIGINT NOT NULL REFERENCES api_keys(id),
    attributes  JSONB NOT NULL DEFAULT '{}',
    media_url   TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    device_id   TEXT NOT NULL DEFAULT '',
    account_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX open311_requests_key ON open311_requests (api_key_id);

-- What a category asks of a report beyond the description (a lamp post's number, how large
-- a hole is): Open311's service attributes, kept by staff with the categories.
CREATE TABLE event_category_attributes (
    id           SERIAL PRIMARY KEY,
    category_id  INTEGER NOT NULL REFERENCES event_categories(id),
    code         TEXT NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    datatype     TEXT NOT NULL
                 CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
    required     BOOLEAN NOT NULL DEFAULT false,
    description  TEXT NOT NULL CHECK (char_length(description) BETWEEN 1 AND 100),
    sort         INTEGER NOT NULL DEFAULT 0,
    -- [{"key": "off", "name": "不亮"}, …] for the two list types, [] otherwise.
    choices      JSONB NOT NULL DEFAULT '[]',
    UNIQUE (category_id, code)
);
