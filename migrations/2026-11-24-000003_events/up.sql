-- 一网统管 core (clause 3.2): one inbox of governance events from every channel, routed on
-- the map to a grid and a department, handled against a deadline, verified and closed.

-- Departments that handle events (综合执法、建设、水务 …), per township.
CREATE TABLE departments (
    id           SERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    UNIQUE (township_id, code)
);
ALTER TABLE users ADD COLUMN department_id INTEGER REFERENCES departments(id);

-- The configurable category tree (digital city management's event classes and the social
-- governance categories of clause 8.3). Deadlines are working hours per priority.
CREATE TABLE event_categories (
    id              SERIAL PRIMARY KEY,
    parent_id       INTEGER REFERENCES event_categories(id),
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    sort            INTEGER NOT NULL DEFAULT 0,
    active          BOOLEAN NOT NULL DEFAULT true,
    hours_normal    INTEGER NOT NULL DEFAULT 40 CHECK (hours_normal > 0),
    hours_urgent    INTEGER NOT NULL DEFAULT 8 CHECK (hours_urgent > 0),
    hours_critical  INTEGER NOT NULL DEFAULT 2 CHECK (hours_critical > 0)
);

-- Overrides of the weekend rule: public holidays and make-up working days (调休).
CREATE TABLE work_calendar (
    day   DATE PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  TEXT NOT NULL DEFAULT ''
);

-- category × village/grid → department. The most specific matching rule wins; the rule
-- with neither category nor place is the township's default.
CREATE TABLE routing_rules (
    id             SERIAL PRIMARY KEY,
    township_id    INTEGER NOT NULL REFERENCES townships(id),
    category_id    INTEGER REFERENCES event_categories(id),
    village_id     INTEGER REFERENCES villages(id),
    grid_id        INTEGER REFERENCES grids(id),
    department_id  INTEGER NOT NULL REFERENCES departments(id),
    UNIQUE NULLS NOT DISTINCT (township_id, category_id, village_id, grid_id)
);

-- Human-readable numbers TG-<year>-<n>, counted per year across the deployment.
CREATE TABLE event_counters (
    year  INTEGER PRIMARY KEY,
    last  BIGINT NOT NULL
);

