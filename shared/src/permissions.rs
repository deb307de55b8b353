//! Permission codes (page and action level) and data scopes (R-8.7.2).
//!
//! A role is a set of these codes plus one data scope. The server checks both on every
//! server function and endpoint; the UI only uses them to decide what to show.

use serde::{Deserialize, Serialize};

/// How much of the data a role may see, from widest to narrowest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
#[cfg_attr(feature = "ssr", diesel(sql_type = diesel::sql_types::Text))]
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

#[cfg(feature = "ssr")]
crate::sql::text_enum!(DataScope);

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

crate::code_enum::code_enum! {
    /// Every permission, grouped by module, in the order the role editor shows them. The
    /// stored code of `EventsHandle` is `events.handle` (text in `roles.permissions`); its UI
    /// label is the i18n key `perm.events.handle`.
    pub enum Permission in "perm" {
        DashboardView = "dashboard.view",
        ScreenView = "screen.view",
        BasedataView = "basedata.view",
        PersonalDataView = "basedata.personal",
        /// Reveal one resident's ID or mobile number in the clear, each reveal audited.
        PersonalDataUnmask = "basedata.unmask",
        UsersView = "users.view",
        UsersManage = "users.manage",
        EnterprisesApprove = "users.approve",
        RolesView = "roles.view",
        RolesManage = "roles.manage",
        /// See the live sessions and end any at once (security administrator).
        SessionsManage = "sessions.manage",
        /// Create the run-time registers (专项台账) of the deployment.
        RegistersManage = "registers.manage",
        /// Issue and revoke other systems' API keys, read their calls (the service layer).
        InterfacesManage = "interfaces.manage",
        AuditView = "audit.view",
        /// The operations page: health, backups and restore drills (system administrator).
        OpsView = "ops.view",
        ProfileView = "profile.view",
        /// Report an event (every kind of user).
        EventsReport = "events.report",
        /// Enter an event on behalf of a citizen (hotline, walk-in).
        EventsEnter = "events.enter",
        /// Read events within the data scope: inbox, detail, map.
        EventsView = "events.view",
        /// 立案, 不予立案, 合并.
        EventsAccept = "events.accept",
        /// 派遣, 改派, 挂起, 恢复, the command view.
        EventsDispatch = "events.dispatch",
        /// 签收, 退回, 办结, 上报上级.
        EventsHandle = "events.handle",
        /// 核查.
        EventsVerify = "events.verify",
        /// 结案, 重新打开.
        EventsClose = "events.close",
        /// 督办.
        EventsSupervise = "events.supervise",
        /// Statistics and exports.
        EventsStats = "events.stats",
        /// Categories, deadlines, routing table, working calendar.
        EventsConfigure = "events.configure",
    }
}

/// Short names for the permissions, as the checks read them: `user.can(codes::EVENTS_VIEW)`.
pub mod codes {
    use super::Permission;

    pub const DASHBOARD_VIEW: Permission = Permission::DashboardView;
    pub const SCREEN_VIEW: Permission = Permission::ScreenView;
    pub const BASEDATA_VIEW: Permission = Permission::BasedataView;
    pub const PERSONAL_DATA_VIEW: Permission = Permission::PersonalDataView;
    pub const PERSONAL_DATA_UNMASK: Permission = Permission::PersonalDataUnmask;
    pub const USERS_VIEW: Permission = Permission::UsersView;
    pub const USERS_MANAGE: Permission = Permission::UsersManage;
    pub const ENTERPRISES_APPROVE: Permission = Permission::EnterprisesApprove;
    pub const ROLES_VIEW: Permission = Permission::RolesView;
    pub const ROLES_MANAGE: Permission = Permission::RolesManage;
    pub const SESSIONS_MANAGE: Permission = Permission::SessionsManage;
    pub const REGISTERS_MANAGE: Permission = Permission::RegistersManage;
    pub const INTERFACES_MANAGE: Permission = Permission::InterfacesManage;
    pub const AUDIT_VIEW: Permission = Permission::AuditView;
    pub const OPS_VIEW: Permission = Permission::OpsView;
    pub const PROFILE_VIEW: Permission = Permission::ProfileView;
    pub const EVENTS_REPORT: Permission = Permission::EventsReport;
    pub const EVENTS_ENTER: Permission = Permission::EventsEnter;
    pub const EVENTS_VIEW: Permission = Permission::EventsView;
    pub const EVENTS_ACCEPT: Permission = Permission::EventsAccept;
    pub const EVENTS_DISPATCH: Permission = Permission::EventsDispatch;
    pub const EVENTS_HANDLE: Permission = Permission::EventsHandle;
    pub const EVENTS_VERIFY: Permission = Permission::EventsVerify;
    pub const EVENTS_CLOSE: Permission = Permission::EventsClose;
    pub const EVENTS_SUPERVISE: Permission = Permission::EventsSupervise;
    pub const EVENTS_STATS: Permission = Permission::EventsStats;
    pub const EVENTS_CONFIGURE: Permission = Permission::EventsConfigure;
}

