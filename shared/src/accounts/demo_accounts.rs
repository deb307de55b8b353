//! The demo township's accounts: one per built-in role, all with the same password. The
//! server seeds them in demo mode; the login page lists them there. Outside demo mode no
//! account has a default password.

use super::builtin_roles as role;

pub const DEMO_PASSWORD: &str = "Tongguan@2026";

pub struct DemoAccount {
    pub username: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub note: &'static str,
}

pub const STAFF: &[DemoAccount] = &[
    DemoAccount {
        username: "sysadmin", name: "周立群", role: role::SYSTEM_ADMIN, note: "系统管理员：用户与配置"
    },
    DemoAccount {
        username: "secadmin", name: "钱文静", role: role::SECURITY_ADMIN, note: "安全管理员：角色与权限"
    },
    DemoAccount {
        username: "auditor", name: "孙明哲", role: role::AUDITOR, note: "审计管理员：只读审计日志"
    },
    DemoAccount {
        username: "county", name: "陆志远", role: role::COUNTY_LEADER, note: "市级领导：全市数据"
    },
    DemoAccount {
        username: "leader", name: "顾海峰", role: role::TOWN_LEADER, note: "镇领导：全镇态势、大屏"
    },
    DemoAccount {
        username: "staff", name: "沈晓燕", role: role::TOWN_STAFF, note: "指挥中心：受理、派遣、核查、结案"
    },
    DemoAccount {
        username: "village",
        name: "徐建华",
        role: role::VILLAGE_STAFF,
        note: "村（社区）工作人员：本村数据",
    },
    DemoAccount {
        username: "grid", name: "陈雨婷", role: role::GRID_WORKER, note: "网格员：巡查上报、现场核查"
    },
    DemoAccount {
        username: "handler",
        name: "王振东",
        role: role::DEPARTMENT_HANDLER,
        note: "部门处置人员：综合行政执法队",
    },
];

pub const PUBLIC: DemoAccount =
    DemoAccount { username: "13800000001", name: "林小雨", role: role::PUBLIC, note: "社会公众" };
pub const ENTERPRISE: DemoAccount =
    DemoAccount {
        username: "13800000002", name: "吴国栋", role: role::ENTERPRISE, note: "企业用户（已审核）"
    };
pub const PENDING_ENTERPRISE: DemoAccount =
    DemoAccount {
        username: "13800000003", name: "郑美玲", role: role::ENTERPRISE, note: "企业用户（待审核）"
    };

/// Every demo account in display order.
pub fn all() -> impl Iterator<Item = &'static DemoAccount> {
    STAFF.iter().chain([&PUBLIC, &ENTERPRISE, &PENDING_ENTERPRISE])
}
