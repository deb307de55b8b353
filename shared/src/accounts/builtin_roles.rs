//! The roles every deployment starts with. Built-in roles are read-only; the security
//! administrator creates further roles from the same permission codes.
//!
//! The three administrators are separated as GB/T 22239 asks: the system administrator
//! manages users and configuration but cannot read the audit log; the security
//! administrator manages roles and policies; the auditor only reads the audit log.

use crate::engine::declare::{Domain, Place, Register};
use crate::engine::record::Action;
use crate::permissions::{DataScope, Permission, codes::*};

/// The three administrators' duties, by the permissions that make each: no role, built-in or
/// custom, may hold permissions of two of them (GB/T 22239 8.1.4.2 d, 8.1.5).
pub const DUTIES: [&[Permission]; 3] = [
    // System administration: accounts, interfaces, operations.
    &[USERS_MANAGE, INTERFACES_MANAGE, OPS_VIEW],
    // Security administration: roles and sessions.
    &[ROLES_MANAGE, SESSIONS_MANAGE],
    // Audit.
    &[AUDIT_VIEW],
];

/// How many of the three duties `permissions` reach into.
pub fn duties_held(permissions: &[Permission]) -> usize {
    DUTIES.iter().filter(|duty| duty.iter().any(|p| permissions.contains(p))).count()
}

pub struct BuiltinRole {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub permissions: &'static [Permission],
    /// Its actions on the module engine's registers.
    pub records: RecordGrants,
    pub scope: DataScope,
}

/// What a built-in role may do on the registers of the module engine, as a rule over the
/// registry (`crate::modules`): a register added to a module is granted to the roles at the
/// next start, without a code listed by hand. The rules below are for the township's business
/// registers; the operation records ([`Domain::Operations`]) are the system administrator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordGrants {
    None,
    /// Every action of every business register, workflow steps included (the township's
    /// leaders run its registers and sign their documents); the operation records read.
    All,
    /// View and export every register (the county reads what the townships keep).
    Read,
    /// View, create, edit and export every register.
    Staff,
    /// View and create on the registers whose records belong to a village or a grid.
    Village,
    /// View and create on the registers whose records belong to a grid (a village-level record
    /// lies outside a grid worker's scope: they could not see what they wrote).
    Grid,
    /// Add and change the registers' custom fields (system configuration), and keep the
    /// records of the platform's operation: every action on them but deleting one.
    Operations,
}

impl RecordGrants {
    /// Whether the rule grants `action` on `register`.
    pub fn grants(self, register: &Register, action: Action) -> bool {
        match register.domain {
            Domain::Business => self.grants_business(register, action),
            Domain::Operations => match self {
                RecordGrants::All => matches!(action, Action::View | Action::Export),
                RecordGrants::Operations => action != Action::Delete,
                _ => false,
            },
        }
    }

    fn grants_business(self, register: &Register, action: Action) -> bool {
        let basic = matches!(action, Action::View | Action::Create);
        match self {
            RecordGrants::None => false,
            RecordGrants::All => true,
            RecordGrants::Read => matches!(action, Action::View | Action::Export),
            RecordGrants::Staff => matches!(action, Action::View | Action::Create | Action::Edit | Action::Export),
            RecordGrants::Village => basic && matches!(register.place, Place::Village | Place::Grid),
            RecordGrants::Grid => basic && register.place == Place::Grid,
            RecordGrants::Operations => action == Action::Configure,
        }
    }

    /// The permission codes the rule grants on every declared register.
    pub fn codes(self) -> Vec<String> {
        crate::modules::registers()
            .flat_map(|register| {
                Action::of(register)
                    .filter(move |action| self.grants(register, *action))
                    .map(|action| action.code(register))
            })
            .collect()
    }
}

pub const SYSTEM_ADMIN: &str = "system_admin";
pub const SECURITY_ADMIN: &str = "security_admin";
pub const AUDITOR: &str = "auditor";
pub const COUNTY_LEADER: &str = "county_leader";
pub const TOWN_LEADER: &str = "town_leader";
pub const TOWN_STAFF: &str = "town_staff";
pub const VILLAGE_STAFF: &str = "village_staff";
pub const GRID_WORKER: &str = "grid_worker";
pub const DEPARTMENT_HANDLER: &str = "department_handler";
pub const ENTERPRISE: &str = "enterprise";
pub const PUBLIC: &str = "public";

