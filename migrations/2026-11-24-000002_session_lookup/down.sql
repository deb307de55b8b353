DROP FUNCTION session_user_by_token(TEXT);
