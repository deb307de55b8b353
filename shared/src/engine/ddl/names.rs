//! Names derived from declarations: a register's table from its key, and index names that
//! fit PostgreSQL's identifiers.

/// PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN − 1); two long
/// names truncated alike would collide, so a long name ends with a hash of the whole instead.
const MAX_IDENTIFIER: usize = 63;

/// The table of the register with key `module.name`: `module_name` (the rule every
/// declaration follows; `modules::tests` checks it), so a reference or a parent resolves
/// without the registry (a register declared in a test is in no module).
pub fn register_table(key: &str) -> String {
    key.replace('.', "_")
}

/// `<table>_<column>_<suffix>`, e.g. `party_members_id_number_key`; when that is longer than
/// 63 bytes, its first 54 bytes, `_` and 8 hex digits of its FNV-1a hash: deterministic, so
/// the generator finds the index again.
pub fn index_name(table: &str, column: &str, suffix: &str) -> String {
    let name = format!("{table}_{column}_{suffix}");
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    let hash = name.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    // Names are ASCII (declarations are checked), so any byte is a character boundary.
    format!("{}_{hash:08x}", &name[..MAX_IDENTIFIER - 9])
}