/// A set of permissions (a user's, the union of their roles'). Serialized as the list of
/// codes, as the plain `Vec<String>` it replaces was.
pub type PermissionSet = std::collections::BTreeSet<Permission>;

/// A role's stored codes, parsed: the fixed permissions of the registry above, and the
/// register permissions of the module engine (`m.<module>.<register>.<action>`, see
/// [`crate::engine::Action`]), which are as many as the declared registers and their workflows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    pub permissions: Vec<Permission>,
    pub records: Vec<String>,
}

/// Whether `code` is a register permission some declared register has: `m.`, a register
/// named by [`crate::modules::register`], and one of its actions ([`crate::engine::Action::of`]);
/// or a run-time register's (`m.ledger.<name>.<fixed action>`).
pub fn is_record_code(code: &str) -> bool {
    let Some(rest) = code.strip_prefix("m.") else { return false };
    let mut parts = rest.splitn(3, '.');
    let (Some(module), Some(name), Some(action)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // A run-time register's codes are known by their shape: a process that has not yet read a
    // register made on another keeps its users' grants of it (`engine::service::runtime`).
    if module == crate::engine::runtime::RUNTIME_MODULE {
        return crate::engine::runtime::valid_name(name).is_ok()
            && crate::engine::Action::FIXED.iter().any(|known| known.name() == action);
    }
    crate::modules::register(module, name)
        .is_some_and(|register| crate::engine::Action::of(register).any(|known| known.name() == action))
}

/// Parses stored permission codes (one role's, or several roles' together), in their stored
/// order. A code that is neither in the registry nor a declared register's action (a role
/// edited by hand in the database, a permission or register removed from the code) grants
/// nothing: it is logged as an error, never mapped to another permission.
#[cfg(feature = "ssr")]
pub fn parse_stored<'a>(role: &str, stored: impl IntoIterator<Item = &'a str>) -> Grants {
    let mut grants = Grants::default();
    for code in stored.into_iter().filter(|code| !code.is_empty()) {
        if let Some(permission) = Permission::parse(code) {
            grants.permissions.push(permission);
        } else if is_record_code(code) {
            grants.records.push(code.to_owned());
        } else {
            tracing::error!(role, code, "unknown permission code in the database, ignored");
        }
    }
    grants
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

    #[test]
    fn permissions_round_trip_through_their_codes_and_keys() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(*permission));
            assert_eq!(permission.i18n_key(), format!("perm.{}", permission.as_str()));
        }
        assert_eq!(Permission::EventsHandle.as_str(), "events.handle");
        assert_eq!(Permission::parse("launch.missiles"), None);
        assert_eq!(Permission::ALL.len(), 27);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_codes_keep_their_order_and_unknown_ones_grant_nothing() {
        let stored = [
            "events.view",
            "",
            "launch.missiles",
            "m.party.members.view",
            "m.party.members.fly",
            "m.x.y.view",
            "dashboard.view",
        ];
        let grants = parse_stored("custom", stored);
        assert_eq!(grants.permissions, vec![Permission::EventsView, Permission::DashboardView]);
        assert_eq!(grants.records, vec!["m.party.members.view".to_owned()]);
    }

    #[test]
    fn permissions_cross_the_wire_as_their_codes() {
        let set: PermissionSet = [Permission::EventsView, Permission::DashboardView].into_iter().collect();
        let json = serde_json::to_string(&set).expect("serializes");
        assert_eq!(json, r#"["dashboard.view","events.view"]"#);
        assert_eq!(serde_json::from_str::<PermissionSet>(&json).expect("deserializes"), set);
        assert!(serde_json::from_str::<Permission>(r#""launch.missiles""#).is_err());
    }
}
