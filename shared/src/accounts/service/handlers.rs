//! Who holds a permission: what other modules ask of the accounts module instead of reading
//! users and roles themselves (the events module's assignees, notifications and the check
//! that a person may be given an event).

use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppError;
use crate::permissions::Permission;

/// An active staff member of a township holding a permission.
#[derive(Debug, Clone, PartialEq, Eq, diesel::QueryableByName)]
pub struct Holder {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub department_id: Option<i32>,
    /// The name of (one of) the roles granting it.
    #[diesel(sql_type = Text)]
    pub role: String,
}

/// Active staff of the township holding `permission` through any of their roles, by id.
pub async fn handlers_with(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    permission: Permission,
) -> Result<Vec<Holder>, AppError> {
    Ok(diesel::sql_query(
        "SELECT DISTINCT ON (u.id) u.id, u.display_name AS name, u.department_id, r.name AS role \
         FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
         WHERE u.township_id = $1 AND u.status = 'active' AND u.kind = 'staff' AND $2 = ANY (r.permissions) \
         ORDER BY u.id",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Text, _>(permission.as_str())
    .load(conn)
    .await?)
}

/// Whether `user_id` is an active user of the township holding `permission`.
pub async fn holds(
    conn: &mut AsyncPgConnection,
    user_id: i64,
    township_id: i32,
    permission: Permission,
) -> Result<bool, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok: bool,
    }
    let found: Found = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
           WHERE u.id = $1 AND u.township_id = $2 AND u.status = 'active' AND $3 = ANY (r.permissions)) AS ok",
    )
    .bind::<BigInt, _>(user_id)
    .bind::<Integer, _>(township_id)
    .bind::<Text, _>(permission.as_str())
    .get_result(conn)
    .await?;
    Ok(found.ok)
}

/// The active users among `users`, the members of `departments` in the township, and
/// everyone in the township holding any of `permissions`: the people a notification reaches.
pub async fn recipients(
    conn: &mut AsyncPgConnection,
    township_id: i32,
    users: &[i64],
    departments: &[i32],
    permissions: &[Permission],
) -> Result<Vec<i64>, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let permissions: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT u.id FROM users u \
         WHERE u.status = 'active' AND (u.id = ANY($2) \
            OR (u.township_id = $1 AND u.department_id = ANY($3)) \
            OR (u.township_id = $1 AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
                                               WHERE ur.user_id = u.id AND r.permissions && $4))) \
         ORDER BY u.id",
    )
    .bind::<Integer, _>(township_id)
    .bind::<Array<BigInt>, _>(users)
    .bind::<Array<Integer>, _>(departments)
    .bind::<Array<Text>, _>(permissions)
    .load(conn)
    .await?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}
