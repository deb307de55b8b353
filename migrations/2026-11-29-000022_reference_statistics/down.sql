-- Undoes exactly what up.sql did, for a developer's local rollback only: in production
-- nothing is ever dropped.

DROP STATISTICS reg.party_service_orders_station_stats;

DROP STATISTICS reg.party_transfers_member_stats;

DROP STATISTICS reg.party_applicants_organisation_stats;

DROP STATISTICS reg.party_studies_organisation_stats;

DROP STATISTICS reg.party_dues_member_stats;

DROP STATISTICS reg.party_meeting_attendance_member_stats;

DROP STATISTICS reg.party_meetings_organisation_stats;

DROP STATISTICS reg.party_members_organisation_stats;

DROP STATISTICS reg.party_organisations_parent_stats;
