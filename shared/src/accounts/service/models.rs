//! The accounts tables as the account services read and write them: one struct per query
//! shape, checked against `schema.rs` at compile time (`check_for_backend`), so that a column
//! renamed or retyped in a migration breaks the build here instead of a query at run time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::accounts::{UserKind, UserStatus};
use crate::permissions::DataScope;
use crate::schema::{roles, sessions, townships, user_roles, users};

/// A user as the administration list shows one, with their township's name.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserListing {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: UserKind,
    pub status: UserStatus,
    #[diesel(select_expression = townships::name)]
    pub township_name: String,
    pub credit_code: Option<String>,
    pub enterprise_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// What a login needs to know of the account behind a name.
#[derive(Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct Credentials {
    pub id: i64,
    pub township_id: i32,
    pub password_hash: String,
    pub status: UserStatus,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    /// Set when the account logs in with a second factor too.
    pub totp_secret: Option<String>,
    /// The time step of the last code it accepted.
    pub totp_last_step: Option<i64>,
}

/// A new account of any kind; the columns left `None` take their defaults (NULL).
#[derive(Insertable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct NewUser<'a> {
    pub township_id: i32,
    pub kind: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub password_hash: &'a str,
    pub status: &'a str,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    pub credit_code: Option<&'a str>,
    pub enterprise_name: Option<&'a str>,
    /// An administrator's initial password, to be replaced at the first login.
    pub must_change_password: bool,
}

/// The failed-login counter and the lock it leads to. `None` clears the lock: a changeset
/// of this struct always writes both columns.
#[derive(AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true, check_for_backend(diesel::pg::Pg))]
pub struct LoginCounter {
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// A role as stored.
#[derive(Queryable, Selectable)]
#[diesel(table_name = roles, check_for_backend(diesel::pg::Pg))]
pub struct Role {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub data_scope: DataScope,
    pub builtin: bool,
}

/// A role to insert, or (built-in roles at start-up) to write over the stored one of the same
/// code.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = roles, check_for_backend(diesel::pg::Pg))]
pub struct RoleDefinition<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: &'a [&'a str],
    pub data_scope: &'a str,
    pub builtin: bool,
}

#[derive(Insertable)]
#[diesel(table_name = user_roles, check_for_backend(diesel::pg::Pg))]
pub struct NewUserRole {
    pub user_id: i64,
    pub role_id: i32,
}

#[derive(Insertable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub township_id: i32,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: &'a str,
}
