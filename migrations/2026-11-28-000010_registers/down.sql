-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP TRIGGER engine_history ON reg.office_seal_uses;

DROP INDEX reg.office_seal_uses_seal_idx;

DROP INDEX reg.office_seal_uses_applied_on_sort;

DROP INDEX reg.office_seal_uses_scope_idx;

DROP TABLE reg.office_seal_uses;

DROP TRIGGER engine_history ON reg.office_seals;

DROP INDEX reg.office_seals_name_key;

DROP INDEX reg.office_seals_status_idx;

DROP INDEX reg.office_seals_kind_idx;

DROP INDEX reg.office_seals_name_sort;

DROP INDEX reg.office_seals_scope_idx;

DROP TABLE reg.office_seals;

DROP TRIGGER engine_history ON reg.office_stock_movements;

DROP INDEX reg.office_stock_movements_kind_idx;

DROP INDEX reg.office_stock_movements_supply_idx;

DROP INDEX reg.office_stock_movements_moved_on_sort;

DROP INDEX reg.office_stock_movements_scope_idx;

DROP TABLE reg.office_stock_movements;

DROP TRIGGER engine_history ON reg.office_requisitions;

DROP INDEX reg.office_requisitions_supply_idx;

DROP INDEX reg.office_requisitions_applied_on_sort;

DROP INDEX reg.office_requisitions_scope_idx;

DROP TABLE reg.office_requisitions;

DROP TRIGGER engine_history ON reg.office_supplies;

DROP INDEX reg.office_supplies_name_key;

DROP INDEX reg.office_supplies_category_idx;

DROP INDEX reg.office_supplies_name_sort;

DROP INDEX reg.office_supplies_scope_idx;

DROP TABLE reg.office_supplies;

DROP TRIGGER engine_history ON reg.office_borrowings;

DROP INDEX reg.office_borrowings_returned_on_idx;

DROP INDEX reg.office_borrowings_borrowed_on_sort;

DROP INDEX reg.office_borrowings_scope_idx;

DROP TABLE reg.office_borrowings;

DROP TRIGGER engine_history ON reg.office_archives;

DROP INDEX reg.office_archives_archive_code_key;

DROP INDEX reg.office_archives_retention_idx;

DROP INDEX reg.office_archives_year_idx;

DROP INDEX reg.office_archives_archive_code_sort;

DROP INDEX reg.office_archives_scope_idx;

DROP TABLE reg.office_archives;

DROP TRIGGER engine_history ON reg.office_incoming;

DROP INDEX reg.office_incoming_deadline_idx;

DROP INDEX reg.office_incoming_handler_idx;

DROP INDEX reg.office_incoming_urgency_idx;

DROP INDEX reg.office_incoming_received_on_sort;

DROP INDEX reg.office_incoming_scope_idx;

DROP TABLE reg.office_incoming;

DROP TRIGGER engine_history ON reg.office_outgoing;

DROP INDEX reg.office_outgoing_written_on_idx;

DROP INDEX reg.office_outgoing_urgency_idx;

DROP INDEX reg.office_outgoing_classification_idx;

DROP INDEX reg.office_outgoing_document_type_idx;

DROP INDEX reg.office_outgoing_created_at_sort;

DROP INDEX reg.office_outgoing_scope_idx;

DROP TABLE reg.office_outgoing;

DROP TRIGGER engine_history ON reg.party_service_orders;

DROP INDEX reg.party_service_orders_service_idx;

DROP INDEX reg.party_service_orders_station_idx;

DROP INDEX reg.party_service_orders_ordered_on_sort;

DROP INDEX reg.party_service_orders_scope_idx;

DROP TABLE reg.party_service_orders;

DROP TRIGGER engine_history ON reg.party_stations;

DROP INDEX reg.party_stations_location_gist;

DROP INDEX reg.party_stations_name_key;

DROP INDEX reg.party_stations_pioneer_post_idx;

DROP INDEX reg.party_stations_level_idx;

DROP INDEX reg.party_stations_name_sort;

DROP INDEX reg.party_stations_scope_idx;

DROP TABLE reg.party_stations;

DROP TRIGGER engine_history ON reg.party_transfers;

DROP INDEX reg.party_transfers_direction_idx;

DROP INDEX reg.party_transfers_issued_on_sort;

DROP INDEX reg.party_transfers_scope_idx;

DROP TABLE reg.party_transfers;

DROP TRIGGER engine_history ON reg.party_applicants;

DROP INDEX reg.party_applicants_id_number_key;

DROP INDEX reg.party_applicants_organisation_idx;

DROP INDEX reg.party_applicants_applied_on_sort;

DROP INDEX reg.party_applicants_scope_idx;

DROP TABLE reg.party_applicants;

DROP TRIGGER engine_history ON reg.party_studies;

DROP INDEX reg.party_studies_organisation_idx;

DROP INDEX reg.party_studies_kind_idx;

DROP INDEX reg.party_studies_held_on_sort;

DROP INDEX reg.party_studies_scope_idx;

DROP TABLE reg.party_studies;

DROP TRIGGER engine_history ON reg.party_dues;

DROP INDEX reg.party_dues_paid_on_idx;

DROP INDEX reg.party_dues_member_idx;

DROP INDEX reg.party_dues_month_sort;

DROP INDEX reg.party_dues_scope_idx;

DROP TABLE reg.party_dues;

DROP TRIGGER engine_history ON reg.party_meeting_attendance;

DROP INDEX reg.party_meeting_attendance_parent_id_idx;

DROP INDEX reg.party_meeting_attendance_present_idx;

DROP INDEX reg.party_meeting_attendance_scope_idx;

DROP TABLE reg.party_meeting_attendance;

DROP TRIGGER engine_history ON reg.party_meetings;

DROP INDEX reg.party_meetings_organisation_idx;

DROP INDEX reg.party_meetings_kind_idx;

DROP INDEX reg.party_meetings_held_on_sort;

DROP INDEX reg.party_meetings_scope_idx;

DROP TABLE reg.party_meetings;

DROP TRIGGER engine_history ON reg.party_members;

DROP INDEX reg.party_members_id_number_key;

DROP INDEX reg.party_members_dues_basis_idx;

DROP INDEX reg.party_members_floating_idx;

DROP INDEX reg.party_members_organisation_idx;

DROP INDEX reg.party_members_political_status_idx;

DROP INDEX reg.party_members_joined_on_sort;

DROP INDEX reg.party_members_scope_idx;

DROP TABLE reg.party_members;

DROP TRIGGER engine_history ON reg.party_organisations;

DROP INDEX reg.party_organisations_location_gist;

DROP INDEX reg.party_organisations_name_key;

DROP INDEX reg.party_organisations_parent_idx;

DROP INDEX reg.party_organisations_kind_idx;

DROP INDEX reg.party_organisations_name_sort;

DROP INDEX reg.party_organisations_scope_idx;

DROP TABLE reg.party_organisations;
