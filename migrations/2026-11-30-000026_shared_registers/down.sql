-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP INDEX reg.party_meetings_updated_at_feed;
DROP INDEX reg.party_dues_updated_at_feed;
DROP INDEX reg.party_studies_updated_at_feed;
DROP INDEX reg.party_stations_updated_at_feed;
DROP INDEX reg.party_service_orders_updated_at_feed;
DROP INDEX reg.party_organisations_updated_at_feed;
DROP INDEX reg.party_members_updated_at_feed;
DROP INDEX reg.party_applicants_updated_at_feed;
DROP INDEX reg.party_transfers_updated_at_feed;
DROP INDEX reg.office_archives_updated_at_feed;
DROP INDEX reg.office_borrowings_updated_at_feed;
DROP INDEX reg.office_supplies_updated_at_feed;
DROP INDEX reg.office_requisitions_updated_at_feed;
DROP INDEX reg.office_stock_movements_updated_at_feed;
DROP INDEX reg.office_seals_updated_at_feed;
DROP INDEX reg.office_seal_uses_updated_at_feed;
DROP INDEX reg.office_outgoing_updated_at_feed;
DROP INDEX reg.office_incoming_updated_at_feed;
DROP INDEX reg.ledger_records_updated_at_feed;
ALTER TABLE api_keys DROP COLUMN datasets;
ALTER TABLE api_keys DROP COLUMN village_id;
