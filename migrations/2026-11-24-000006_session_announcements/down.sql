DROP TRIGGER townships_sessions ON townships;
DROP TRIGGER user_roles_sessions ON user_roles;
DROP TRIGGER roles_sessions ON roles;
DROP TRIGGER users_sessions ON users;
DROP FUNCTION notify_accounts_change();
DROP TRIGGER sessions_deleted ON sessions;
DROP TRIGGER sessions_revoked ON sessions;
DROP FUNCTION notify_session_revoked();
