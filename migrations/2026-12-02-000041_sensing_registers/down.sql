-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP TRIGGER engine_history ON reg.sensing_rules;

DROP INDEX reg.sensing_rules_parent_id_idx;

DROP INDEX reg.sensing_rules_measurand_sorted;

DROP INDEX reg.sensing_rules_scope_idx;

DROP TABLE reg.sensing_rules;

DROP TRIGGER engine_history ON reg.sensing_stations;

DROP INDEX reg.sensing_stations_updated_at_feed;

DROP INDEX reg.sensing_stations_location_gist;

DROP INDEX reg.sensing_stations_code_key;

DROP INDEX reg.sensing_stations_name_key;

DROP INDEX reg.sensing_stations_village_id_sorted;

DROP INDEX reg.sensing_stations_status_sorted;

DROP INDEX reg.sensing_stations_kind_sorted;

DROP INDEX reg.sensing_stations_code_sort;

DROP INDEX reg.sensing_stations_scope_idx;

DROP TABLE reg.sensing_stations;
