//! Diesel schema, written by hand to match `migrations/`. Geometry columns are left out:
//! they are read and written through PostGIS functions in SQL (`ST_AsGeoJSON`, `ST_GeomFromText`).

diesel::table! {
    townships (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        county -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    villages (id) {
        id -> Integer,
        township_id -> Integer,
        code -> Text,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    grids (id) {
        id -> Integer,
        township_id -> Integer,
        village_id -> Integer,
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    houses (id) {
        id -> BigInt,
        township_id -> Integer,
        village_id -> Integer,
        grid_id -> Integer,
        address -> Text,
    }
}

diesel::table! {
    residents (id) {
        id -> BigInt,
        township_id -> Integer,
        village_id -> Integer,
        grid_id -> Integer,
        house_id -> BigInt,
        name -> Text,
        id_number -> Text,
        gender -> Text,
        birth_date -> Date,
        phone -> Text,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        township_id -> Integer,
        village_id -> Integer,
        grid_id -> Integer,
        name -> Text,
        credit_code -> Text,
        industry -> Text,
        legal_person -> Text,
        employees -> Integer,
        address -> Text,
    }
}

diesel::table! {
    roles (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        description -> Text,
        permissions -> Array<Text>,
        data_scope -> Text,
        builtin -> Bool,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        township_id -> Integer,
        kind -> Text,
        username -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        password_hash -> Text,
        status -> Text,
        village_id -> Nullable<Integer>,
        grid_id -> Nullable<Integer>,
        credit_code -> Nullable<Text>,
        enterprise_name -> Nullable<Text>,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    user_roles (user_id, role_id) {
        user_id -> BigInt,
        role_id -> Integer,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        township_id -> Integer,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        user_agent -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        township_id -> Integer,
        at -> Timestamptz,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

// (users.department_id is read with `sql_query`: a 17th column would need diesel's wider tables.)
// Event tables without geometry columns (events and worker_positions, which have one, are
// queried with `sql_query`).
diesel::table! {
    departments (id) {
        id -> Integer,
        township_id -> Integer,
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    event_categories (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
        code -> Text,
        name -> Text,
        sort -> Integer,
        active -> Bool,
        hours_normal -> Integer,
        hours_urgent -> Integer,
        hours_critical -> Integer,
    }
}

diesel::table! {
    work_calendar (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> Integer,
        township_id -> Integer,
        category_id -> Nullable<Integer>,
        village_id -> Nullable<Integer>,
        grid_id -> Nullable<Integer>,
        department_id -> Integer,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        township_id -> Integer,
        event_id -> Nullable<BigInt>,
        step_id -> Nullable<BigInt>,
        uploader_id -> Nullable<BigInt>,
        storage_key -> Text,
        content_type -> Text,
        bytes -> Integer,
        width -> Integer,
        height -> Integer,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        township_id -> Integer,
        user_id -> BigInt,
        event_id -> Nullable<BigInt>,
        kind -> Text,
        message -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(villages -> townships (township_id));
diesel::joinable!(grids -> villages (village_id));
diesel::joinable!(residents -> grids (grid_id));
diesel::joinable!(enterprises -> grids (grid_id));
diesel::joinable!(users -> townships (township_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    townships,
    villages,
    grids,
    houses,
    residents,
    enterprises,
    roles,
    users,
    user_roles,
    sessions,
    audit_log,
    departments,
    event_categories,
    work_calendar,
    routing_rules,
    attachments,
    notifications,
);
