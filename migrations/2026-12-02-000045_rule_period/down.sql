-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

ALTER TABLE reg.sensing_rules DROP COLUMN period;
