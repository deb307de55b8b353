-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP INDEX reg.office_seal_uses_outgoing_sorted;

DROP INDEX reg.office_seal_uses_seal_sorted;

DROP INDEX reg.office_seals_status_sorted;

DROP INDEX reg.office_seals_kind_sorted;

DROP INDEX reg.office_stock_movements_requisition_sorted;

DROP INDEX reg.office_stock_movements_kind_sorted;

DROP INDEX reg.office_stock_movements_supply_sorted;

DROP INDEX reg.office_requisitions_supply_sorted;

DROP INDEX reg.office_supplies_category_sorted;

DROP INDEX reg.office_borrowings_archive_sorted;

DROP INDEX reg.office_borrowings_returned_on_sorted;

DROP INDEX reg.office_archives_incoming_sorted;

DROP INDEX reg.office_archives_outgoing_sorted;

DROP INDEX reg.office_archives_retention_sorted;

DROP INDEX reg.office_archives_year_sorted;

DROP INDEX reg.office_incoming_deadline_sorted;

DROP INDEX reg.office_incoming_handler_sorted;

DROP INDEX reg.office_incoming_urgency_sorted;

DROP INDEX reg.office_outgoing_written_on_sorted;

DROP INDEX reg.office_outgoing_urgency_sorted;

DROP INDEX reg.office_outgoing_classification_sorted;

DROP INDEX reg.office_outgoing_document_type_sorted;

DROP INDEX reg.party_service_orders_service_sorted;

DROP INDEX reg.party_service_orders_station_sorted;

DROP INDEX reg.party_stations_pioneer_post_sorted;

DROP INDEX reg.party_stations_level_sorted;

DROP INDEX reg.party_transfers_member_sorted;

DROP INDEX reg.party_transfers_direction_sorted;

DROP INDEX reg.party_applicants_organisation_sorted;

DROP INDEX reg.party_studies_organisation_sorted;

DROP INDEX reg.party_studies_kind_sorted;

DROP INDEX reg.party_dues_paid_on_sorted;

DROP INDEX reg.party_dues_member_sorted;

DROP INDEX reg.party_meeting_attendance_member_sorted;

DROP INDEX reg.party_meeting_attendance_present_sorted;

DROP INDEX reg.party_meetings_organisation_sorted;

DROP INDEX reg.party_meetings_kind_sorted;

DROP INDEX reg.party_members_dues_basis_sorted;

DROP INDEX reg.party_members_floating_sorted;

DROP INDEX reg.party_members_organisation_sorted;

DROP INDEX reg.party_members_political_status_sorted;

DROP INDEX reg.party_organisations_parent_sorted;

DROP INDEX reg.party_organisations_kind_sorted;

-- The single-column filter indexes as they were.
CREATE INDEX party_organisations_kind_idx ON reg.party_organisations (kind) WHERE deleted_at IS NULL;
CREATE INDEX party_organisations_parent_idx ON reg.party_organisations (parent) WHERE deleted_at IS NULL;
CREATE INDEX party_members_political_status_idx ON reg.party_members (political_status) WHERE deleted_at IS NULL;
CREATE INDEX party_members_organisation_idx ON reg.party_members (organisation) WHERE deleted_at IS NULL;
CREATE INDEX party_members_floating_idx ON reg.party_members (floating) WHERE deleted_at IS NULL;
CREATE INDEX party_members_dues_basis_idx ON reg.party_members (dues_basis) WHERE deleted_at IS NULL;
CREATE INDEX party_meetings_kind_idx ON reg.party_meetings (kind) WHERE deleted_at IS NULL;
CREATE INDEX party_meetings_organisation_idx ON reg.party_meetings (organisation) WHERE deleted_at IS NULL;
CREATE INDEX party_meeting_attendance_present_idx ON reg.party_meeting_attendance (present) WHERE deleted_at IS NULL;
CREATE INDEX party_dues_member_idx ON reg.party_dues (member) WHERE deleted_at IS NULL;
CREATE INDEX party_dues_paid_on_idx ON reg.party_dues (paid_on) WHERE deleted_at IS NULL;
CREATE INDEX party_studies_kind_idx ON reg.party_studies (kind) WHERE deleted_at IS NULL;
CREATE INDEX party_studies_organisation_idx ON reg.party_studies (organisation) WHERE deleted_at IS NULL;
CREATE INDEX party_applicants_organisation_idx ON reg.party_applicants (organisation) WHERE deleted_at IS NULL;
CREATE INDEX party_transfers_direction_idx ON reg.party_transfers (direction) WHERE deleted_at IS NULL;
CREATE INDEX party_stations_level_idx ON reg.party_stations (level) WHERE deleted_at IS NULL;
CREATE INDEX party_stations_pioneer_post_idx ON reg.party_stations (pioneer_post) WHERE deleted_at IS NULL;
CREATE INDEX party_service_orders_station_idx ON reg.party_service_orders (station) WHERE deleted_at IS NULL;
CREATE INDEX party_service_orders_service_idx ON reg.party_service_orders (service) WHERE deleted_at IS NULL;
CREATE INDEX office_outgoing_document_type_idx ON reg.office_outgoing (document_type) WHERE deleted_at IS NULL;
CREATE INDEX office_outgoing_classification_idx ON reg.office_outgoing (classification) WHERE deleted_at IS NULL;
CREATE INDEX office_outgoing_urgency_idx ON reg.office_outgoing (urgency) WHERE deleted_at IS NULL;
CREATE INDEX office_outgoing_written_on_idx ON reg.office_outgoing (written_on) WHERE deleted_at IS NULL;
CREATE INDEX office_incoming_urgency_idx ON reg.office_incoming (urgency) WHERE deleted_at IS NULL;
CREATE INDEX office_incoming_handler_idx ON reg.office_incoming (handler) WHERE deleted_at IS NULL;
CREATE INDEX office_incoming_deadline_idx ON reg.office_incoming (deadline) WHERE deleted_at IS NULL;
CREATE INDEX office_archives_year_idx ON reg.office_archives (year) WHERE deleted_at IS NULL;
CREATE INDEX office_archives_retention_idx ON reg.office_archives (retention) WHERE deleted_at IS NULL;
CREATE INDEX office_borrowings_returned_on_idx ON reg.office_borrowings (returned_on) WHERE deleted_at IS NULL;
CREATE INDEX office_supplies_category_idx ON reg.office_supplies (category) WHERE deleted_at IS NULL;
CREATE INDEX office_requisitions_supply_idx ON reg.office_requisitions (supply) WHERE deleted_at IS NULL;
CREATE INDEX office_stock_movements_supply_idx ON reg.office_stock_movements (supply) WHERE deleted_at IS NULL;
CREATE INDEX office_stock_movements_kind_idx ON reg.office_stock_movements (kind) WHERE deleted_at IS NULL;
CREATE INDEX office_seals_kind_idx ON reg.office_seals (kind) WHERE deleted_at IS NULL;
CREATE INDEX office_seals_status_idx ON reg.office_seals (status) WHERE deleted_at IS NULL;
CREATE INDEX office_seal_uses_seal_idx ON reg.office_seal_uses (seal) WHERE deleted_at IS NULL;
