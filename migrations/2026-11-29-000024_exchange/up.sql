-- The exchange with upper-level platforms (R-6.4): instructions pushed in, signed and
-- idempotent, each becoming an event; every step of such an event sent back through a
-- transactional outbox, delivered at least once and acknowledged, in order per event.

-- A platform the township exchanges with: a county or city platform, a 12345 hotline.
-- The secret signs both ways (HMAC needs it in the clear; only the server's role reads it).
CREATE TABLE exchange_peers (
    id            SERIAL PRIMARY KEY,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    code          TEXT NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
    name          TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    kind          TEXT NOT NULL CHECK (kind IN ('county', 'city', 'hotline')),
    algorithm     TEXT NOT NULL CHECK (algorithm IN ('hmac-sm3', 'hmac-sha256')),
    secret        TEXT NOT NULL CHECK (char_length(secret) >= 32),
    -- Where progress and results are delivered (empty: kept in the outbox, never sent).
    endpoint      TEXT NOT NULL DEFAULT '',
    -- The peer's category codes → ours: {"0101": "CG0101", …}.
    categories    JSONB NOT NULL DEFAULT '{}',
    max_attempts  INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
    active        BOOLEAN NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Nonces seen within the signature window: a request replayed with its signature is refused.
CREATE TABLE exchange_nonces (
    peer_id  INTEGER NOT NULL REFERENCES exchange_peers(id),
    nonce    TEXT NOT NULL,
    seen_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (peer_id, nonce)
);
CREATE INDEX exchange_nonces_seen ON exchange_nonces (seen_at);

-- An instruction received: its sender's id is unique per sender, so a repeat finds the
-- event the first made.
CREATE TABLE exchange_instructions (
    id              BIGSERIAL PRIMARY KEY,
    peer_id         INTEGER NOT NULL REFERENCES exchange_peers(id),
    instruction_id  TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('task', 'supervision', 'information_request', 'work_order')),
    event_id        BIGINT NOT NULL UNIQUE REFERENCES events(id),
    deadline        TIMESTAMPTZ,
    payload         JSONB NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (peer_id, instruction_id)
);

-- What is to be sent back: one message per step of an instruction's event, written by the
-- trigger below in the transaction that wrote the step.
CREATE TABLE exchange_outbox (
    id               BIGSERIAL PRIMARY KEY,
    peer_id          INTEGER NOT NULL REFERENCES exchange_peers(id),
    instruction_id   BIGINT NOT NULL REFERENCES exchange_instructions(id),
    step_id          BIGINT NOT NULL UNIQUE REFERENCES event_steps(id),
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at     TIMESTAMPTZ
);
-- The delivery job's question: the oldest undelivered message of each instruction.
CREATE INDEX exchange_outbox_due ON exchange_outbox (instruction_id, id) WHERE state <> 'delivered';
CREATE INDEX exchange_outbox_state ON exchange_outbox (state, next_attempt_at);

CREATE FUNCTION exchange_outbox_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO exchange_outbox (peer_id, instruction_id, step_id)
    SELECT i.peer_id, i.id, NEW.id FROM exchange_instructions i WHERE i.event_id = NEW.event_id;
    RETURN NULL;
END $$;

CREATE TRIGGER exchange_outbox_step AFTER INSERT ON event_steps
    FOR EACH ROW EXECUTE FUNCTION exchange_outbox_step();
