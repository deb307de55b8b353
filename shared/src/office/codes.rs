//! The office module's code tables. Their labels are `code.<table>.<code>` in the module's
//! locale files.

use crate::engine::declare::CodeTable;

/// The fifteen kinds of 党政机关公文 (党政机关公文处理工作条例 第八条; GB/T 9704—2012):
/// 决议 决定 命令(令) 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要.
pub static DOCUMENT_TYPE: CodeTable = CodeTable {
    name: "document_type",
    codes: &[
        "resolution",
        "decision",
        "order",
        "communique",
        "announcement",
        "public_notice",
        "opinion",
        "notice",
        "circular",
        "report",
        "request",
        "reply",
        "motion",
        "letter",
        "minutes",
    ],
};

/// 密级 (GB/T 9704—2012 7.2.2): 绝密, 机密, 秘密; an unclassified document leaves it empty.
pub static CLASSIFICATION: CodeTable =
    CodeTable { name: "classification", codes: &["top_secret", "confidential", "secret"] };

/// 紧急程度 (GB/T 9704—2012 7.2.3): 特急, 加急; a routine document leaves it empty.
pub static URGENCY: CodeTable = CodeTable { name: "urgency", codes: &["extra_urgent", "urgent"] };

/// 保管期限 of an archived item (DA/T 22—2015 归档文件整理规则): 永久, 定期30年, 定期10年.
pub static RETENTION: CodeTable = CodeTable { name: "retention", codes: &["permanent", "years_30", "years_10"] };

/// Kinds of office supplies.
pub static SUPPLY_CATEGORY: CodeTable =
    CodeTable { name: "supply_category", codes: &["stationery", "consumables", "equipment", "cleaning", "protective"] };

/// Which way stock moves: 入库 in, 出库 out (a requisition issued, a write-off).
pub static MOVEMENT_KIND: CodeTable = CodeTable { name: "movement_kind", codes: &["stock_in", "stock_out"] };

/// Kinds of seals: 党委印章, 政府印章, 合同专用章, 财务专用章, 法定代表人名章.
pub static SEAL_KIND: CodeTable =
    CodeTable { name: "seal_kind", codes: &["party", "government", "contract", "finance", "personal"] };

/// A seal's condition: 在用, 封存, 已缴销.
pub static SEAL_STATUS: CodeTable = CodeTable { name: "seal_status", codes: &["in_use", "sealed_up", "revoked"] };