pub const BUILTIN_ROLES: &[BuiltinRole] = &[
    BuiltinRole {
        code: SYSTEM_ADMIN,
        name: "系统管理员",
        description: "管理用户账号与系统配置，运行维护与备份；不能查看审计日志",
        permissions: &[
            DASHBOARD_VIEW,
            USERS_VIEW,
            USERS_MANAGE,
            ENTERPRISES_APPROVE,
            EVENTS_CONFIGURE,
            REGISTERS_MANAGE,
            INTERFACES_MANAGE,
            OPS_VIEW,
            PROFILE_VIEW,
        ],
        records: RecordGrants::Operations,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: SECURITY_ADMIN,
        name: "安全管理员",
        description: "管理角色、权限与安全策略，查看并结束在线会话",
        permissions: &[DASHBOARD_VIEW, ROLES_VIEW, ROLES_MANAGE, SESSIONS_MANAGE, USERS_VIEW, PROFILE_VIEW],
        records: RecordGrants::None,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: AUDITOR,
        name: "审计管理员",
        description: "只读审计日志并校验其完整性",
        permissions: &[AUDIT_VIEW, PROFILE_VIEW],
        records: RecordGrants::None,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: COUNTY_LEADER,
        name: "市级领导",
        description: "查看全市各镇的态势与基础数据，督办事件",
        permissions: &[
            DASHBOARD_VIEW,
            SCREEN_VIEW,
            BASEDATA_VIEW,
            EVENTS_VIEW,
            EVENTS_SUPERVISE,
            EVENTS_STATS,
            PROFILE_VIEW,
        ],
        records: RecordGrants::Read,
        scope: DataScope::County,
    },
    BuiltinRole {
        code: TOWN_LEADER,
        name: "镇领导",
        description: "查看全镇态势、大屏与基础数据，督办事件",
        permissions: &[
            DASHBOARD_VIEW,
            SCREEN_VIEW,
            BASEDATA_VIEW,
            EVENTS_VIEW,
            EVENTS_SUPERVISE,
            EVENTS_STATS,
            PROFILE_VIEW,
        ],
        records: RecordGrants::All,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: TOWN_STAFF,
        name: "镇工作人员",
        description: "指挥中心受理、立案、派遣、核查、结案；查看全镇基础数据（含个人信息，可逐条查看明文）",
        permissions: &[
            DASHBOARD_VIEW,
            SCREEN_VIEW,
            BASEDATA_VIEW,
            PERSONAL_DATA_VIEW,
            PERSONAL_DATA_UNMASK,
            ENTERPRISES_APPROVE,
            USERS_VIEW,
            EVENTS_REPORT,
            EVENTS_ENTER,
            EVENTS_VIEW,
            EVENTS_ACCEPT,
            EVENTS_DISPATCH,
            EVENTS_VERIFY,
            EVENTS_CLOSE,
            EVENTS_STATS,
            PROFILE_VIEW,
        ],
        records: RecordGrants::Staff,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: VILLAGE_STAFF,
        name: "村（社区）工作人员",
        description: "办理本村（社区）事务，查看本村（社区）基础数据（可逐条查看个人信息明文）",
        permissions: &[
            DASHBOARD_VIEW,
            BASEDATA_VIEW,
            PERSONAL_DATA_VIEW,
            PERSONAL_DATA_UNMASK,
            EVENTS_REPORT,
            EVENTS_ENTER,
            EVENTS_VIEW,
            EVENTS_HANDLE,
            EVENTS_VERIFY,
            PROFILE_VIEW,
        ],
        records: RecordGrants::Village,
        scope: DataScope::Village,
    },
    BuiltinRole {
        code: GRID_WORKER,
        name: "网格员",
        description: "巡查本网格、上报与自行处置、现场核查，查看本网格基础数据",
        permissions: &[
            DASHBOARD_VIEW,
            BASEDATA_VIEW,
            PERSONAL_DATA_VIEW,
            EVENTS_REPORT,
            EVENTS_VIEW,
            EVENTS_HANDLE,
            EVENTS_VERIFY,
            PROFILE_VIEW,
        ],
        records: RecordGrants::Grid,
        scope: DataScope::Grid,
    },
    BuiltinRole {
        code: DEPARTMENT_HANDLER,
        name: "部门处置人员",
        description: "签收、处置派遣给本部门的事件",
        permissions: &[EVENTS_REPORT, EVENTS_VIEW, EVENTS_HANDLE, PROFILE_VIEW],
        records: RecordGrants::None,
        scope: DataScope::Township,
    },
    BuiltinRole {
        code: ENTERPRISE,
        name: "企业用户",
        description: "已认证的企业账号",
        permissions: &[EVENTS_REPORT, PROFILE_VIEW],
        records: RecordGrants::None,
        scope: DataScope::SelfOnly,
    },
    BuiltinRole {
        code: PUBLIC,
        name: "社会公众",
        description: "以手机号注册的公众账号",
        permissions: &[EVENTS_REPORT, PROFILE_VIEW],
        records: RecordGrants::None,
        scope: DataScope::SelfOnly,
    },
];

