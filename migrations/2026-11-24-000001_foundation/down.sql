DROP TABLE audit_log, sessions, user_roles, users, roles, enterprises, residents, houses, geo_lines, grids, villages, townships;
