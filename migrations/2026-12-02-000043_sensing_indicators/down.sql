-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP TRIGGER engine_history ON reg.sensing_indicators;

DROP INDEX reg.sensing_indicators_updated_at_feed;

DROP INDEX reg.sensing_indicators_name_key;

DROP INDEX reg.sensing_indicators_station_sorted;

DROP INDEX reg.sensing_indicators_on_screen_sorted;

DROP INDEX reg.sensing_indicators_department_sorted;

DROP INDEX reg.sensing_indicators_source_sorted;

DROP INDEX reg.sensing_indicators_scope_idx;

DROP TABLE reg.sensing_indicators;
