-- Event numbers TG-<year>-<n> from one sequence per year instead of a counter row.
--
-- The counter row was locked by every report from its increment to the commit, so intake
-- ran one report at a time through that window (566 reports/s on the benchmark machine).
-- A sequence hands out numbers without a lock. The price is a gap when a report's
-- transaction rolls back after taking its number (rare: a database error, or a draft sent
-- twice at the same moment); numbers stay unique and increasing within a year.

-- The year's sequence, created on first use.
CREATE FUNCTION event_number_sequence(p_year integer) RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'event_number_' || p_year;
BEGIN
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', name);
    END IF;
    RETURN name::regclass;
END $$;

-- The last number handed out in a year (0 before the first).
CREATE FUNCTION event_number_last(p_year integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    value bigint;
    called boolean;
BEGIN
    EXECUTE format('SELECT last_value, is_called FROM %s', event_number_sequence(p_year)) INTO value, called;
    RETURN CASE WHEN called THEN value ELSE value - 1 END;
END $$;

SELECT setval(event_number_sequence(year), last) FROM event_counters WHERE last > 0;
DROP TABLE event_counters;

-- The running events, newest first: the command map and the inbox's default tab ("open").
-- Its predicate is word for word the open-state condition the queries write, so the planner
-- can prove it; without it those queries walked the whole township's history (95 % closed).
CREATE INDEX events_open_recent ON events (township_id, reported_at DESC, id DESC)
    WHERE state NOT IN ('closed', 'rejected', 'merged');
