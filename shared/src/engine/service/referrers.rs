//! Back-references: the records of other registers that refer to a record (the seal uses of
//! an outgoing document, the members and meetings of a party branch), shown on its page.
//! Every reference field to a register is indexed (`ddl::indexes`), so each register's part
//! is one index scan, capped: the newest [`REFERRERS_SHOWN`] records in the user's scope and
//! a count that stops at [`REFERRERS_COUNTED`]; the rest are a filtered list away.

use diesel_async::AsyncPgConnection;

use super::custom::custom_fields;
use super::decode::{bind_value, decode, extra};
use super::export::Texts;
use super::list::{Selection, count_up_to, listed_extra, read, sort_column};
use super::{Translate, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::{Field, Kind, Register, Target};
use crate::engine::record::{Action, Count, Referrer, Referrers};
use crate::engine::value::Value;
use crate::error::AppError;
use crate::sql::Sql;

/// The newest referring records shown per register and field.
pub const REFERRERS_SHOWN: i64 = 10;
/// Referring records counted before "at least".
pub const REFERRERS_COUNTED: i64 = 1000;

/// The records referring to record `id` of `register`, by register and field, for a user who
/// may view it: only registers the user may view, only records in their scope. Child tables
/// are left out (their rows are shown inside their parent's record).
pub async fn referrers(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    id: i64,
    translate: Translate<'_>,
) -> Result<Vec<Referrers>, AppError> {
    super::require(user, register, Action::View)?;
    let key = register.key();
    let mut found = Vec::new();
    for other in crate::modules::registers().filter(|other| other.parent.is_none() && user.may(other, Action::View)) {
        for field in other.fields.iter().filter(|field| refers_to(field, &key)) {
            if let Some(group) = group(conn, user, other, field, id, translate).await? {
                found.push(group);
            }
        }
    }
    Ok(found)
}

fn refers_to(field: &Field, key: &str) -> bool {
    matches!(field.kind, Kind::Reference(Target::Register(target)) if target == key)
}

async fn group(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    other: &'static Register,
    field: &'static Field,
    id: i64,
    translate: Translate<'_>,
) -> Result<Option<Referrers>, AppError> {
    let matching = Sql::all([
        Sql::new("r.deleted_at IS NULL"),
        visible(user, "r"),
        Sql::new("r.").push(field.name).push(" = ").append(bind_value(&Value::Id(id))),
    ]);
    let Some(sort) = sort_column(other, "", None) else { return Err(AppError::Internal) };
    // In the order the reference's index holds (`<field>, <sort>, id`), read to the cap.
    let n = count_up_to(conn, other, matching.clone(), Some(sort), REFERRERS_COUNTED + 1).await?;
    if n == 0 {
        return Ok(None);
    }
    let custom = custom_fields(conn, other).await?;
    let selection = Selection { matching, sort, listed: listed_extra(&custom) };
    // Its list's columns but the reference itself (every row names the same record).
    let fields: Vec<&'static Field> =
        other.list.iter().filter(|name| **name != field.name).filter_map(|name| other.field(name)).collect();
    let rows = read(conn, other, &selection, None, &fields, REFERRERS_SHOWN).await?;
    let texts = Texts::new(other, translate);
    let rows = rows
        .into_iter()
        .map(|row| {
            let values = decode(other, &row.data);
            let labels = extra(&row.labels);
            let summary: Vec<String> = fields
                .iter()
                .map(|field| texts.cell(field, values.get(field.name), labels.get(field.name)))
                .filter(|cell| !cell.is_empty())
                .collect();
            Referrer { id: row.id, number: row.number, summary: summary.join(" · ") }
        })
        .collect();
    let count = if n > REFERRERS_COUNTED { Count::AtLeast(REFERRERS_COUNTED as u64) } else { Count::Exact(n as u64) };
    Ok(Some(Referrers {
        module: other.module.to_owned(),
        register: other.name.to_owned(),
        field: field.name.to_owned(),
        title: translate(&other.title_key()),
        field_label: translate(&other.label_key(field.name)),
        filterable: other.filters.contains(&field.name),
        count,
        rows,
    }))
}
