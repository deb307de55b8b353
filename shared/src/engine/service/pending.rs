//! "My tasks" for the registers: every record on which the user can act now — a workflow
//! step their role may take from the record's state, or an approval (会签, 或签, N of M) in
//! which they are named, or an approver they stand for while away is named
//! ([`super::delegation`]), and not yet approved since the record entered its state —
//! soonest deadline first, across every register with a workflow.
//!
//! One query per register, through the data scope and the `(state, state_due)` index of
//! workflow registers, each bounded by the page: the answer never reads a whole table. A
//! record still in the workflow's first state (a draft) waits only for the person
//! responsible for it, not for everyone who may submit drafts.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::deadline::status;
use super::{Translate, search_field, table, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::{Approval, Register, Transition, Workflow};
use crate::engine::record::{Action, PendingRecord, PendingRecords};
use crate::error::AppError;
use crate::sql::Sql;

/// The most records "my tasks" shows of the registers.
pub const PENDING_PAGE: usize = 50;

/// The records of every declared register waiting for `user`, at most [`PENDING_PAGE`],
/// labelled by `translate`.
pub async fn pending(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<PendingRecords, AppError> {
    pending_in(conn, user, crate::modules::registers(), translate).await
}

/// [`pending`] over the given registers (a test's own).
pub async fn pending_in(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    registers: impl Iterator<Item = &'static Register>,
    translate: Translate<'_>,
) -> Result<PendingRecords, AppError> {
    let mut rows = Vec::new();
    let mut more = false;
    let delegators = super::delegation::delegators(conn, user).await?;
    for register in registers.filter(|register| register.parent.is_none()) {
        let Some(workflow) = register.workflow else { continue };
        if !user.may(register, Action::View) {
            continue;
        }
        let Some(waiting) = waiting(user, register, workflow, &delegators) else { continue };
        let found = load(conn, user, register, workflow, waiting, &delegators).await?;
        more |= found.len() > PENDING_PAGE;
        rows.extend(found.into_iter().take(PENDING_PAGE).map(|row| label(user, register, workflow, row, translate)));
    }
    // Soonest deadline first, then those without one, oldest first.
    rows.sort_by_key(|row| (row.due.is_none(), row.due, row.since));
    more |= rows.len() > PENDING_PAGE;
    rows.truncate(PENDING_PAGE);
    Ok(PendingRecords { rows, more })
}

/// The condition on a register's rows (alias `r`) under which one of them waits for `user`,
/// or `None` when the user can take no step of its workflow.
fn waiting(user: &SessionUser, register: &Register, workflow: &Workflow, delegators: &[i64]) -> Option<Sql> {
    let mut conditions = Vec::new();
    for transition in workflow.transitions.iter().filter(|transition| user.may(register, Action::Step(transition.name)))
    {
        let from: Vec<String> = transition.from.iter().map(|state| (*state).to_owned()).collect();
        let in_state = Sql::new("r.state = ANY (").bind(from).push(")");
        let condition = match transition.approval {
            // A draft waits for the person responsible for it, not for everyone who may
            // submit drafts.
            Approval::One => {
                Sql::any([Sql::new("r.state <> ").bind(workflow.initial), Sql::new("r.owner_id = ").bind(user.id)])
            }
            Approval::All { .. } | Approval::Any { .. } | Approval::Quorum { .. } => {
                asked(user, register, transition, delegators).unwrap_or_else(Sql::never)
            }
        };
        conditions.push(Sql::all([in_state, condition]));
    }
    (!conditions.is_empty()).then(|| Sql::any(conditions))
}

/// For an approval step, the condition that it asks `user` (alias `r`): the record in a
/// state it leaves from, and the user — or an approver of `delegators`, for whom the user
/// approves today — named in its approvers field and not yet approved since the record
/// entered that state. `None` for a step of one person.
fn asked(user: &SessionUser, register: &Register, transition: &Transition, delegators: &[i64]) -> Option<Sql> {
    let stand_for: Vec<i64> = std::iter::once(user.id).chain(delegators.iter().copied()).collect();
    let approvers = approvers(transition)?;
    Some(Sql::all([
        in_state(transition),
        Sql::new("EXISTS (SELECT 1 FROM unnest(")
            .bind(stand_for)
            .push("::bigint[]) w(id) WHERE w.id = ANY (r.")
            .push(approvers)
            .push(") AND ")
            .append(not_approved(register, transition, "w.id"))
            .push(")"),
    ]))
}

fn approvers(transition: &Transition) -> Option<&'static str> {
    match transition.approval {
        Approval::One => None,
        Approval::All { approvers } | Approval::Any { approvers } | Approval::Quorum { approvers, .. } => {
            Some(approvers)
        }
    }
}

/// The record `r` is in a state the step leaves from.
fn in_state(transition: &Transition) -> Sql {
    let from: Vec<String> = transition.from.iter().map(|state| (*state).to_owned()).collect();
    Sql::new("r.state = ANY (").bind(from).push(")")
}

/// `approver` (a column) has not approved the step on `r` since it entered its state.
fn not_approved(register: &Register, transition: &Transition, approver: &'static str) -> Sql {
    Sql::new("NOT EXISTS (SELECT 1 FROM record_approvals a WHERE a.register = ")
        .bind(register.key())
        .push(" AND a.record_id = r.id AND a.transition = ")
        .bind(transition.name)
        .push(" AND a.approver_id = ")
        .push(approver)
        .push(" AND a.decision = 'approve' AND a.at > coalesce(r.state_since, '-infinity'))")
}

/// The approval steps that ask `user` on each row, as a text array (alias `r`).
fn asked_steps(user: &SessionUser, register: &Register, workflow: &Workflow, delegators: &[i64]) -> Sql {
    let cases: Vec<Sql> = workflow
        .transitions
        .iter()
        .filter(|transition| user.may(register, Action::Step(transition.name)))
        .filter_map(|transition| {
            let condition = asked(user, register, transition, delegators)?;
            Some(Sql::new("CASE WHEN ").append(condition).push(" THEN ").bind(transition.name).push(" END"))
        })
        .collect();
    if cases.is_empty() {
        return Sql::new("'{}'::text[]");
    }
    Sql::new("array_remove(ARRAY[").append(Sql::join(cases, ", ", Sql::new(""))).push("]::text[], NULL)")
}

/// The names of the approvers away for whom the user approves and whom each row waits for
/// (alias `r`), as a text array, possibly with repeats.
fn on_behalf(user: &SessionUser, register: &Register, workflow: &Workflow, delegators: &[i64]) -> Sql {
    if delegators.is_empty() {
        return Sql::new("'{}'::text[]");
    }
    let arrays: Vec<Sql> = workflow
        .transitions
        .iter()
        .filter(|transition| user.may(register, Action::Step(transition.name)))
        .filter_map(|transition| {
            let approvers = approvers(transition)?;
            Some(
                Sql::new("CASE WHEN ")
                    .append(in_state(transition))
                    .push(" THEN ARRAY(SELECT u.display_name FROM users u WHERE u.id = ANY (")
                    .bind(delegators.to_vec())
                    .push(") AND u.id = ANY (r.")
                    .push(approvers)
                    .push(") AND ")
                    .append(not_approved(register, transition, "u.id"))
                    .push(" ORDER BY u.display_name) ELSE '{}'::text[] END"),
            )
        })
        .collect();
    if arrays.is_empty() {
        return Sql::new("'{}'::text[]");
    }
    Sql::new("(").append(Sql::join(arrays, " || ", Sql::new(""))).push(")")
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    number: Option<String>,
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Timestamptz)]
    since: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    due: Option<DateTime<Utc>>,
    /// The approval steps that ask the user.
    #[diesel(sql_type = Array<Text>)]
    asked: Vec<String>,
    /// The approvers away for whom the user approves, whom the record waits for.
    #[diesel(sql_type = Array<Text>)]
    on_behalf: Vec<String>,
}

