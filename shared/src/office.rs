//! 内务办公 (clause 8.7.1): 公文管理 (outgoing and incoming documents), 档案管理, 物品领用 and
//! 印章管理 — declared registers of the module engine (`crate::engine`).

mod codes;
mod documents;
mod records;

pub use codes::*;
pub use documents::*;
pub use records::*;

use crate::engine::Module;

pub static MODULE: Module = Module {
    name: "office",
    clause: "8.7.1",
    registers: &[
        &OUTGOING,
        &INCOMING,
        &ARCHIVES,
        &BORROWINGS,
        &SUPPLIES,
        &REQUISITIONS,
        &STOCK_MOVEMENTS,
        &SEALS,
        &SEAL_USES,
    ],
};
