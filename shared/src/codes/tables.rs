//! The national code tables the standard names (DB3205/T 1107 5 b) and 8.3.3; R-5b): land
//! use (GB/T 21010), geographic features (GB/T 13923), place names (GB/T 18521) and
//! governance base data (GB/T 31000). They are shipped in the database (`code_tables`,
//! `code_entries`, migration 000040), where data are coded against them (the base map's roads
//! and water carry their GB/T 13923 class), and browsed at `/base/codes`.

#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

crate::code_enum::code_enum! {
    /// A code table shipped in the database (`code_tables.code`).
    pub enum CodeTable in "code_tables" {
        LandUse = "gbt21010",
        FeatureClass = "gbt13923",
        PlaceName = "gbt18521",
        GovernanceData = "gbt31000",
    }
}

/// A code table and how many entries it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeTableInfo {
    pub table: CodeTable,
    /// The standard's number and edition (`GB/T 21010—2017`).
    pub standard: String,
    pub title: String,
    /// What the table holds of the standard, and where its codes come from.
    pub note: String,
    pub entries: i64,
}

/// One class of a code table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    pub code: String,
    pub name: String,
    /// 1 for the top level.
    pub level: i16,
    pub parent: Option<String>,
}

/// A code table as the page shows it: every table to choose from, the one chosen, and its
/// entries that match the search, each with the classes above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeTableView {
    pub tables: Vec<CodeTableInfo>,
    pub table: CodeTable,
    pub entries: Vec<CodeEntry>,
    /// The entries that match the search themselves (all of them without one).
    pub matches: usize,
}

/// The entries (in tree order) that match `q` — a code it begins with, or a name containing
/// it — each kept with the classes above it, so the result reads as a tree; all of them for an
/// empty `q`. Returns them and how many matched themselves.
pub fn matching(entries: Vec<CodeEntry>, q: &str) -> (Vec<CodeEntry>, usize) {
    let q = q.trim();
    if q.is_empty() {
        let n = entries.len();
        return (entries, n);
    }
    let hit = |entry: &CodeEntry| entry.code.starts_with(q) || entry.name.contains(q);
    let matches = entries.iter().filter(|entry| hit(entry)).count();
    // The codes to keep: each hit and its ancestors (a table has a few hundred entries).
    let mut keep: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for entry in entries.iter().filter(|entry| hit(entry)) {
        let mut at = Some(entry);
        while let Some(current) = at {
            if !keep.insert(current.code.as_str()) {
                break;
            }
            at = current.parent.as_deref().and_then(|parent| entries.iter().find(|e| e.code == parent));
        }
    }
    let kept = entries.iter().filter(|entry| keep.contains(entry.code.as_str())).cloned().collect();
    (kept, matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, name: &str, parent: Option<&str>) -> CodeEntry {
        let level = if parent.is_some() { 2 } else { 1 };
        CodeEntry { code: code.into(), name: name.into(), level, parent: parent.map(Into::into) }
    }

    fn land_use() -> Vec<CodeEntry> {
        vec![
            entry("01", "耕地", None),
            entry("0101", "水田", Some("01")),
            entry("0102", "水浇地", Some("01")),
            entry("11", "水域及水利设施用地", None),
            entry("1101", "河流水面", Some("11")),
            entry("1107", "沟渠", Some("11")),
        ]
    }

    fn codes(entries: &[CodeEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.code.as_str()).collect()
    }

    #[test]
    fn a_search_keeps_each_match_under_its_parent_class() {
        let (kept, matches) = matching(land_use(), "沟渠");
        assert_eq!((codes(&kept), matches), (vec!["11", "1107"], 1));
        let (kept, matches) = matching(land_use(), " 水 ");
        assert_eq!(codes(&kept), ["01", "0101", "0102", "11", "1101"], "a parent shown once, in tree order");
        assert_eq!(matches, 4);
        let (kept, matches) = matching(land_use(), "01");
        assert_eq!((codes(&kept), matches), (vec!["01", "0101", "0102"], 3), "a code matches by its beginning");
        assert_eq!(matching(land_use(), "").0.len(), 6);
        assert_eq!(matching(land_use(), "林地"), (vec![], 0));
    }

    #[test]
    fn a_table_is_sent_by_its_code() {
        let json = serde_json::to_string(&CodeTable::LandUse).unwrap();
        assert_eq!(json, "\"gbt21010\"");
        assert_eq!(serde_json::from_str::<CodeTable>(&json).unwrap(), CodeTable::LandUse);
        assert!(serde_json::from_str::<CodeTable>("\"gbt0\"").is_err());
    }
}
