//! Workflow steps: moving a record from one state to another, in one transaction with its
//! history (operation `step`), its number when the naming series gives it on entering the
//! new state, and its audit entry. A step that needs several people (会签, 或签, N of M)
//! records each approver's approval in `record_approvals` and moves the record once enough
//! are in.

use chrono::Datelike;
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::naming::next_number;
use super::write::{Operation, act_as, count};
use super::{table, visible, written};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::engine::declare::{Approval, Kind, Register, Transition};
use crate::engine::record::{Action, StepOutcome};
use crate::error::{AppError, ErrorCode};
use crate::sql::Sql;

/// The longest reason a step may carry (a return, a rejection).
const REASON_MAX: usize = 500;

/// Takes the transition `name` on record `id`, whose version the user saw is `version`.
/// Nothing changes unless the step is allowed now: the record in the user's scope
/// (`NotFound`), unchanged since (`Conflict(RecordStale)`), in a state the step leaves from
/// (`Conflict(RecordIllegalTransition)`); the user holding the step's permission
/// (`Forbidden`) and, for an approval, named in its approvers field or standing for one
/// named there while they are away (`Conflict(RecordNotAnApprover)`).
pub async fn step(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    version: i32,
    name: &str,
    reason: Option<&str>,
) -> Result<StepOutcome, AppError> {
    let Some(transition) =
        register.workflow.and_then(|workflow| workflow.transitions.iter().find(|transition| transition.name == name))
    else {
        return Err(AppError::field("transition", ErrorCode::RecordIllegalTransition));
    };
    if !user.may(register, Action::Step(transition.name)) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
    if transition.reason_required && reason.is_none() {
        return Err(AppError::field("reason", ErrorCode::RecordReasonRequired));
    }
    if reason.is_some_and(|reason| reason.chars().count() > REASON_MAX) {
        return Err(AppError::field("reason", ErrorCode::TooLong));
    }
    let approvers = approvers_field(register, transition)?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current = lock(conn, user, register, id, approvers).await?;
        if current.version != version {
            return Err(AppError::Conflict(ErrorCode::RecordStale));
        }
        if !current.state.as_deref().is_some_and(|state| transition.from.contains(&state)) {
            return Err(AppError::Conflict(ErrorCode::RecordIllegalTransition));
        }
        // The record's own Files/Photos fields stand for the step's attachment for now;
        // attachments carried by the step itself come later.
        if transition.attachment_required && current.attachments == 0 {
            return Err(AppError::field("attachments", ErrorCode::RecordAttachmentRequired));
        }
        let needed = match transition.approval {
            Approval::One => None,
            Approval::All { .. } => Some(distinct(&current.approvers).len() as u32),
            Approval::Any { .. } => Some(1),
            Approval::Quorum { needed, .. } => Some(u32::from(needed)),
        };
        if let Some(needed) = needed {
            let approver = approver(conn, user, register, id, transition, &current.approvers).await?;
            let approvals = approve(conn, user, approver, register, id, transition, &current.approvers, reason).await?;
            if approvals < needed {
                let detail = if approver == user.id {
                    format!("{}: {approvals}/{needed}", transition.name)
                } else {
                    format!("{}: {approvals}/{needed}, for user#{approver}", transition.name)
                };
                let target = format!("{}#{id}", register.key());
                audit::record(
                    conn,
                    current.township_id,
                    Some(user.id),
                    &user.display_name,
                    AuditAction::ApproveRecord,
                    &target,
                    &detail,
                )
                .await?;
                return Ok(StepOutcome::Approved { approvals, needed });
            }
        }
        r#move(conn, user, register, id, &current, transition, reason).await?;
        Ok(StepOutcome::Moved { to: transition.to.to_owned() })
    })
    .await
}

/// The approvers field of an approval step: a declared field of kind Users (a declaration
/// naming anything else is the module's bug, said in the log).
fn approvers_field(register: &Register, transition: &Transition) -> Result<Option<&'static str>, AppError> {
    let name = match transition.approval {
        Approval::One => return Ok(None),
        Approval::All { approvers } | Approval::Any { approvers } | Approval::Quorum { approvers, .. } => approvers,
    };
    match register.field(name) {
        Some(field) if matches!(field.kind, Kind::Users) => Ok(Some(field.name)),
        _ => {
            tracing::error!(register = %register.key(), transition = transition.name, name, "approvers field is not a Users field");
            Err(AppError::Internal)
        }
    }
}

fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The stored record as a step starts from it, locked to the commit.
struct Current {
    version: i32,
    township_id: i32,
    state: Option<String>,
    numbered: bool,
    /// How many ids the record's Files and Photos fields hold.
    attachments: i64,
    /// The users named in the step's approvers field (none for a step of one person).
    approvers: Vec<i64>,
}

async fn lock(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    id: i64,
    approvers: Option<&'static str>,
) -> Result<Current, AppError> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Integer)]
        version: i32,
        #[diesel(sql_type = Integer)]
        township_id: i32,
        #[diesel(sql_type = Nullable<Text>)]
        state: Option<String>,
        #[diesel(sql_type = Bool)]
        numbered: bool,
        #[diesel(sql_type = BigInt)]
        attachments: i64,
        #[diesel(sql_type = Nullable<Array<BigInt>>)]
        approvers: Option<Vec<i64>>,
    }
    let attachments = register
        .fields
        .iter()
        .filter(|field| matches!(field.kind, Kind::Files | Kind::Photos))
        .fold(Sql::new("0::bigint"), |sql, field| {
            sql.push(" + coalesce(cardinality(r.").push(field.name).push("), 0)")
        });
    let approvers = match approvers {
        Some(field) => Sql::new("r.").push(field),
        None => Sql::new("NULL::bigint[]"),
    };
    let locked: Locked = Sql::new("SELECT r.version, r.township_id, r.state, r.number IS NOT NULL AS numbered, (")
        .append(attachments)
        .push(") AS attachments, ")
        .append(approvers)
        .push(" AS approvers FROM ")
        .append(table(register))
        .push(" r WHERE r.id = ")
        .bind(id)
        .push(" AND r.deleted_at IS NULL AND ")
        .append(visible(user, "r"))
        .push(" FOR UPDATE OF r")
        .query()
        .get_result(conn)
        .await?;
    Ok(Current {
        version: locked.version,
        township_id: locked.township_id,
        state: locked.state,
        numbered: locked.numbered,
        attachments: locked.attachments,
        approvers: locked.approvers.unwrap_or_default(),
    })
}

/// For whom the user approves: themselves when they are named among the approvers, else an
/// approver named there who is away and has delegated to the user today
/// ([`super::delegation`]) — the first who has not yet approved since the record entered its
/// state, so a delegate standing for two approvers approves for each in turn. Someone
/// neither named nor standing for anyone named is refused (`Conflict(RecordNotAnApprover)`).
async fn approver(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    id: i64,
    transition: &Transition,
    approvers: &[i64],
) -> Result<i64, AppError> {
    let mut candidates = Vec::new();
    if approvers.contains(&user.id) {
        candidates.push(user.id);
    }
    let delegators = super::delegation::delegators(conn, user).await?;
    for approver in distinct(approvers) {
        if approver != user.id && delegators.contains(&approver) {
            candidates.push(approver);
        }
    }
    let Some(first) = candidates.as_slice().first().copied() else {
        return Err(AppError::Conflict(ErrorCode::RecordNotAnApprover));
    };
    for candidate in candidates {
        let given = approvals_since(register, id, transition, Sql::new("a.approver_id = ").bind(candidate));
        if count(conn, given).await? == 0 {
            return Ok(candidate);
        }
    }
    // Everyone the user may approve for has: approving again changes nothing.
    Ok(first)
}

