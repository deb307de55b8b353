-- Foundation: townships and their geography (7.2), accounts, roles, sessions, audit (8.7.2, 9.3).
-- Every table that grows carries township_id: it is the key the schema would be distributed on
-- (e.g. Citus `create_distributed_table(..., 'township_id')`) when one deployment serves a county.

CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE townships (
    id          SERIAL PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,            -- administrative division code, 9 digits for a town
    name        TEXT NOT NULL,
    county      TEXT NOT NULL,
    centre      geometry(Point, 4326) NOT NULL,
    boundary    geometry(MultiPolygon, 4326) NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE villages (
    id           SERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    code         TEXT NOT NULL UNIQUE,           -- 12-digit village-level division code
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('village', 'community')),
    boundary     geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX villages_township ON villages (township_id);
CREATE INDEX villages_boundary ON villages USING gist (boundary);

CREATE TABLE grids (
    id           SERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    village_id   INTEGER NOT NULL REFERENCES villages(id),
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    boundary     geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX grids_village ON grids (township_id, village_id);
CREATE INDEX grids_boundary ON grids USING gist (boundary);

-- Roads and water courses, drawn as the map's own vector layers when no tile service is set.
CREATE TABLE geo_lines (
    id           SERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    kind         TEXT NOT NULL CHECK (kind IN ('road', 'water')),
    name         TEXT NOT NULL,
    geom         geometry(LineString, 4326) NOT NULL
);
CREATE INDEX geo_lines_township ON geo_lines (township_id, kind);

CREATE TABLE houses (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    village_id   INTEGER NOT NULL REFERENCES villages(id),
    grid_id      INTEGER NOT NULL REFERENCES grids(id),
    address      TEXT NOT NULL,
    location     geometry(Point, 4326) NOT NULL
);
CREATE INDEX houses_scope ON houses (township_id, village_id, grid_id);

CREATE TABLE residents (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    village_id   INTEGER NOT NULL REFERENCES villages(id),
    grid_id      INTEGER NOT NULL REFERENCES grids(id),
    house_id     BIGINT NOT NULL REFERENCES houses(id),
    name         TEXT NOT NULL,
    id_number    TEXT NOT NULL,                  -- GB 11643, check digit validated
    gender       TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date   DATE NOT NULL,
    phone        TEXT NOT NULL,
    UNIQUE (township_id, id_number)
);
CREATE INDEX residents_scope ON residents (township_id, village_id, grid_id);
CREATE INDEX residents_name ON residents (township_id, name);

CREATE TABLE enterprises (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    village_id   INTEGER NOT NULL REFERENCES villages(id),
    grid_id      INTEGER NOT NULL REFERENCES grids(id),
    name         TEXT NOT NULL,
    credit_code  TEXT NOT NULL,                  -- GB 32100, check digit validated
    industry     TEXT NOT NULL,
    legal_person TEXT NOT NULL,
    employees    INTEGER NOT NULL,
    address      TEXT NOT NULL,
    location     geometry(Point, 4326) NOT NULL,
    UNIQUE (township_id, credit_code)
);
CREATE INDEX enterprises_scope ON enterprises (township_id, village_id, grid_id);

-- Roles are sets of permission codes plus a data scope (R-8.7.2).
CREATE TABLE roles (
    id           SERIAL PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    permissions  TEXT[] NOT NULL DEFAULT '{}',
    data_scope   TEXT NOT NULL CHECK (data_scope IN ('county', 'township', 'village', 'grid', 'self')),
    builtin      BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE users (
    id               BIGSERIAL PRIMARY KEY,
    township_id      INTEGER NOT NULL REFERENCES townships(id),
    kind             TEXT NOT NULL CHECK (kind IN ('staff', 'enterprise', 'public')),
    username         TEXT NOT NULL UNIQUE,        -- staff login name, or the mobile number
    display_name     TEXT NOT NULL,
    phone            TEXT,
    password_hash    TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'pending', 'rejected', 'disabled')),
    village_id       INTEGER REFERENCES villages(id),
    grid_id          INTEGER REFERENCES grids(id),
    credit_code      TEXT,                        -- enterprise users only
    enterprise_name  TEXT,
    failed_logins    INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at    TIMESTAMPTZ
);
CREATE INDEX users_scope ON users (township_id, kind, status);

CREATE TABLE user_roles (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

-- Server-side sessions: the cookie holds a random token, the table its SHA-256, so a
-- leaked table grants nothing. Any server process can serve any session.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    township_id   INTEGER NOT NULL REFERENCES townships(id),
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL,           -- absolute timeout
    revoked_at    TIMESTAMPTZ,
    user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Tamper-evident audit trail (R-9.3.1): each row's hash covers the previous row's hash.
CREATE TABLE audit_log (
    id           BIGSERIAL PRIMARY KEY,
    township_id  INTEGER NOT NULL REFERENCES townships(id),
    at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id     BIGINT,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_township ON audit_log (township_id, at DESC);
