// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "geometry"))]
    pub struct Geometry;
}

diesel::table! {
    api_calls (id) {
        id -> Int8,
        at -> Timestamptz,
        api_key_id -> Nullable<Int8>,
        api -> Text,
        method -> Text,
        path -> Text,
        status -> Int2,
        rows -> Int4,
        address -> Text,
        millis -> Int4,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Int8,
        township_id -> Int4,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Array<Nullable<Text>>,
        per_minute -> Int4,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        village_id -> Nullable<Int4>,
        datasets -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    approval_delegations (id) {
        id -> Int8,
        township_id -> Int4,
        delegator_id -> Int8,
        delegate_id -> Int8,
        starts_on -> Date,
        ends_on -> Date,
        reason -> Text,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        township_id -> Int4,
        event_id -> Nullable<Int8>,
        step_id -> Nullable<Int8>,
        uploader_id -> Nullable<Int8>,
        storage_key -> Text,
        content_type -> Text,
        bytes -> Int4,
        width -> Int4,
        height -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> Int8,
        at -> Timestamptz,
        last_id -> Int8,
        last_hash -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        township_id -> Int4,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_name -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
        prev_hash -> Text,
        hash -> Text,
        chain -> Int2,
    }
}

diesel::table! {
    audit_log_archive (id) {
        id -> Int8,
        township_id -> Int4,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_name -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
        prev_hash -> Text,
        hash -> Text,
        chain -> Int2,
    }
}

diesel::table! {
    audit_seal (only_row) {
        only_row -> Bool,
        sealed_from -> Int8,
        key_check -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    backup_runs (id) {
        id -> Int8,
        kind -> Text,
        trigger -> Text,
        actor_name -> Text,
        started_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        outcome -> Nullable<Text>,
        file -> Text,
        bytes -> Nullable<Int8>,
        sha256 -> Text,
        tables -> Jsonb,
        error -> Text,
    }
}

diesel::table! {
    code_entries (table_code, code) {
        table_code -> Text,
        code -> Text,
        name -> Text,
        level -> Int2,
        parent_code -> Nullable<Text>,
    }
}

diesel::table! {
    code_tables (code) {
        code -> Text,
        standard -> Text,
        title -> Text,
        note -> Text,
        position -> Int2,
    }
}

diesel::table! {
    custom_fields (id) {
        id -> Int4,
        register -> Text,
        key -> Text,
        kind -> Text,
        label_zh -> Text,
        label_en -> Text,
        required -> Bool,
        in_list -> Bool,
        filterable -> Bool,
        position -> Int4,
        created_at -> Timestamptz,
        options -> Jsonb,
        retired_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    departments (id) {
        id -> Int4,
        township_id -> Int4,
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    engine_imports (id) {
        id -> Int8,
        township_id -> Int4,
        register -> Text,
        user_id -> Int8,
        file_name -> Text,
        format -> Text,
        file -> Nullable<Bytea>,
        status -> Text,
        total -> Int4,
        good -> Int4,
        done -> Int4,
        errors -> Jsonb,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    enterprises (id) {
        id -> Int8,
        township_id -> Int4,
        village_id -> Int4,
        grid_id -> Int4,
        name -> Text,
        credit_code -> Text,
        industry -> Text,
        legal_person -> Text,
        employees -> Int4,
        address -> Text,
        location -> Geometry,
    }
}

diesel::table! {
    event_categories (id) {
        id -> Int4,
        parent_id -> Nullable<Int4>,
        code -> Text,
        name -> Text,
        sort -> Int4,
        active -> Bool,
        hours_normal -> Int4,
        hours_urgent -> Int4,
        hours_critical -> Int4,
    }
}

diesel::table! {
    event_category_attributes (id) {
        id -> Int4,
        category_id -> Int4,
        code -> Text,
        datatype -> Text,
        required -> Bool,
        description -> Text,
        sort -> Int4,
        choices -> Jsonb,
    }
}

diesel::table! {
    event_step_audit_queue (step_id) {
        step_id -> Int8,
        ip -> Text,
    }
}

diesel::table! {
    event_steps (id) {
        id -> Int8,
        township_id -> Int4,
        event_id -> Int8,
        at -> Timestamptz,
        actor_id -> Nullable<Int8>,
        actor_name -> Text,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        note -> Text,
        department_id -> Nullable<Int4>,
        assignee_id -> Nullable<Int8>,
        spent_seconds -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    events (id) {
        id -> Int8,
        township_id -> Int4,
        number -> Text,
        client_ref -> Nullable<Text>,
        channel -> Text,
        category_id -> Int4,
        priority -> Text,
        title -> Text,
        description -> Text,
        address -> Text,
        location -> Geometry,
        village_id -> Int4,
        grid_id -> Int4,
        department_id -> Nullable<Int4>,
        assignee_id -> Nullable<Int8>,
        state -> Text,
        suspended_from -> Nullable<Text>,
        remaining_min -> Nullable<Int4>,
        reporter_id -> Nullable<Int8>,
        contact_name -> Text,
        contact_phone -> Text,
        created_by -> Nullable<Int8>,
        reported_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        dispatched_at -> Nullable<Timestamptz>,
        handled_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        deadline -> Timestamptz,
        warned_at -> Nullable<Timestamptz>,
        overdue_at -> Nullable<Timestamptz>,
        escalated_at -> Nullable<Timestamptz>,
        escalation -> Int4,
        supervised -> Bool,
        merged_into -> Nullable<Int8>,
        satisfaction -> Nullable<Int2>,
        feedback -> Text,
        confirmed_at -> Nullable<Timestamptz>,
        version -> Int4,
        updated_at -> Timestamptz,
        tracking_key -> Text,
    }
}

diesel::table! {
    exchange_instructions (id) {
        id -> Int8,
        peer_id -> Int4,
        instruction_id -> Text,
        kind -> Text,
        event_id -> Int8,
        deadline -> Nullable<Timestamptz>,
        payload -> Jsonb,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    exchange_nonces (peer_id, nonce) {
        peer_id -> Int4,
        nonce -> Text,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    exchange_outbox (id) {
        id -> Int8,
        peer_id -> Int4,
        instruction_id -> Int8,
        step_id -> Int8,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Text,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    exchange_peers (id) {
        id -> Int4,
        township_id -> Int4,
        code -> Text,
        name -> Text,
        kind -> Text,
        algorithm -> Text,
        secret -> Text,
        endpoint -> Text,
        categories -> Jsonb,
        max_attempts -> Int4,
        active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    geo_lines (id) {
        id -> Int4,
        township_id -> Int4,
        kind -> Text,
        name -> Text,
        geom -> Geometry,
        feature_table -> Text,
        feature_code -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    grids (id) {
        id -> Int4,
        township_id -> Int4,
        village_id -> Int4,
        code -> Text,
        name -> Text,
        boundary -> Geometry,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    houses (id) {
        id -> Int8,
        township_id -> Int4,
        village_id -> Int4,
        grid_id -> Int4,
        address -> Text,
        location -> Geometry,
    }
}

diesel::table! {
    indicator_alarms (id) {
        id -> Int8,
        township_id -> Int4,
        indicator_id -> Int8,
        severity -> Text,
        opened_at -> Timestamptz,
        changed_at -> Timestamptz,
        cleared_at -> Nullable<Timestamptz>,
        value -> Float8,
        peak -> Float8,
    }
}

diesel::table! {
    indicator_values (indicator_id, at) {
        indicator_id -> Int8,
        at -> Timestamptz,
        value -> Float8,
    }
}

diesel::table! {
    indicator_watches (indicator_id) {
        indicator_id -> Int8,
        indicator_version -> Int4,
        state -> Jsonb,
        computed_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    job_runs (job) {
        job -> Text,
        last_run_at -> Timestamptz,
        last_success_at -> Nullable<Timestamptz>,
        last_failure_at -> Nullable<Timestamptz>,
        last_error -> Text,
        failures_in_a_row -> Int4,
    }
}

diesel::table! {
    naming_counters (register, year) {
        register -> Text,
        year -> Int4,
        last -> Int4,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        township_id -> Int4,
        user_id -> Int8,
        event_id -> Nullable<Int8>,
        kind -> Text,
        message -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        link -> Nullable<Text>,
    }
}

diesel::table! {
    open311_requests (event_id) {
        event_id -> Int8,
        api_key_id -> Int8,
        attributes -> Jsonb,
        media_url -> Text,
        email -> Text,
        device_id -> Text,
        account_id -> Text,
    }
}

diesel::table! {
    password_history (user_id, set_at) {
        user_id -> Int8,
        set_at -> Timestamptz,
        password_hash -> Text,
    }
}

diesel::table! {
    personal_key_checks (version) {
        version -> Int2,
        key_check -> Text,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    record_approvals (id) {
        id -> Int8,
        register -> Text,
        record_id -> Int8,
        transition -> Text,
        approver_id -> Int8,
        decision -> Text,
        reason -> Nullable<Text>,
        at -> Timestamptz,
        acted_by -> Nullable<Int8>,
    }
}

diesel::table! {
    record_history (id) {
        id -> Int8,
        register -> Text,
        record_id -> Int8,
        version -> Int4,
        operation -> Text,
        actor_id -> Nullable<Int8>,
        at -> Timestamptz,
        changed -> Array<Nullable<Text>>,
        data -> Jsonb,
    }
}

diesel::table! {
    record_history_archive (id) {
        id -> Int8,
        register -> Text,
        record_id -> Int8,
        version -> Int4,
        operation -> Text,
        actor_id -> Nullable<Int8>,
        at -> Timestamptz,
        changed -> Array<Nullable<Text>>,
        data -> Jsonb,
        archived_at -> Timestamptz,
    }
}

diesel::table! {
    register_settings (register) {
        register -> Text,
        history_online_days -> Nullable<Int4>,
        history_kept_years -> Nullable<Int4>,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    residents (id) {
        id -> Int8,
        township_id -> Int4,
        village_id -> Int4,
        grid_id -> Int4,
        house_id -> Int8,
        name -> Text,
        id_number -> Nullable<Text>,
        gender -> Text,
        birth_date -> Date,
        phone -> Nullable<Text>,
        id_number_sealed -> Nullable<Bytea>,
        id_number_index -> Nullable<Bytea>,
        phone_sealed -> Nullable<Bytea>,
        phone_index -> Nullable<Bytea>,
    }
}

diesel::table! {
    roles (id) {
        id -> Int4,
        code -> Text,
        name -> Text,
        description -> Text,
        permissions -> Array<Text>,
        data_scope -> Text,
        builtin -> Bool,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> Int4,
        township_id -> Int4,
        category_id -> Nullable<Int4>,
        village_id -> Nullable<Int4>,
        grid_id -> Nullable<Int4>,
        department_id -> Int4,
    }
}

diesel::table! {
    runtime_registers (id) {
        id -> Int4,
        name -> Text,
        title_zh -> Text,
        title_en -> Text,
        place -> Text,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    second_factor_recovery_codes (user_id, code_hash) {
        user_id -> Int8,
        code_hash -> Text,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    sensing_alarms (id) {
        id -> Int8,
        township_id -> Int4,
        station_id -> Int8,
        rule_id -> Int8,
        measurand -> Text,
        severity -> Text,
        opened_at -> Timestamptz,
        changed_at -> Timestamptz,
        cleared_at -> Nullable<Timestamptz>,
        value -> Float8,
        peak -> Float8,
        event_id -> Nullable<Int8>,
    }
}

diesel::table! {
    sensing_readings (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_2026_09 (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_2026_10 (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_2026_11 (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_2026_12 (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_2027_01 (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_readings_default (station_id, measurand, at) {
        station_id -> Int8,
        measurand -> Text,
        at -> Timestamptz,
        value -> Float8,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    sensing_watches (rule_id) {
        rule_id -> Int8,
        rule_version -> Int4,
        state -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Int8,
        township_id -> Int4,
        created_at -> Timestamptz,
        last_seen_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        user_agent -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    townships (id) {
        id -> Int4,
        code -> Text,
        name -> Text,
        county -> Text,
        centre -> Geometry,
        boundary -> Geometry,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_roles (user_id, role_id) {
        user_id -> Int8,
        role_id -> Int4,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        township_id -> Int4,
        kind -> Text,
        username -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        password_hash -> Text,
        status -> Text,
        village_id -> Nullable<Int4>,
        grid_id -> Nullable<Int4>,
        credit_code -> Nullable<Text>,
        enterprise_name -> Nullable<Text>,
        failed_logins -> Int4,
        locked_until -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        last_login_at -> Nullable<Timestamptz>,
        department_id -> Nullable<Int4>,
        password_changed_at -> Timestamptz,
        must_change_password -> Bool,
        totp_secret -> Nullable<Text>,
        totp_pending -> Nullable<Text>,
        totp_last_step -> Nullable<Int8>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    villages (id) {
        id -> Int4,
        township_id -> Int4,
        code -> Text,
        name -> Text,
        kind -> Text,
        boundary -> Geometry,
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
    use diesel::sql_types::*;
    use super::sql_types::Geometry;

    worker_positions (user_id) {
        user_id -> Int8,
        township_id -> Int4,
        location -> Geometry,
        at -> Timestamptz,
    }
}

diesel::joinable!(api_calls -> api_keys (api_key_id));
diesel::joinable!(api_keys -> townships (township_id));
diesel::joinable!(api_keys -> users (created_by));
diesel::joinable!(api_keys -> villages (village_id));
diesel::joinable!(approval_delegations -> townships (township_id));
diesel::joinable!(attachments -> events (event_id));
diesel::joinable!(attachments -> townships (township_id));
diesel::joinable!(attachments -> users (uploader_id));
diesel::joinable!(audit_log -> townships (township_id));
diesel::joinable!(code_entries -> code_tables (table_code));
diesel::joinable!(departments -> townships (township_id));
diesel::joinable!(engine_imports -> townships (township_id));
diesel::joinable!(engine_imports -> users (user_id));
diesel::joinable!(enterprises -> grids (grid_id));
diesel::joinable!(enterprises -> townships (township_id));
diesel::joinable!(enterprises -> villages (village_id));
diesel::joinable!(event_category_attributes -> event_categories (category_id));
diesel::joinable!(event_step_audit_queue -> event_steps (step_id));
diesel::joinable!(event_steps -> departments (department_id));
diesel::joinable!(event_steps -> events (event_id));
diesel::joinable!(event_steps -> townships (township_id));
diesel::joinable!(events -> departments (department_id));
diesel::joinable!(events -> event_categories (category_id));
diesel::joinable!(events -> grids (grid_id));
diesel::joinable!(events -> townships (township_id));
diesel::joinable!(events -> villages (village_id));
diesel::joinable!(exchange_instructions -> events (event_id));
diesel::joinable!(exchange_instructions -> exchange_peers (peer_id));
diesel::joinable!(exchange_nonces -> exchange_peers (peer_id));
diesel::joinable!(exchange_outbox -> event_steps (step_id));
diesel::joinable!(exchange_outbox -> exchange_instructions (instruction_id));
diesel::joinable!(exchange_outbox -> exchange_peers (peer_id));
diesel::joinable!(exchange_peers -> townships (township_id));
diesel::joinable!(geo_lines -> townships (township_id));
diesel::joinable!(grids -> townships (township_id));
diesel::joinable!(grids -> villages (village_id));
diesel::joinable!(houses -> grids (grid_id));
diesel::joinable!(houses -> townships (township_id));
diesel::joinable!(houses -> villages (village_id));
diesel::joinable!(indicator_alarms -> townships (township_id));
diesel::joinable!(notifications -> events (event_id));
diesel::joinable!(notifications -> townships (township_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(open311_requests -> api_keys (api_key_id));
diesel::joinable!(open311_requests -> events (event_id));
diesel::joinable!(password_history -> users (user_id));
diesel::joinable!(record_history -> users (actor_id));
diesel::joinable!(record_history_archive -> users (actor_id));
diesel::joinable!(register_settings -> users (updated_by));
diesel::joinable!(residents -> grids (grid_id));
diesel::joinable!(residents -> houses (house_id));
diesel::joinable!(residents -> townships (township_id));
diesel::joinable!(residents -> villages (village_id));
diesel::joinable!(routing_rules -> departments (department_id));
diesel::joinable!(routing_rules -> event_categories (category_id));
diesel::joinable!(routing_rules -> grids (grid_id));
diesel::joinable!(routing_rules -> townships (township_id));
diesel::joinable!(routing_rules -> villages (village_id));
diesel::joinable!(runtime_registers -> users (created_by));
diesel::joinable!(second_factor_recovery_codes -> users (user_id));
diesel::joinable!(sensing_alarms -> events (event_id));
diesel::joinable!(sensing_alarms -> townships (township_id));
diesel::joinable!(sessions -> townships (township_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(users -> departments (department_id));
diesel::joinable!(users -> grids (grid_id));
diesel::joinable!(users -> townships (township_id));
diesel::joinable!(users -> villages (village_id));
diesel::joinable!(villages -> townships (township_id));
diesel::joinable!(worker_positions -> townships (township_id));
diesel::joinable!(worker_positions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_calls,
    api_keys,
    approval_delegations,
    attachments,
    audit_checkpoints,
    audit_log,
    audit_log_archive,
    audit_seal,
    backup_runs,
    code_entries,
    code_tables,
    custom_fields,
    departments,
    engine_imports,
    enterprises,
    event_categories,
    event_category_attributes,
    event_step_audit_queue,
    event_steps,
    events,
    exchange_instructions,
    exchange_nonces,
    exchange_outbox,
    exchange_peers,
    geo_lines,
    grids,
    houses,
    indicator_alarms,
    indicator_values,
    indicator_watches,
    job_runs,
    naming_counters,
    notifications,
    open311_requests,
    password_history,
    personal_key_checks,
    record_approvals,
    record_history,
    record_history_archive,
    register_settings,
    residents,
    roles,
    routing_rules,
    runtime_registers,
    second_factor_recovery_codes,
    sensing_alarms,
    sensing_readings,
    sensing_readings_2026_09,
    sensing_readings_2026_10,
    sensing_readings_2026_11,
    sensing_readings_2026_12,
    sensing_readings_2027_01,
    sensing_readings_default,
    sensing_watches,
    sessions,
    townships,
    user_roles,
    users,
    villages,
    work_calendar,
    worker_positions,
);
