//! The choices of a reference or user field's select: at most [`MAX_OPTIONS`] records the
//! user may see, whose name starts with what they typed.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::{base_table, name_field, require, target, visible};
use crate::accounts::SessionUser;
use crate::engine::declare::{Kind, Register, Target};
use crate::engine::record::Action;
use crate::error::{AppError, ErrorCode};
use crate::scope::ScopeFilter;
use crate::sql::Sql;

pub const MAX_OPTIONS: i64 = 50;
/// The longest search text (characters).
const MAX_SEARCH: usize = 50;

/// `(id, name)` of what `field` of `register` may point at, by name.
pub async fn reference_options(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    field: &str,
    q: &str,
) -> Result<Vec<(i64, String)>, AppError> {
    // Whoever may fill the register's form may see the names its selects offer.
    let may_fill = [Action::View, Action::Create, Action::Edit].into_iter().any(|action| user.may(register, action));
    if !may_fill {
        require(user, register, Action::View)?;
    }
    let q = q.trim();
    if q.chars().count() > MAX_SEARCH {
        return Err(AppError::field("q", ErrorCode::PagingSearchTooLong));
    }
    let Some(declared) = register.field(field) else {
        return Err(AppError::field("field", ErrorCode::FieldUnknown));
    };
    let scope = ScopeFilter::for_user(user);
    // The table (alias t), the condition on it, the name column.
    let (from, name): (Sql, &'static str) = match declared.kind {
        Kind::Reference(Target::Register(key)) => {
            let Some(other) = target(register, key) else {
                tracing::error!(register = %register.key(), field, key, "reference to an unknown register");
                return Err(AppError::Internal);
            };
            let Some(name) = name_field(other) else { return Ok(Vec::new()) };
            let from = Sql::new("reg.")
                .push(other.table)
                .push(" t WHERE t.deleted_at IS NULL AND ")
                .append(visible(user, "t"));
            (from, name.name)
        }
        Kind::Reference(base) => {
            let Some((table, name)) = base_table(base) else { return Ok(Vec::new()) };
            let condition = match base {
                Target::Village => scope.villages("t"),
                Target::Grid => scope.grids("t"),
                Target::EventCategory => Sql::new("t.active"),
                Target::Department => Sql::new("t.township_id = ").bind(user.township_id),
                _ => scope.rows("t"),
            };
            (Sql::new(table).push(" t WHERE ").append(condition), name)
        }
        Kind::User | Kind::Users => {
            (Sql::new("users t WHERE t.status = 'active' AND t.township_id = ").bind(user.township_id), "display_name")
        }
        _ => return Err(AppError::field("field", ErrorCode::FieldUnknown)),
    };
    #[derive(QueryableByName)]
    struct Option_ {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let mut sql =
        Sql::new("SELECT t.id::bigint AS id, coalesce(t.").push(name).push("::text, '') AS name FROM ").append(from);
    if !q.is_empty() {
        sql = sql.push(" AND t.").push(name).push("::text LIKE ").bind(crate::sql::starts_with(q));
    }
    let options: Vec<Option_> =
        sql.push(" ORDER BY t.").push(name).push(", t.id LIMIT ").bind(MAX_OPTIONS).query().load(conn).await?;
    Ok(options.into_iter().map(|option| (option.id, option.name)).collect())
}
