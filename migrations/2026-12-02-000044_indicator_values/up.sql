-- 体征指标 (clause 3.2): each indicator's values, its state between computations, and its
-- alarms. The catalogue itself is a register of the module engine (reg.sensing_indicators,
-- migration 000043); shared/src/sensing/service/indicators.rs is the only writer.

-- One value per computation (and, for a new indicator, one per hour of its last day). The
-- primary key serves a tile's latest values and its day's line; values older than 400 days
-- are pruned by the job.
CREATE TABLE indicator_values (
    indicator_id bigint NOT NULL REFERENCES reg.sensing_indicators(id),
    at timestamp with time zone NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (indicator_id, at)
);
-- Each indicator's threshold state (shared::sensing::threshold::Watch as JSON), the
-- indicator's version it was kept for, and when it was last computed: the job's claim, taken
-- with FOR UPDATE SKIP LOCKED so that two processes never compute one indicator at once.
CREATE TABLE indicator_watches (
    indicator_id bigint PRIMARY KEY REFERENCES reg.sensing_indicators(id),
    indicator_version integer NOT NULL DEFAULT 0,
    state jsonb NOT NULL DEFAULT '{"open": "normal"}',
    computed_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL DEFAULT now()
);
-- An alarm: opened when the value held past a level for the indicator's duration, cleared
-- when it came back. At most one open per indicator, whatever the concurrency.
CREATE TABLE indicator_alarms (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    township_id integer NOT NULL REFERENCES townships(id),
    indicator_id bigint NOT NULL REFERENCES reg.sensing_indicators(id),
    severity text NOT NULL CHECK (severity IN ('warning', 'alarm')),
    opened_at timestamp with time zone NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    cleared_at timestamp with time zone,
    -- The latest value, and the worst since it opened.
    value double precision NOT NULL,
    peak double precision NOT NULL,
    CHECK (cleared_at IS NULL OR cleared_at >= opened_at)
);
CREATE UNIQUE INDEX indicator_alarms_one_open ON indicator_alarms (indicator_id) WHERE cleared_at IS NULL;
CREATE INDEX indicator_alarms_recent ON indicator_alarms (township_id, opened_at DESC);
