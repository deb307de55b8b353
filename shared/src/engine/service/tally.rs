//! Running totals kept by a register's records in another register (a [`Tally`]: stock moved
//! by stock movements and issued requisitions). The total moves in the record's own
//! transaction by one conditional update of the total's row —
//! `SET total = total + δ WHERE … AND total + δ >= 0` — which takes the row's lock, so of
//! any number of concurrent writers each sees the total the last one left and none takes it
//! below zero: the one that would is refused (`FieldError(quantity, TallyInsufficient)`) and
//! its whole transaction, record included, is rolled back.
//!
//! A record that has moved its total is a ledger entry ([`guard`]): it is not deleted, and
//! the fields that moved the total do not change; another record corrects it.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Jsonb, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value as Json};

use super::write::{Operation, act_as};
use super::{table, target, written};
use crate::accounts::SessionUser;
use crate::engine::declare::{Kind, Register, Tally, TallyWhen, Target};
use crate::error::{AppError, ErrorCode};
use crate::sql::Sql;

/// Moves the totals of new records (`rows`: each record's values as written), for the tallies
/// that move on creation.
pub(super) async fn created(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    rows: &[Map<String, Json>],
) -> Result<(), AppError> {
    for tally in register.tallies {
        let TallyWhen::Created { field, up, down } = tally.when else { continue };
        for row in rows {
            let sign = match row.get(field).and_then(Json::as_str) {
                Some(value) if value == up => 1,
                Some(value) if value == down => -1,
                _ => continue,
            };
            let (Some(target_id), Some(quantity)) =
                (row.get(tally.target).and_then(Json::as_i64), row.get(tally.quantity).and_then(Json::as_i64))
            else {
                continue;
            };
            apply(conn, user, register, tally, target_id, sign * quantity).await?;
        }
    }
    Ok(())
}

/// Moves the totals of record `id` entering `state`, for the tallies that move then.
pub(super) async fn entered(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    state: &str,
) -> Result<(), AppError> {
    for tally in register.tallies {
        let TallyWhen::EnteringDown { state: moving } = tally.when else { continue };
        if moving != state {
            continue;
        }
        let row = stored(conn, register, tally, id).await?;
        if let (Some(target_id), Some(quantity)) = (row.target, row.quantity) {
            apply(conn, user, register, tally, target_id, -quantity).await?;
        }
    }
    Ok(())
}

/// Refuses to delete a record that moved a total (`values: None`), or to change a field that
/// moved it (`values`: the record's new values, as written).
pub(super) async fn guard(
    conn: &mut AsyncPgConnection,
    register: &Register,
    id: i64,
    values: Option<&Map<String, Json>>,
) -> Result<(), AppError> {
    for tally in register.tallies {
        let row = stored(conn, register, tally, id).await?;
        let (moved, fields): (bool, &[&str]) = match tally.when {
            TallyWhen::Created { field, .. } => (true, &[tally.target, tally.quantity, field]),
            TallyWhen::EnteringDown { state } => (row.state.as_deref() == Some(state), &[tally.target, tally.quantity]),
        };
        if !moved {
            continue;
        }
        let Some(values) = values else {
            return Err(AppError::Conflict(ErrorCode::RecordTallied));
        };
        let problems: Vec<_> = fields
            .iter()
            .filter(|name| values.get(**name).unwrap_or(&Json::Null) != row.fields.get(**name).unwrap_or(&Json::Null))
            .map(|name| crate::error::FieldError::new(*name, ErrorCode::RecordTallied))
            .collect();
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
    }
    Ok(())
}

/// The record's target, quantity and state, and the tally's fields as JSON.
struct Stored {
    target: Option<i64>,
    quantity: Option<i64>,
    state: Option<String>,
    fields: Map<String, Json>,
}

async fn stored(conn: &mut AsyncPgConnection, register: &Register, tally: &Tally, id: i64) -> Result<Stored, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<BigInt>)]
        target: Option<i64>,
        #[diesel(sql_type = Nullable<BigInt>)]
        quantity: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        state: Option<String>,
        #[diesel(sql_type = Jsonb)]
        fields: Json,
    }
    let mut names = vec![tally.target, tally.quantity];
    if let TallyWhen::Created { field, .. } = tally.when {
        names.push(field);
    }
    let object = Sql::join(names.into_iter().map(|name| Sql::value(name).push(", r.").push(name)), ", ", Sql::new(""));
    let row: Row = Sql::new("SELECT r.")
        .push(tally.target)
        .push("::bigint AS target, r.")
        .push(tally.quantity)
        .push("::bigint AS quantity, r.state, jsonb_build_object(")
        .append(object)
        .push(") AS fields FROM ")
        .append(table(register))
        .push(" r WHERE r.id = ")
        .bind(id)
        .query()
        .get_result(conn)
        .await?;
    let fields = match row.fields {
        Json::Object(fields) => fields,
        _ => Map::new(),
    };
    Ok(Stored { target: row.target, quantity: row.quantity, state: row.state, fields })
}

/// Moves the total of record `target_id` of the tally's register by `delta`, refusing to take
/// it below zero. The change is the referenced record's new version, an edit by `user`.
async fn apply(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    tally: &Tally,
    target_id: i64,
    delta: i64,
) -> Result<(), AppError> {
    let Some(Kind::Reference(Target::Register(key))) = register.field(tally.target).map(|field| field.kind) else {
        tracing::error!(register = %register.key(), target = tally.target, "a tally's target is not a register reference");
        return Err(AppError::Internal);
    };
    let Some(totals) = target(register, key) else {
        tracing::error!(register = %register.key(), key, "a tally's register is not declared");
        return Err(AppError::Internal);
    };
    act_as(conn, user, Operation::Edit).await?;
    let moved = Sql::new("UPDATE ")
        .append(written(totals))
        .push(" SET ")
        .push(tally.total)
        .push(" = ")
        .push(tally.total)
        .push(" + ")
        .bind(delta)
        .push(", version = version + 1, updated_at = clock_timestamp(), updated_by = ")
        .bind(user.id)
        .push(" WHERE id = ")
        .bind(target_id)
        .push(" AND deleted_at IS NULL AND ")
        .push(tally.total)
        .push(" + ")
        .bind(delta)
        .push(" >= 0")
        .query()
        .execute(conn)
        .await?;
    if moved == 0 {
        return Err(AppError::field(tally.quantity, ErrorCode::TallyInsufficient));
    }
    Ok(())
}
