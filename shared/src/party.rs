//! 党建引领 (clause 8.1): party organisations, members, organisational life, the development
//! pipeline, relation transfers, study, and the New-Era civilisation practice stations — all
//! declared registers of the module engine (`crate::engine`).

mod codes;
mod registers;

pub use codes::*;
pub use registers::*;

use crate::engine::Module;

pub static MODULE: Module = Module { name: "party", clause: "8.1", registers: &[&ORGANISATIONS, &MEMBERS] };
