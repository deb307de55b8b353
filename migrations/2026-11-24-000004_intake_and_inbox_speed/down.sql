DROP INDEX IF EXISTS events_open_recent;
CREATE TABLE event_counters (
    year  INTEGER PRIMARY KEY,
    last  BIGINT NOT NULL
);
INSERT INTO event_counters (year, last)
SELECT split_part(number, '-', 2)::int, max(split_part(number, '-', 3)::bigint) FROM events GROUP BY 1;
DO $$
DECLARE
    seq record;
BEGIN
    FOR seq IN SELECT sequencename FROM pg_sequences WHERE sequencename LIKE 'event\_number\_%' LOOP
        EXECUTE format('DROP SEQUENCE %I', seq.sequencename);
    END LOOP;
END $$;
DROP FUNCTION event_number_last(integer);
DROP FUNCTION event_number_sequence(integer);
