//! Permission codes (page and action level) and data scopes.
//!
//! A role is a set of these codes plus one data scope. The server checks both on every
//! server function and endpoint; the UI only uses them to decide what to show.

use serde::{Deserialize, Serialize};

/// How much of the data a role may see, from widest to narrowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DataScope {
    /// Only the user's own records (the public, enterprise users).
    SelfOnly,
    /// The user's own grid (grid workers).
    Grid,
    /// The user's own village or community.
    Village,
    /// The user's own township.
    Township,
    /// Every township of the county (集约建设: the county's data centre).
    County,
}

impl DataScope {
    pub const ALL: [DataScope; 5] =
        [DataScope::County, DataScope::Township, DataScope::Village, DataScope::Grid, DataScope::SelfOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            DataScope::SelfOnly => "self",
            DataScope::Grid => "grid",
            DataScope::Village => "village",
            DataScope::Township => "township",
            DataScope::County => "county",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == value)
    }
}

/// Every permission code, grouped by module. The UI label of `x.y` is the i18n key `perm.x.y`.
pub mod codes {
    pub const DASHBOARD_VIEW: &str = "dashboard.view";
    pub const SCREEN_VIEW: &str = "screen.view";
    pub const BASEDATA_VIEW: &str = "basedata.view";
    pub const PERSONAL_DATA_VIEW: &str = "basedata.personal";
    pub const USERS_VIEW: &str = "users.view";
    pub const USERS_MANAGE: &str = "users.manage";
    pub const ENTERPRISES_APPROVE: &str = "users.approve";
    pub const ROLES_VIEW: &str = "roles.view";
    pub const ROLES_MANAGE: &str = "roles.manage";
    pub const AUDIT_VIEW: &str = "audit.view";
    pub const PROFILE_VIEW: &str = "profile.view";
}

/// All codes in display order; a role editor offers exactly these.
pub const ALL_PERMISSIONS: &[&str] = &[
    codes::DASHBOARD_VIEW,
    codes::SCREEN_VIEW,
    codes::BASEDATA_VIEW,
    codes::PERSONAL_DATA_VIEW,
    codes::USERS_VIEW,
    codes::USERS_MANAGE,
    codes::ENTERPRISES_APPROVE,
    codes::ROLES_VIEW,
    codes::ROLES_MANAGE,
    codes::AUDIT_VIEW,
    codes::PROFILE_VIEW,
];

pub fn is_known(code: &str) -> bool {
    ALL_PERMISSIONS.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_order_from_narrow_to_wide() {
        for scope in DataScope::ALL {
            assert_eq!(DataScope::parse(scope.as_str()), Some(scope));
        }
        assert!(DataScope::County > DataScope::Township);
        assert!(DataScope::Grid > DataScope::SelfOnly);
        assert_eq!(DataScope::parse("planet"), None);
    }
}
