-- The data catalogue (R-7.3) shows each register's last update: the newest history entry of
-- the register, found at the top of this index instead of by reading the register's rows.
CREATE INDEX record_history_register_at_idx ON record_history (register, at DESC);
