ALTER TABLE record_approvals DROP COLUMN acted_by;
DROP TABLE approval_delegations;
