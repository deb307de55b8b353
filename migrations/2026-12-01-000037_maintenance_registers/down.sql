-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP TRIGGER engine_history ON reg.maintenance_inspections;

DROP INDEX reg.maintenance_inspections_updated_at_feed;

DROP INDEX reg.maintenance_inspections_fault_sorted;

DROP INDEX reg.maintenance_inspections_inspector_sorted;

DROP INDEX reg.maintenance_inspections_result_sorted;

DROP INDEX reg.maintenance_inspections_object_sorted;

DROP INDEX reg.maintenance_inspections_inspected_at_sort;

DROP INDEX reg.maintenance_inspections_scope_idx;

DROP TABLE reg.maintenance_inspections;

DROP TRIGGER engine_history ON reg.maintenance_drills;

DROP INDEX reg.maintenance_drills_updated_at_feed;

DROP INDEX reg.maintenance_drills_state_due;

DROP INDEX reg.maintenance_drills_result_sorted;

DROP INDEX reg.maintenance_drills_scope_sorted;

DROP INDEX reg.maintenance_drills_form_sorted;

DROP INDEX reg.maintenance_drills_plan_sorted;

DROP INDEX reg.maintenance_drills_state_sorted;

DROP INDEX reg.maintenance_drills_drilled_on_sort;

DROP INDEX reg.maintenance_drills_scope_idx;

DROP TABLE reg.maintenance_drills;

DROP TRIGGER engine_history ON reg.maintenance_plans;

DROP INDEX reg.maintenance_plans_updated_at_feed;

DROP INDEX reg.maintenance_plans_title_key;

DROP INDEX reg.maintenance_plans_next_drill_by_sorted;

DROP INDEX reg.maintenance_plans_status_sorted;

DROP INDEX reg.maintenance_plans_kind_sorted;

DROP INDEX reg.maintenance_plans_title_sort;

DROP INDEX reg.maintenance_plans_scope_idx;

DROP TABLE reg.maintenance_plans;

DROP TRIGGER engine_history ON reg.maintenance_faults;

DROP INDEX reg.maintenance_faults_updated_at_feed;

DROP INDEX reg.maintenance_faults_state_due;

DROP INDEX reg.maintenance_faults_handler_sorted;

DROP INDEX reg.maintenance_faults_level_sorted;

DROP INDEX reg.maintenance_faults_object_sorted;

DROP INDEX reg.maintenance_faults_state_sorted;

DROP INDEX reg.maintenance_faults_found_at_sort;

DROP INDEX reg.maintenance_faults_scope_idx;

DROP TABLE reg.maintenance_faults;
