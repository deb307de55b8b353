-- The data catalogue's registers are shared through the data-sharing API (R-7.4,
-- shared/src/sharing/): a key may be limited to one village, and is granted the
-- conditionally shared registers (有条件共享) by name; the openly shared ones (无条件共享)
-- every key with the `records.read` scope reads.
ALTER TABLE api_keys ADD COLUMN village_id INTEGER REFERENCES villages(id);
ALTER TABLE api_keys ADD COLUMN datasets TEXT[] NOT NULL DEFAULT '{}';

-- A register's feed reads a township's records in the order of their last change, deleted
-- ones too (shared/src/engine/service/feed.rs). The run-time registers share one table.
CREATE INDEX ledger_records_updated_at_feed ON reg.ledger_records (register, township_id, updated_at, id);

-- The statements below are what `tongguan schema diff` makes of the declarations
-- (shared/src/engine/ddl.rs, `indexes`: every register but a child table).

CREATE INDEX party_meetings_updated_at_feed ON reg.party_meetings (township_id, updated_at, id);

CREATE INDEX party_dues_updated_at_feed ON reg.party_dues (township_id, updated_at, id);

CREATE INDEX party_studies_updated_at_feed ON reg.party_studies (township_id, updated_at, id);

CREATE INDEX party_stations_updated_at_feed ON reg.party_stations (township_id, updated_at, id);

CREATE INDEX party_service_orders_updated_at_feed ON reg.party_service_orders (township_id, updated_at, id);

CREATE INDEX party_organisations_updated_at_feed ON reg.party_organisations (township_id, updated_at, id);

CREATE INDEX party_members_updated_at_feed ON reg.party_members (township_id, updated_at, id);

CREATE INDEX party_applicants_updated_at_feed ON reg.party_applicants (township_id, updated_at, id);

CREATE INDEX party_transfers_updated_at_feed ON reg.party_transfers (township_id, updated_at, id);

CREATE INDEX office_archives_updated_at_feed ON reg.office_archives (township_id, updated_at, id);

CREATE INDEX office_borrowings_updated_at_feed ON reg.office_borrowings (township_id, updated_at, id);

CREATE INDEX office_supplies_updated_at_feed ON reg.office_supplies (township_id, updated_at, id);

CREATE INDEX office_requisitions_updated_at_feed ON reg.office_requisitions (township_id, updated_at, id);

CREATE INDEX office_stock_movements_updated_at_feed ON reg.office_stock_movements (township_id, updated_at, id);

CREATE INDEX office_seals_updated_at_feed ON reg.office_seals (township_id, updated_at, id);

CREATE INDEX office_seal_uses_updated_at_feed ON reg.office_seal_uses (township_id, updated_at, id);

CREATE INDEX office_outgoing_updated_at_feed ON reg.office_outgoing (township_id, updated_at, id);

CREATE INDEX office_incoming_updated_at_feed ON reg.office_incoming (township_id, updated_at, id);
