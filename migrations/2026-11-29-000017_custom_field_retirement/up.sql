-- A custom field an administrator no longer wants is retired, not dropped: it leaves the
-- register's forms, lists, filters, statistics, imports and exports, while the values it
-- holds stay in the records' `extra` and their history, and it can be reinstated.
-- Nullable without a default: adding it rewrites nothing.
ALTER TABLE custom_fields ADD COLUMN retired_at timestamptz;
