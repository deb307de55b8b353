//! Telling the people named on a record that it waits for them, and reminding them as its
//! deadline nears and passes: when a record enters a state
//! that a 会签, 或签 or N-of-M step leaves, each user named in that step's approvers field
//! whose role may take the step (the step itself asks both), and the colleague approving in
//! their place while they are away, but not the one who moved it there, gets a notification
//! opening the record — beside the record in their "my tasks". Written in the transaction
//! of the step or the creation. [`remind`], run by a clock on every
//! server process, tells those who have not yet approved when three quarters of the state's
//! time have gone and again when it has run out, once each per stay in the state.
//!
//! The message is stored as `<module>.<register>|<transition>|<record's name>` and put into
//! the reader's language when listed (from [`parse`]): the registers' texts stay on the server.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{search_field, table};
use crate::engine::declare::{Approval, Register, Transition};
use crate::engine::record::Action;
use crate::error::AppError;
use crate::sql::Sql;

/// The notifications' kind.
pub const APPROVAL_KIND: &str = "record_approval";

/// Notifies the approvers of the steps leaving `state`, which the records `ids` just entered.
pub(super) async fn entered(
    conn: &mut AsyncPgConnection,
    register: &Register,
    ids: &[i64],
    state: &str,
    actor: i64,
) -> Result<(), AppError> {
    let Some(workflow) = register.workflow else { return Ok(()) };
    for transition in workflow.transitions.iter().filter(|transition| transition.from.contains(&state)) {
        let Some(approvers) = approvers(transition) else { continue };
        let which = Sql::new("r.id = ANY(").bind(ids.to_vec()).push(") AND w.u <> ").bind(actor);
        insert(register, transition, approvers, APPROVAL_KIND, which).query().execute(conn).await?;
    }
    Ok(())
}

/// The notifications' kinds of an approval's deadline: three quarters of its time gone, and
/// past it (the thresholds of [`super::deadline::status`]).
pub const DUE_SOON_KIND: &str = "record_due_soon";
pub const OVERDUE_KIND: &str = "record_overdue";

/// What a [`remind`] sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reminded {
    pub due_soon: usize,
    pub overdue: usize,
}

/// Reminds the approvers who have not yet approved a record whose state's deadline is near
/// (due soon) or past (overdue), once each per stay in the state: a reminder already sent
/// since the record entered its state is not sent again, so every process may run this as
/// often as it likes.
pub async fn remind(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Result<Reminded, AppError> {
    let mut reminded = Reminded::default();
    for register in crate::modules::registers() {
        let Some(workflow) = register.workflow else { continue };
        for transition in workflow.transitions {
            let Some(approvers) = approvers(transition) else { continue };
            let timed: Vec<String> = workflow
                .states
                .iter()
                .filter(|state| state.deadline_days.is_some() && transition.from.contains(&state.name))
                .map(|state| state.name.to_owned())
                .collect();
            if timed.is_empty() {
                continue;
            }
            for (kind, due) in [
                (OVERDUE_KIND, Sql::new("r.state_due < ").bind(now)),
                (
                    DUE_SOON_KIND,
                    Sql::new("r.state_due >= ")
                        .bind(now)
                        .push(" AND ")
                        .bind(now)
                        .push(" >= r.state_since + (r.state_due - r.state_since) * 0.75"),
                ),
            ] {
                let which = Sql::all([
                    Sql::new("r.deleted_at IS NULL AND r.state = ANY(").bind(timed.clone()).push(")"),
                    due,
                    // Not yet approved by this approver since the record entered the state.
                    Sql::new("NOT EXISTS (SELECT 1 FROM record_approvals a WHERE a.register = ")
                        .bind(register.key())
                        .push(" AND a.record_id = r.id AND a.transition = ")
                        .bind(transition.name)
                        .push(" AND a.approver_id = named AND a.decision = 'approve' AND a.at > r.state_since)"),
                    // Not yet reminded of it during this stay.
                    Sql::new("NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = w.u AND n.kind = ")
                        .bind(kind)
                        .push(" AND n.link = ")
                        .bind(link(register))
                        .push(" || r.id AND n.created_at >= r.state_since)"),
                ]);
                let sent = insert(register, transition, approvers, kind, which).query().execute(conn).await?;
                match kind {
                    OVERDUE_KIND => reminded.overdue += sent,
                    _ => reminded.due_soon += sent,
                }
            }
        }
    }
    Ok(reminded)
}

/// The approvers field of an approval step (`None`: a step of one person).
fn approvers(transition: &Transition) -> Option<&'static str> {
    match transition.approval {
        Approval::One => None,
        Approval::All { approvers } | Approval::Any { approvers } | Approval::Quorum { approvers, .. } => {
            Some(approvers)
        }
    }
}

fn link(register: &Register) -> String {
    format!("/m/{}/{}/", register.module, register.name)
}

/// One notification of `kind` for each user `w.u` who may approve for an approver `named`
/// in the records' `approvers` field — the approver, and their delegate while they are away
/// ([`super::delegation::active_for`]) — whose role may take the step, opening the record
/// (records `r` chosen by `which`). The message names the record as "my tasks" does: its
/// first text field, else its number.
fn insert(register: &Register, transition: &Transition, approvers: &'static str, kind: &str, which: Sql) -> Sql {
    let name = match search_field(register) {
        Some(field) => Sql::new("coalesce(nullif(r.").push(field.name).push(", ''), r.number, '')"),
        None => Sql::new("coalesce(r.number, '')"),
    };
    Sql::new(
        "INSERT INTO notifications (township_id, user_id, kind, message, link) SELECT DISTINCT r.township_id, w.u, ",
    )
    .bind(kind.to_owned())
    .push(", ")
    .bind(format!("{}|{}|", register.key(), transition.name))
    .push(" || ")
    .append(name)
    .push(", ")
    .bind(link(register))
    .push(" || r.id FROM ")
    .append(table(register))
    .push(" r CROSS JOIN LATERAL unnest(r.")
    .push(approvers)
    .push(") named CROSS JOIN LATERAL ")
    .append(super::delegation::active_for(Sql::new("named")))
    .push(" w JOIN users ON users.id = w.u AND users.township_id = r.township_id AND users.status = 'active' WHERE ")
    .append(which)
    // Only those the step would let approve.
    .push(
        " AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id \
             WHERE ur.user_id = w.u AND ",
    )
    .bind(Action::Step(transition.name).code(register))
    .push(" = ANY (ro.permissions))")
}

/// An approval notification's parts — its register, the step's name and the record's name —
/// or `None` for a message not of that shape; the reader's page puts them into words.
pub fn parse(message: &str) -> Option<(&'static Register, &str, &str)> {
    let mut parts = message.splitn(3, '|');
    let (key, transition, name) = (parts.next()?, parts.next()?, parts.next()?);
    let (module, register) = key.split_once('.')?;
    Some((crate::modules::register(module, register)?, transition, name))
}
