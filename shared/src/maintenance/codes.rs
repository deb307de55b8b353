//! The maintenance module's code tables. Their labels are `code.<table>.<code>` in the
//! module's locale files.

use crate::engine::declare::CodeTable;

/// What an inspection checks or a fault concerns: the platform's parts, software and hardware
/// (9.4.1 平台及软硬件).
pub static OPS_OBJECT: CodeTable = CodeTable {
    name: "ops_object",
    codes: &["application", "database", "server", "network", "backup", "screens", "sensors", "machine_room"],
};

/// What an inspection found.
pub static INSPECTION_RESULT: CodeTable =
    CodeTable { name: "inspection_result", codes: &["normal", "fixed_on_site", "fault_reported"] };

/// How grave a fault is, in the four levels of GB/T 20986—2023 (网络安全事件分类分级指南):
/// 特别重大, 重大, 较大, 一般.
pub static FAULT_LEVEL: CodeTable =
    CodeTable { name: "fault_level", codes: &["especially_major", "major", "relatively_major", "general"] };

/// The emergencies 9.4.3 names a plan for: 系统故障, 网络故障, 灾害性事件 — and the two a
/// level-3 system adds: 网络安全事件, 数据丢失.
pub static PLAN_KIND: CodeTable = CodeTable {
    name: "plan_kind",
    codes: &["system_fault", "network_fault", "disaster", "security_incident", "data_loss"],
};

/// A plan's standing: 现行, 修订中, 已废止.
pub static PLAN_STATUS: CodeTable = CodeTable { name: "plan_status", codes: &["in_force", "revising", "repealed"] };

/// How a drill is run (GB/T 38645—2020 网络安全事件应急演练指南): 桌面推演 or 实战演练.
pub static DRILL_FORM: CodeTable = CodeTable { name: "drill_form", codes: &["tabletop", "live"] };

/// What a drill covers (GB/T 38645—2020): 单项演练 or 综合演练.
pub static DRILL_SCOPE: CodeTable = CodeTable { name: "drill_scope", codes: &["single", "comprehensive"] };

/// How the drill's evaluation judged it against its aims.
pub static DRILL_RESULT: CodeTable =
    CodeTable { name: "drill_result", codes: &["achieved", "mostly_achieved", "not_achieved"] };