/// A page and one more of the register's waiting records, soonest deadline first.
async fn load(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &Register,
    workflow: &Workflow,
    waiting: Sql,
    delegators: &[i64],
) -> Result<Vec<Row>, AppError> {
    let title = match search_field(register) {
        Some(field) => Sql::new("coalesce(r.").push(field.name).push(", '')"),
        None => Sql::new("''"),
    };
    let rows = Sql::new("SELECT r.id, r.number, r.state, ")
        .append(title)
        .push(" AS title, coalesce(r.state_since, r.updated_at) AS since, r.state_due AS due, ")
        .append(asked_steps(user, register, workflow, delegators))
        .push(" AS asked, ")
        .append(on_behalf(user, register, workflow, delegators))
        .push(" AS on_behalf FROM ")
        .append(table(register))
        .push(" r WHERE r.deleted_at IS NULL AND ")
        .append(visible(user, "r"))
        .push(" AND ")
        .append(waiting)
        .push(" ORDER BY r.state_due NULLS LAST, r.id LIMIT ")
        .bind((PENDING_PAGE + 1) as i64)
        .query()
        .load(conn)
        .await?;
    Ok(rows)
}

fn label(
    user: &SessionUser,
    register: &Register,
    workflow: &Workflow,
    row: Row,
    translate: Translate<'_>,
) -> PendingRecord {
    // The steps of one person the user's role may take from the state, and the approvals
    // that ask the user.
    let takeable = workflow.transitions.iter().filter(|transition| {
        transition.from.contains(&row.state.as_str())
            && user.may(register, Action::Step(transition.name))
            && (transition.approval == Approval::One || row.asked.iter().any(|asked| asked == transition.name))
    });
    let steps = takeable.map(|transition| translate(&register.step_key(transition.name))).collect();
    let approval = !row.asked.is_empty();
    let mut on_behalf = row.on_behalf;
    on_behalf.sort();
    on_behalf.dedup();
    PendingRecord {
        module: register.module.to_owned(),
        register: register.name.to_owned(),
        register_title: translate(&register.title_key()),
        id: row.id,
        number: row.number,
        title: row.title,
        state: translate(&register.state_key(&row.state)),
        steps,
        approval,
        on_behalf,
        since: row.since,
        due: row.due,
        deadline: status(row.since, row.due, Utc::now()),
    }
}
