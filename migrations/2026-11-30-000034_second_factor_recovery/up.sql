-- Recovery codes for a lost authenticator app: ten one-time codes given when a second factor
-- is turned on (or made anew), each good for one login in place of the app's code. Only their
-- SHA-256 is kept: a code is 80 random bits, so the hash cannot be reversed by trying, and a
-- login finds its code by the hash alone. A code used keeps its row, with the time, so the
-- account's holder sees how many are left.
CREATE TABLE second_factor_recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
