-- Server processes keep live sessions for up to a minute (shared/src/accounts/service/
-- session_cache.rs). Whatever ends a session or changes what its user may do is announced
-- on `sessions`, so that it takes effect at once on every process: a revoked or deleted
-- session by its token hash; any change to users, roles, role grants or townships as `*`.
CREATE FUNCTION notify_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sessions', OLD.token_hash);
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at ON sessions
    FOR EACH ROW WHEN (NEW.revoked_at IS DISTINCT FROM OLD.revoked_at)
    EXECUTE FUNCTION notify_session_revoked();
CREATE TRIGGER sessions_deleted AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION notify_session_revoked();

CREATE FUNCTION notify_accounts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sessions', '*');
    RETURN NULL;
END
$$;
-- Logins update users too (failed attempts, last login); only what a session carries counts.
CREATE TRIGGER users_sessions
    AFTER UPDATE OF username, display_name, kind, status, township_id, village_id, grid_id, department_id
       OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_accounts_change();
CREATE TRIGGER roles_sessions AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_accounts_change();
CREATE TRIGGER user_roles_sessions AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_accounts_change();
CREATE TRIGGER townships_sessions AFTER UPDATE OR DELETE ON townships
    FOR EACH STATEMENT EXECUTE FUNCTION notify_accounts_change();
