-- A second factor at login (GB/T 22239 8.1.4.1 d: two kinds of authentication for
-- administrators): a time-based one-time password (TOTP, RFC 6238) from an authenticator app.
-- `totp_secret` is set once the user has shown a code from it; until then the secret being
-- enrolled waits in `totp_pending`. `totp_last_step` is the time step of the last code
-- accepted: a code works once, however quickly it is replayed.
ALTER TABLE users
    ADD COLUMN totp_secret TEXT,
    ADD COLUMN totp_pending TEXT,
    ADD COLUMN totp_last_step BIGINT;

-- A session carries whether its user must still enrol one: every process hears of the change.
CREATE TRIGGER users_second_factor_sessions AFTER UPDATE OF totp_secret ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_accounts_change();

-- The session lookup also says whether the user has a second factor.
DROP FUNCTION session_user_by_token(TEXT);
CREATE FUNCTION session_user_by_token(p_token_hash TEXT)
RETURNS TABLE (
    last_seen_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    id BIGINT,
    username TEXT,
    display_name TEXT,
    kind TEXT,
    status TEXT,
    township_id INTEGER,
    township_name TEXT,
    village_id INTEGER,
    grid_id INTEGER,
    department_id INTEGER,
    password_changed_at TIMESTAMPTZ,
    must_change_password BOOLEAN,
    second_factor BOOLEAN,
    role_names TEXT[],
    permissions TEXT,
    scopes TEXT[]
)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT s.last_seen_at, s.expires_at, s.revoked_at, u.id, u.username, u.display_name, u.kind, u.status,
           u.township_id, t.name, u.village_id, u.grid_id, u.department_id,
           u.password_changed_at, u.must_change_password, u.totp_secret IS NOT NULL,
           coalesce(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}'),
           coalesce(string_agg(array_to_string(r.permissions, ','), ','), ''),
           coalesce(array_agg(r.data_scope) FILTER (WHERE r.id IS NOT NULL), '{}')
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    JOIN townships t ON t.id = u.township_id
    LEFT JOIN user_roles ur ON ur.user_id = u.id
    LEFT JOIN roles r ON r.id = ur.role_id
    WHERE s.token_hash = p_token_hash
    GROUP BY s.token_hash, u.id, t.name;
END
$$;
