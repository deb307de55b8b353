-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP INDEX reg.office_seal_uses_state_due;

ALTER TABLE reg.office_seal_uses DROP COLUMN state_due;

ALTER TABLE reg.office_seal_uses DROP COLUMN state_since;

ALTER TABLE reg.office_seals DROP COLUMN state_due;

ALTER TABLE reg.office_seals DROP COLUMN state_since;

ALTER TABLE reg.office_stock_movements DROP COLUMN state_due;

ALTER TABLE reg.office_stock_movements DROP COLUMN state_since;

DROP INDEX reg.office_requisitions_state_due;

ALTER TABLE reg.office_requisitions DROP COLUMN state_due;

ALTER TABLE reg.office_requisitions DROP COLUMN state_since;

ALTER TABLE reg.office_supplies DROP COLUMN state_due;

ALTER TABLE reg.office_supplies DROP COLUMN state_since;

ALTER TABLE reg.office_borrowings DROP COLUMN state_due;

ALTER TABLE reg.office_borrowings DROP COLUMN state_since;

ALTER TABLE reg.office_archives DROP COLUMN state_due;

ALTER TABLE reg.office_archives DROP COLUMN state_since;

DROP INDEX reg.office_incoming_state_due;

ALTER TABLE reg.office_incoming DROP COLUMN state_due;

ALTER TABLE reg.office_incoming DROP COLUMN state_since;

DROP INDEX reg.office_outgoing_state_due;

ALTER TABLE reg.office_outgoing DROP COLUMN state_due;

ALTER TABLE reg.office_outgoing DROP COLUMN state_since;

DROP INDEX reg.party_service_orders_state_due;

ALTER TABLE reg.party_service_orders DROP COLUMN state_due;

ALTER TABLE reg.party_service_orders DROP COLUMN state_since;

ALTER TABLE reg.party_stations DROP COLUMN state_due;

ALTER TABLE reg.party_stations DROP COLUMN state_since;

DROP INDEX reg.party_transfers_state_due;

ALTER TABLE reg.party_transfers DROP COLUMN state_due;

ALTER TABLE reg.party_transfers DROP COLUMN state_since;

DROP INDEX reg.party_applicants_state_due;

ALTER TABLE reg.party_applicants DROP COLUMN state_due;

ALTER TABLE reg.party_applicants DROP COLUMN state_since;

ALTER TABLE reg.party_studies DROP COLUMN state_due;

ALTER TABLE reg.party_studies DROP COLUMN state_since;

ALTER TABLE reg.party_dues DROP COLUMN state_due;

ALTER TABLE reg.party_dues DROP COLUMN state_since;

ALTER TABLE reg.party_meeting_attendance DROP COLUMN state_due;

ALTER TABLE reg.party_meeting_attendance DROP COLUMN state_since;

ALTER TABLE reg.party_meetings DROP COLUMN state_due;

ALTER TABLE reg.party_meetings DROP COLUMN state_since;

ALTER TABLE reg.party_members DROP COLUMN state_due;

ALTER TABLE reg.party_members DROP COLUMN state_since;

ALTER TABLE reg.party_organisations DROP COLUMN state_due;

ALTER TABLE reg.party_organisations DROP COLUMN state_since;
