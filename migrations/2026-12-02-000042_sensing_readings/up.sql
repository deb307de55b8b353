-- 互联感知 (clause 6.6): the stations' readings as a time series, each alarm rule's state,
-- and the alarms. The stations and their rules are registers of the module engine
-- (reg.sensing_stations, reg.sensing_rules, migration 000041).

-- One row per station, measurand and time: a reading sent twice (MQTT delivers at least
-- once) is kept once by the primary key, which also serves a station's series. Partitioned
-- by month, so that a month past the retention is dropped whole; BRIN on the time, which in
-- an append-mostly table answers a range over every station in a few pages. No foreign key
-- to the station: the ingest resolves the station itself, and a check per row would halve
-- the rate a batch is taken at.
CREATE TABLE sensing_readings (
    station_id bigint NOT NULL,
    measurand text NOT NULL CHECK (measurand IN (
        'water_level', 'do', 'codmn', 'cod', 'bod5', 'nh3n', 'tp', 'tn',
        'pm25', 'pm10', 'so2', 'no2', 'co', 'o3', 'leq', 'online')),
    at timestamp with time zone NOT NULL,
    value double precision NOT NULL,
    received_at timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, measurand, at)
) PARTITION BY RANGE (at);

-- Anything no month's partition takes (a partition not yet made): never lost.
CREATE TABLE sensing_readings_default PARTITION OF sensing_readings DEFAULT;

CREATE INDEX sensing_readings_at_brin ON sensing_readings USING brin (at);

-- Makes the partitions of the months a reading may fall in now: from 90 days ago (the
-- oldest reading taken, shared::sensing::readings::BACK_MAX) to next month.
CREATE FUNCTION sensing_readings_partitions_ahead() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', now() - interval '90 days')::date;
    last date := date_trunc('month', now() + interval '1 month')::date;
    made integer := 0;
    name text;
BEGIN
    WHILE month <= last LOOP
        name := 'sensing_readings_' || to_char(month, 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF sensing_readings FOR VALUES FROM (%L) TO (%L)',
                name, month::timestamptz, (month + interval '1 month')::timestamptz);
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN made;
END
$$;

-- Drops the months wholly older than `keep` months.
CREATE FUNCTION sensing_readings_partitions_drop(keep integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    cutoff date := (date_trunc('month', now()) - make_interval(months => keep))::date;
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'sensing_readings'::regclass AND c.relname ~ '^sensing_readings_\d{4}_\d{2}$'
          AND to_date(substr(c.relname, 18), 'YYYY_MM') < cutoff
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

SELECT sensing_readings_partitions_ahead();

-- Each alarm rule's state between readings (shared::sensing::threshold::Watch as JSON), and
-- the rule's version it was kept for: levels edited since restart the time counted past them.
CREATE TABLE sensing_watches (
    rule_id bigint PRIMARY KEY REFERENCES reg.sensing_rules(id),
    rule_version integer NOT NULL DEFAULT 0,
    state jsonb NOT NULL DEFAULT '{"open": "normal"}',
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);

-- An alarm: opened when a rule's level held for its duration, cleared when the value came
-- back. At most one open per rule, whatever the concurrency.
CREATE TABLE sensing_alarms (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    township_id integer NOT NULL REFERENCES townships(id),
    station_id bigint NOT NULL REFERENCES reg.sensing_stations(id),
    rule_id bigint NOT NULL REFERENCES reg.sensing_rules(id),
    measurand text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('warning', 'alarm')),
    -- The times of the readings that opened, last changed and cleared it.
    opened_at timestamp with time zone NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    cleared_at timestamp with time zone,
    -- The latest value, and the worst since it opened.
    value double precision NOT NULL,
    peak double precision NOT NULL,
    -- The event it was filed as, where its rule says so.
    event_id bigint REFERENCES events(id),
    CHECK (cleared_at IS NULL OR cleared_at >= opened_at)
);

CREATE UNIQUE INDEX sensing_alarms_one_open ON sensing_alarms (rule_id) WHERE cleared_at IS NULL;
CREATE INDEX sensing_alarms_recent ON sensing_alarms (township_id, opened_at DESC);
CREATE INDEX sensing_alarms_station ON sensing_alarms (station_id, opened_at DESC);
CREATE INDEX sensing_alarms_event ON sensing_alarms (event_id) WHERE event_id IS NOT NULL;
