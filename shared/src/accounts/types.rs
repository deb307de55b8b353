//! Account types seen by the browser: never a password hash, never a session token.

use serde::{Deserialize, Serialize};

use crate::permissions::{DataScope, Permission, PermissionSet};

/// The three kinds of user of clause 8.7.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum UserKind {
    /// 管理人员: township, village and grid staff.
    Staff,
    /// 企业用户: registered against a unified social credit code, approved by staff.
    Enterprise,
    /// 社会公众: registered with a mobile number.
    Public,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Staff => "staff",
            UserKind::Enterprise => "enterprise",
            UserKind::Public => "public",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        [UserKind::Staff, UserKind::Enterprise, UserKind::Public].into_iter().find(|k| k.as_str() == value)
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(UserKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
pub enum UserStatus {
    Active,
    /// An enterprise registration waiting for staff approval.
    Pending,
    Rejected,
    Disabled,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Pending => "pending",
            UserStatus::Rejected => "rejected",
            UserStatus::Disabled => "disabled",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        [UserStatus::Active, UserStatus::Pending, UserStatus::Rejected, UserStatus::Disabled]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

#[cfg(feature = "ssr")]
crate::sql::text_enum!(UserStatus);

/// The logged-in user as every page and server function sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: UserKind,
    pub township_id: i32,
    pub township_name: String,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    /// The department a handler works in (events dispatched there are theirs to handle).
    pub department_id: Option<i32>,
    pub role_names: Vec<String>,
    /// The union of the roles' permissions (on the wire: their codes).
    pub permissions: PermissionSet,
    /// The widest scope among the user's roles.
    pub scope: DataScope,
    /// The union of the roles' register permissions (`m.<module>.<register>.<action>`), read
    /// by [`SessionUser::may`] (`crate::engine::access`).
    #[serde(default)]
    pub records: std::collections::BTreeSet<String>,
    /// The registers the user may open, in the order of their declarations, for the menu.
    /// Worked out on the server (`crate::engine::access::viewable`), so the browser's main
    /// wasm carries no declaration: they are in the engine pages' chunk only.
    #[serde(default)]
    pub registers: Vec<crate::engine::RegisterLink>,
    /// Set while the user must change their password first: every other call is refused.
    #[serde(default)]
    pub password_due: Option<PasswordDue>,
    /// Set while the user must enrol a second factor first (an administrator under a policy
    /// that requires one): every other call is refused.
    #[serde(default)]
    pub second_factor_due: bool,
}

/// Whether the caller logs in with a second factor, and whether they must.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
}

/// Recovery codes, shown once: each logs in once in place of the app's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

/// 两步验证管理 (security administrator): who has a second factor, and whether the policy
/// requires it of administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorOverview {
    pub required_of_administrators: bool,
    pub accounts: Vec<SecondFactorAccount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorAccount {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role_names: Vec<String>,
    pub enabled: bool,
    /// Holds an administrator's duty (system, security or audit).
    pub administrator: bool,
    pub recovery_left: i64,
    /// The one looking.
    pub current: bool,
}

/// A secret being enrolled, for the caller's authenticator app: as a QR code and as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorEnrolment {
    /// The secret in base32, for an app that cannot scan.
    pub secret: String,
    /// The `otpauth://totp/…` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG image (made on the server from the URI alone).
    pub qr_svg: String,
}

/// The page that enrols a second factor, and then goes on to `next`.
pub fn second_factor_page(next: &str) -> String {
    format!("/two-factor?next={}", percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC))
}

/// Why a user must choose a new password before doing anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordDue {
    /// An administrator set it (a new account): only its holder should know their password.
    Initial,
    /// Older than the policy allows (`TONGGUAN_PASSWORD_MAX_AGE_DAYS`).
    Expired,
}

/// Where the caller's password stands, for the password page and the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordStatus {
    pub due: Option<PasswordDue>,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// When it expires, if passwords do.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The password page's form: the current password, the new one and its confirmation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub password: String,
    pub password_confirm: String,
}

impl PasswordChange {
    /// Every problem the browser can see at once; the server also checks the current
    /// password and the last passwords.
    pub fn validate(&self, username: &str) -> Result<(), AppError> {
        let current = if self.current_password.is_empty() { Err(ErrorCode::Required) } else { Ok(()) };
        let new = password_policy::validate(&self.password, username).and_then(|()| {
            if self.password == self.current_password { Err(ErrorCode::PasswordReused) } else { Ok(()) }
        });
        Validator::new()
            .check("current_password", current)
            .check("password", new)
            .check("password_confirm", confirm_rule(&self.password, &self.password_confirm))
            .finish()
    }
}

/// A password the system administrator reset: shown to them once, given to its holder by a
/// safe way, and replaced by the holder at their first login.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemporaryPassword {
    pub user_id: i64,
    pub username: String,
    pub password: String,
}

