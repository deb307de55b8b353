-- A notification that is not about an event (a register record waiting for an approval)
-- says where it opens. Nullable without a default: adding it rewrites nothing.
ALTER TABLE notifications
    ADD COLUMN link text CHECK (link IS NULL OR (left(link, 1) = '/' AND length(link) <= 200));
