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
    /// Report an event (every kind of user).
    pub const EVENTS_REPORT: &str = "events.report";
    /// Enter an event on behalf of a citizen (hotline, walk-in).
    pub const EVENTS_ENTER: &str = "events.enter";
    /// Read events within the data scope: inbox, detail, map.
    pub const EVENTS_VIEW: &str = "events.view";
    /// 立案, 不予立案, 合并.
    pub const EVENTS_ACCEPT: &str = "events.accept";
    /// 派遣, 改派, 挂起, 恢复, the command view.
    pub const EVENTS_DISPATCH: &str = "events.dispatch";
    /// 签收, 退回, 办结, 上报上级.
    pub const EVENTS_HANDLE: &str = "events.handle";
    /// 核查.
    pub const EVENTS_VERIFY: &str = "events.verify";
    /// 结案, 重新打开.
    pub const EVENTS_CLOSE: &str = "events.close";
    /// 督办.
    pub const EVENTS_SUPERVISE: &str = "events.supervise";
    /// Statistics and exports.
    pub const EVENTS_STATS: &str = "events.stats";
    /// Categories, deadlines, routing table, working calendar.
    pub const EVENTS_CONFIGURE: &str = "events.configure";
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
    codes::EVENTS_REPORT,
    codes::EVENTS_ENTER,
    codes::EVENTS_VIEW,
    codes::EVENTS_ACCEPT,
    codes::EVENTS_DISPATCH,
    codes::EVENTS_HANDLE,
    codes::EVENTS_VERIFY,
    codes::EVENTS_CLOSE,
    codes::EVENTS_SUPERVISE,
    codes::EVENTS_STATS,
    codes::EVENTS_CONFIGURE,
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
