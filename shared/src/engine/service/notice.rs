//! Telling the people named on a record that it waits for them: when a record enters a state
//! that a 会签, 或签 or N-of-M step leaves, each user named in that step's approvers field
//! whose role may take the step (the step itself asks both), but the one who moved it there,
//! gets a notification opening the record — beside the record in their "my tasks". Written
//! in the transaction of the step or the creation.
//!
//! The message is stored as `<module>.<register>|<transition>|<record's name>` and put into
//! the reader's language when listed (from [`parse`]): the registers' texts stay on the server.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{search_field, table};
use crate::engine::declare::{Approval, Register};
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
    // The record's name as "my tasks" shows it: its first text field, else its number.
    let name = match search_field(register) {
        Some(field) => Sql::new("coalesce(nullif(r.").push(field.name).push(", ''), r.number, '')"),
        None => Sql::new("coalesce(r.number, '')"),
    };
    for transition in workflow.transitions.iter().filter(|transition| transition.from.contains(&state)) {
        let approvers = match transition.approval {
            Approval::One => continue,
            Approval::All { approvers } | Approval::Any { approvers } | Approval::Quorum { approvers, .. } => approvers,
        };
        let message = format!("{}|{}|", register.key(), transition.name);
        let link = format!("/m/{}/{}/", register.module, register.name);
        Sql::new(
            "INSERT INTO notifications (township_id, user_id, kind, message, link) SELECT DISTINCT r.township_id, u, ",
        )
        .bind(APPROVAL_KIND)
        .push(", ")
        .bind(message)
        .push(" || ")
        .append(name.clone())
        .push(", ")
        .bind(link)
        .push(" || r.id FROM ")
        .append(table(register))
        .push(" r CROSS JOIN LATERAL unnest(r.")
        .push(approvers)
        .push(") u JOIN users ON users.id = u AND users.township_id = r.township_id WHERE r.id = ANY(")
        .bind(ids.to_vec())
        .push(")")
        .push(" AND u <> ")
        .bind(actor)
        .push(
            " AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id \
             WHERE ur.user_id = u AND ",
        )
        .bind(Action::Step(transition.name).code(register))
        .push(" = ANY (ro.permissions))")
        .query()
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// An approval notification's parts — its register, the step's name and the record's name —
/// or `None` for a message not of that shape; the reader's page puts them into words.
pub fn parse(message: &str) -> Option<(&'static Register, &str, &str)> {
    let mut parts = message.splitn(3, '|');
    let (key, transition, name) = (parts.next()?, parts.next()?, parts.next()?);
    let (module, register) = key.split_once('.')?;
    Some((crate::modules::register(module, register)?, transition, name))
}