CREATE TABLE events (
    id              BIGSERIAL PRIMARY KEY,
    township_id     INTEGER NOT NULL REFERENCES townships(id),
    number          TEXT NOT NULL UNIQUE,
    -- An idempotency key from the reporting device: an offline draft sent twice is one event.
    client_ref      TEXT UNIQUE,
    channel         TEXT NOT NULL CHECK (channel IN
                      ('public', 'patrol', 'self_resolved', 'hotline', 'walk_in', 'superior', 'sensor')),
    category_id     INTEGER NOT NULL REFERENCES event_categories(id),
    priority        TEXT NOT NULL CHECK (priority IN ('normal', 'urgent', 'critical')),
    title           TEXT NOT NULL,
    description     TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    location        geometry(Point, 4326) NOT NULL,
    village_id      INTEGER NOT NULL REFERENCES villages(id),
    grid_id         INTEGER NOT NULL REFERENCES grids(id),
    department_id   INTEGER REFERENCES departments(id),
    assignee_id     BIGINT REFERENCES users(id),
    state           TEXT NOT NULL,
    -- Where a suspended event resumes, and how much working time it had left.
    suspended_from  TEXT,
    remaining_min   INTEGER,
    reporter_id     BIGINT REFERENCES users(id),
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    created_by      BIGINT REFERENCES users(id),
    reported_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    accepted_at     TIMESTAMPTZ,
    dispatched_at   TIMESTAMPTZ,
    handled_at      TIMESTAMPTZ,
    closed_at       TIMESTAMPTZ,
    deadline        TIMESTAMPTZ NOT NULL,
    -- Set once each by the supervision job: nothing is warned or escalated twice.
    warned_at       TIMESTAMPTZ,
    overdue_at      TIMESTAMPTZ,
    escalated_at    TIMESTAMPTZ,
    escalation      INTEGER NOT NULL DEFAULT 0,
    supervised      BOOLEAN NOT NULL DEFAULT false,
    merged_into     BIGINT REFERENCES events(id),
    satisfaction    SMALLINT CHECK (satisfaction BETWEEN 1 AND 5),
    feedback        TEXT NOT NULL DEFAULT '',
    confirmed_at    TIMESTAMPTZ,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The inbox: filter by state, grid and category, newest first.
CREATE INDEX events_inbox ON events (township_id, state, grid_id, category_id, reported_at DESC, id DESC);
CREATE INDEX events_recent ON events (township_id, reported_at DESC, id DESC);
CREATE INDEX events_department ON events (department_id, state);
CREATE INDEX events_assignee ON events (assignee_id, state);
CREATE INDEX events_reporter ON events (reporter_id, reported_at DESC);
CREATE INDEX events_location ON events USING gist (location);
-- The supervision job scans only events still running.
CREATE INDEX events_open_deadline ON events (deadline)
    WHERE state NOT IN ('closed', 'rejected', 'merged');

-- Photos and other files live in the object store; the database keeps their keys.
CREATE TABLE attachments (
    id            BIGSERIAL PRIMARY KEY,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    event_id      BIGINT REFERENCES events(id),
    step_id       BIGINT,
    uploader_id   BIGINT REFERENCES users(id),
    storage_key   TEXT NOT NULL UNIQUE,
    content_type  TEXT NOT NULL,
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attachments_event ON attachments (event_id);

-- The timeline: every step with who, when, why, attachments and the time it took.
CREATE TABLE event_steps (
    id             BIGSERIAL PRIMARY KEY,
    township_id    INTEGER NOT NULL REFERENCES townships(id),
    event_id       BIGINT NOT NULL REFERENCES events(id),
    at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id       BIGINT REFERENCES users(id),
    actor_name     TEXT NOT NULL,
    action         TEXT NOT NULL,
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    department_id  INTEGER REFERENCES departments(id),
    assignee_id    BIGINT REFERENCES users(id),
    spent_seconds  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX event_steps_event ON event_steps (event_id, id);

-- What each user is told: the reporter of each step, handlers of assignments, leaders of
-- escalations and supervision notices.
CREATE TABLE notifications (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_id     BIGINT REFERENCES events(id),
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    read_at      TIMESTAMPTZ
);
CREATE INDEX notifications_user ON notifications (user_id, id DESC);

-- Grid workers' last known positions, shown on the command map.
CREATE TABLE worker_positions (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    location     geometry(Point, 4326) NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every change to an event is announced on the `events` channel, so that every server
-- process can push it to its live viewers (the command map updates within a second).
CREATE FUNCTION notify_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('events', json_build_object(
        'id', NEW.id, 'township_id', NEW.township_id, 'state', NEW.state, 'version', NEW.version)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER events_notify AFTER INSERT OR UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION notify_event_change();

-- The session lookup also says which department a user works in.
DROP FUNCTION session_user_by_token(TEXT);
CREATE FUNCTION session_user_by_token(p_token_hash TEXT)
RETURNS TABLE (
    last_seen_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    id BIGINT,
    username TEXT,
    display_name TEXT,
    kind TEXT,
    status TEXT,
    township_id INTEGER,
    township_name TEXT,
    village_id INTEGER,
    grid_id INTEGER,
    department_id INTEGER,
    role_names TEXT[],
    permissions TEXT,
    scopes TEXT[]
)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT s.last_seen_at, s.expires_at, s.revoked_at, u.id, u.username, u.display_name, u.kind, u.status,
           u.township_id, t.name, u.village_id, u.grid_id, u.department_id,
           coalesce(array_agg(r.name ORDER BY r.id) FILTER (WHERE r.id IS NOT NULL), '{}'),
           coalesce(string_agg(array_to_string(r.permissions, ','), ','), ''),
           coalesce(array_agg(r.data_scope) FILTER (WHERE r.id IS NOT NULL), '{}')
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    JOIN townships t ON t.id = u.township_id
    LEFT JOIN user_roles ur ON ur.user_id = u.id
    LEFT JOIN roles r ON r.id = ur.role_id
    WHERE s.token_hash = p_token_hash
    GROUP BY s.token_hash, u.id, t.name;
END
$$;