/// The password page, going on to `next` (a local path) once the password is changed.
pub fn password_page(next: &str) -> String {
    format!("/password?next={}", percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC))
}

impl SessionUser {
    /// The user, unless their password is due: then every call but changing it (and logging
    /// out) is refused with 409 `password.change_required`.
    pub fn active(self) -> Result<Self, AppError> {
        if self.password_due.is_some() {
            return Err(AppError::Conflict(ErrorCode::PasswordChangeRequired));
        }
        if self.second_factor_due {
            return Err(AppError::Conflict(ErrorCode::SecondFactorEnrolmentRequired));
        }
        Ok(self)
    }

    /// The page the user must go to before any other, if any: the password first.
    pub fn due_page(&self, next: &str) -> Option<String> {
        if self.password_due.is_some() {
            Some(password_page(next))
        } else if self.second_factor_due {
            Some(second_factor_page(next))
        } else {
            None
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// A row of the user administration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: UserKind,
    pub status: UserStatus,
    pub township_name: String,
    pub roles: Vec<String>,
    pub credit_code: Option<String>,
    pub enterprise_name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A role as shown to the security administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub description: String,
    /// The role's permissions as stored (codes unknown to the registry left out, and logged).
    pub permissions: Vec<Permission>,
    /// The role's register permissions (`m.<module>.<register>.<action>`), as stored.
    pub records: Vec<String>,
    pub scope: DataScope,
    pub builtin: bool,
    pub users: i64,
}

/// A township users can register in (one deployment may host several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownshipOption {
    pub id: i32,
    pub name: String,
}

/// The public's registration form: a mobile number is the login name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PublicRegistration {
    pub township_id: i32,
    pub phone: String,
    pub display_name: String,
    pub password: String,
    pub password_confirm: String,
}

/// An enterprise's registration: checked against its unified social credit code and
/// activated only when township staff approve it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EnterpriseRegistration {
    pub township_id: i32,
    pub credit_code: String,
    pub enterprise_name: String,
    pub contact_name: String,
    pub phone: String,
    pub password: String,
    pub password_confirm: String,
}

/// A staff account created by the system administrator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub password: String,
    pub role_code: String,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
}

use crate::codes::{credit_code, mobile};
use crate::error::{AppError, ErrorCode, Validator};

use super::password_policy;

fn display_name_rule(name: &str) -> Result<(), ErrorCode> {
    let length = name.trim().chars().count();
    if length == 0 {
        Err(ErrorCode::Required)
    } else if length > 40 {
        Err(ErrorCode::TooLong)
    } else {
        Ok(())
    }
}

fn confirm_rule(password: &str, confirm: &str) -> Result<(), ErrorCode> {
    if password == confirm { Ok(()) } else { Err(ErrorCode::PasswordMismatch) }
}

fn username_rule(username: &str) -> Result<(), ErrorCode> {
    let valid = (3..=32).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        && username.starts_with(|c: char| c.is_ascii_alphabetic());
    if valid { Ok(()) } else { Err(ErrorCode::UsernameFormat) }
}

impl PublicRegistration {
    /// Every problem at once, field by field; the server runs the same checks again.
    pub fn validate(&self) -> Result<(), AppError> {
        Validator::new()
            .check("phone", mobile::validate(self.phone.trim()))
            .check("display_name", display_name_rule(&self.display_name))
            .check("password", password_policy::validate(&self.password, self.phone.trim()))
            .check("password_confirm", confirm_rule(&self.password, &self.password_confirm))
            .finish()
    }
}

impl EnterpriseRegistration {
    pub fn validate(&self) -> Result<(), AppError> {
        Validator::new()
            .check("credit_code", credit_code::validate(self.credit_code.trim()))
            .check("enterprise_name", display_name_rule(&self.enterprise_name))
            .check("contact_name", display_name_rule(&self.contact_name))
            .check("phone", mobile::validate(self.phone.trim()))
            .check("password", password_policy::validate(&self.password, self.phone.trim()))
            .check("password_confirm", confirm_rule(&self.password, &self.password_confirm))
            .finish()
    }
}

impl NewStaff {
    pub fn validate(&self) -> Result<(), AppError> {
        let phone = if self.phone.trim().is_empty() { Ok(()) } else { mobile::validate(self.phone.trim()) };
        Validator::new()
            .check("username", username_rule(&self.username))
            .check("display_name", display_name_rule(&self.display_name))
            .check("phone", phone)
            .check("password", password_policy::validate(&self.password, &self.username))
            .check("role_code", if self.role_code.is_empty() { Err(ErrorCode::Required) } else { Ok(()) })
            .finish()
    }
}

/// A live session as the security administrator's 在线用户 page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnlineSession {
    /// The first 16 hex digits of the token's SHA-256: names the session, reveals nothing.
    pub handle: String,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role_names: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user_agent: String,
    /// The session of the one looking.
    pub current: bool,
}