pub fn find(code: &str) -> Option<&'static BuiltinRole> {
    BUILTIN_ROLES.iter().find(|role| role.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_role_lists_a_permission_twice() {
        for role in BUILTIN_ROLES {
            let mut seen = role.permissions.to_vec();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), role.permissions.len(), "{} lists a permission twice", role.code);
        }
    }

    #[test]
    fn register_grants_follow_the_registry() {
        let members = &crate::party::MEMBERS;
        let organisations = &crate::party::ORGANISATIONS;
        let all = RecordGrants::All.codes();
        // Every action of the business registers; view and export of the operation records.
        let actions = |register: &'static Register| match register.domain {
            Domain::Business => Action::of(register).count(),
            Domain::Operations => 2,
        };
        assert_eq!(all.len(), crate::modules::registers().map(actions).sum::<usize>());
        assert!(all.iter().all(|code| crate::permissions::is_record_code(code)));
        assert!(
            RecordGrants::Staff.grants(members, Action::Edit) && !RecordGrants::Staff.grants(members, Action::Delete)
        );
        // Members belong to grids, organisations to villages.
        assert!(
            RecordGrants::Grid.grants(members, Action::Create)
                && !RecordGrants::Grid.grants(organisations, Action::View)
        );
        assert!(RecordGrants::Village.grants(organisations, Action::Create));
        assert!(!RecordGrants::Village.grants(organisations, Action::Edit));
        assert!(RecordGrants::None.codes().is_empty());
        // The operation records are the system administrator's, who only configures the rest.
        let faults = &crate::maintenance::FAULTS;
        let ops = RecordGrants::Operations;
        assert!(ops.grants(faults, Action::Step("close")) && ops.grants(faults, Action::Export));
        assert!(!ops.grants(faults, Action::Delete));
        assert!(ops.grants(members, Action::Configure) && !ops.grants(members, Action::View));
        assert!(RecordGrants::All.grants(faults, Action::View) && !RecordGrants::All.grants(faults, Action::Create));
        for rule in [RecordGrants::Read, RecordGrants::Staff, RecordGrants::Village, RecordGrants::Grid] {
            assert!(Action::of(faults).all(|action| !rule.grants(faults, action)), "{rule:?}");
        }
    }

    #[test]
    fn duties_are_separated() {
        let sys = find(SYSTEM_ADMIN).map(|r| r.permissions).unwrap_or_default();
        let sec = find(SECURITY_ADMIN).map(|r| r.permissions).unwrap_or_default();
        let aud = find(AUDITOR).map(|r| r.permissions).unwrap_or_default();
        assert!(!sys.contains(&AUDIT_VIEW) && !sys.contains(&ROLES_MANAGE));
        assert!(!sec.contains(&AUDIT_VIEW) && !sec.contains(&USERS_MANAGE));
        assert_eq!(aud, &[AUDIT_VIEW, PROFILE_VIEW]);
        for role in BUILTIN_ROLES {
            assert!(duties_held(role.permissions) <= 1, "{} holds more than one duty", role.code);
        }
    }
}
