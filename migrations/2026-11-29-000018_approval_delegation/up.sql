-- Delegation while away (外出委托审批): an approver away from one date to another (China
-- Standard Time, both days included) names a colleague of the township who approves in
-- their place. Ending one early revokes it; nothing is deleted, so who could approve for
-- whom stays known.
CREATE TABLE approval_delegations (
    id            BIGSERIAL PRIMARY KEY,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    delegator_id  BIGINT NOT NULL REFERENCES users(id),
    delegate_id   BIGINT NOT NULL REFERENCES users(id),
    starts_on     DATE NOT NULL,
    ends_on       DATE NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at    TIMESTAMPTZ,
    CHECK (delegator_id <> delegate_id),
    CHECK (starts_on <= ends_on)
);
-- Who approves for whom today: read by every step, "my tasks" and notice.
CREATE INDEX approval_delegations_delegate_idx ON approval_delegations (delegate_id, ends_on) WHERE revoked_at IS NULL;
CREATE INDEX approval_delegations_delegator_idx ON approval_delegations (delegator_id, ends_on) WHERE revoked_at IS NULL;

-- An approval given by a delegate counts for the approver it stands for (`approver_id`)
-- and names who gave it. Nullable without a default: adding it rewrites nothing.
ALTER TABLE record_approvals ADD COLUMN acted_by BIGINT REFERENCES users(id);
