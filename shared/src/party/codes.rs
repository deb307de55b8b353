//! The party module's code tables.

use crate::engine::declare::CodeTable;

/// 政治面貌, GB/T 4762—1984 (the codes a party register holds).
pub static POLITICAL_STATUS: CodeTable = CodeTable { name: "political_status", codes: &["01", "02"] };

/// 党组织类别: 党委, 党总支, 党支部, 党小组.
pub static ORGANISATION_KIND: CodeTable =
    CodeTable { name: "organisation_kind", codes: &["committee", "general_branch", "branch", "group"] };

/// 性别, GB/T 2261.1 (1 男, 2 女).
pub static GENDER: CodeTable = CodeTable { name: "gender", codes: &["1", "2"] };

/// How a member's dues are reckoned (中组部 2008 rules): employed members by after-tax pay,
/// retired members by pension, farmers, students and the unemployed a fixed small amount.
pub static DUES_BASIS: CodeTable =
    CodeTable { name: "dues_basis", codes: &["employed", "retired", "rural", "student", "unemployed"] };