/// Counts (as `n`) the distinct approvers `approver` (a condition on `a`) who approved the
/// step since the record last entered its state — a record sent back and resubmitted needs
/// its approvals anew.
///
/// "Since" compares clock times taken while holding the record's lock: a move stamps the
/// record's `updated_at` with `clock_timestamp()` (kept in the history row of the move) and
/// an approval its `at`, so an approval committed before the move can never count after it,
/// whichever transaction started first.
fn approvals_since(register: &Register, id: i64, transition: &Transition, approver: Sql) -> Sql {
    Sql::new("SELECT count(DISTINCT a.approver_id) AS n FROM record_approvals a WHERE a.register = ")
        .bind(register.key())
        .push(" AND a.record_id = ")
        .bind(id)
        .push(" AND a.transition = ")
        .bind(transition.name)
        .push(" AND a.decision = 'approve' AND ")
        .append(approver)
        .push(" AND a.at > coalesce((SELECT (h.data ->> 'updated_at')::timestamptz FROM record_history h WHERE h.register = ")
        .bind(register.key())
        .push(" AND h.record_id = ")
        .bind(id)
        .push(" AND 'state' = ANY (h.changed) ORDER BY h.version DESC LIMIT 1), '-infinity')")
}

/// Records the approval of the step for `approver` — given by the user, in their own name or
/// as the approver's delegate (`acted_by`) — once: approving again changes nothing; returns
/// how many of the current approvers have approved since the record entered its state.
#[allow(clippy::too_many_arguments)]
async fn approve(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    approver: i64,
    register: &Register,
    id: i64,
    transition: &Transition,
    approvers: &[i64],
    reason: Option<&str>,
) -> Result<u32, AppError> {
    if count(conn, approvals_since(register, id, transition, Sql::new("a.approver_id = ").bind(approver))).await? == 0 {
        Sql::new(
            "INSERT INTO record_approvals (register, record_id, transition, approver_id, acted_by, decision, reason, at) VALUES (",
        )
        .bind(register.key())
        .push(", ")
        .bind(id)
        .push(", ")
        .bind(transition.name)
        .push(", ")
        .bind(approver)
        .push(", ")
        .append(if approver == user.id { Sql::new("NULL") } else { Sql::value(user.id) })
        .push(", 'approve', ")
        .append(match reason {
            Some(reason) => Sql::value(reason),
            None => Sql::new("NULL"),
        })
        .push(", clock_timestamp())")
        .query()
        .execute(conn)
        .await?;
    }
    let all = Sql::new("a.approver_id = ANY (").bind(approvers.to_vec()).push(")");
    let approvals = count(conn, approvals_since(register, id, transition, all)).await?;
    Ok(u32::try_from(approvals).unwrap_or(u32::MAX))
}

/// Moves the locked record to the step's state: a new version, written to the history as a
/// `step` of the user, numbered when the naming series gives the number on entering it.
async fn r#move(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    current: &Current,
    transition: &Transition,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let entered = chrono::Utc::now();
    let due = super::deadline::due(conn, register, transition.to, entered).await?;
    let mut assignments = Sql::new("state = ")
        .bind(transition.to)
        .push(", state_since = ")
        .bind(entered)
        .push(", state_due = ")
        .append(due.map_or_else(|| Sql::new("NULL"), Sql::value));
    if let Some(series) = register.naming.filter(|series| series.on_state == Some(transition.to))
        && !current.numbered
    {
        let year = crate::time::today().year();
        assignments = assignments.push(", number = ").bind(next_number(conn, register, &series, year).await?);
    }
    act_as(conn, user, Operation::Step).await?;
    // `clock_timestamp()`, not `now()`: the moment the state was entered, after the lock
    // (see `approve`).
    Sql::new("UPDATE ")
        .append(written(register))
        .push(" SET ")
        .append(assignments)
        .push(", version = version + 1, updated_at = clock_timestamp(), updated_by = ")
        .bind(user.id)
        .push(" WHERE id = ")
        .bind(id)
        .query()
        .execute(conn)
        .await?;
    super::tally::entered(conn, user, register, id, transition.to).await?;
    super::notice::entered(conn, register, &[id], transition.to, user.id).await?;
    let target = format!("{}#{id}", register.key());
    let detail = match reason {
        Some(reason) => format!("{} → {}: {reason}", transition.name, transition.to),
        None => format!("{} → {}", transition.name, transition.to),
    };
    audit::record(
        conn,
        current.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::StepRecord,
        &target,
        &detail,
    )
    .await
}
