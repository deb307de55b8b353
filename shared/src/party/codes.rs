//! The party module's code tables. Their labels are `code.<table>.<code>` in the module's
//! locale files.

use crate::engine::declare::CodeTable;

/// 政治面貌, GB/T 4762—1984: the two a party register holds (01 中共党员, 02 中共预备党员).
pub static POLITICAL_STATUS: CodeTable = CodeTable { name: "political_status", codes: &["01", "02"] };

/// 党组织类别: 党委, 党总支, 党支部, 党小组.
pub static ORGANISATION_KIND: CodeTable =
    CodeTable { name: "organisation_kind", codes: &["committee", "general_branch", "branch", "group"] };

/// 性别, GB/T 2261.1 (1 男, 2 女).
pub static GENDER: CodeTable = CodeTable { name: "gender", codes: &["1", "2"] };

/// How a member's dues are reckoned (中组发〔2008〕3号; see `rules::monthly_dues`).
pub static DUES_BASIS: CodeTable =
    CodeTable { name: "dues_basis", codes: &["employed", "retired", "rural", "student", "unemployed"] };

/// 三会一课 and 主题党日: 支部党员大会, 支委会, 党小组会, 党课, 主题党日.
pub static MEETING_KIND: CodeTable =
    CodeTable { name: "meeting_kind", codes: &["assembly", "committee", "group", "lecture", "theme_day"] };

/// 学习培训的形式: 集中学习, 专题培训, 党校培训, 网络学习 (学习强国 and the like).
pub static STUDY_KIND: CodeTable =
    CodeTable { name: "study_kind", codes: &["collective", "training", "party_school", "online"] };

/// 新时代文明实践 阵地: the township's 实践所 and the villages' 实践站.
pub static STATION_LEVEL: CodeTable = CodeTable { name: "station_level", codes: &["institute", "station"] };

/// What a resident may order from a station (点单).
pub static SERVICE_KIND: CodeTable = CodeTable {
    name: "service_kind",
    codes: &["theory", "culture", "elderly", "environment", "legal", "health", "tutoring", "science"],
};

/// Which way an organisational relation moves: out of the township or into it.
pub static TRANSFER_DIRECTION: CodeTable = CodeTable { name: "transfer_direction", codes: &["out", "in"] };
