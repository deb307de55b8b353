//! 党建引领 (clause 8.1): party organisations, members, organisational life, dues, study,
//! the development pipeline, relation transfers, and the New-Era civilisation practice
//! stations — all declared registers of the module engine (`crate::engine`). The rules of
//! the party's regulations that are pure arithmetic on dates and numbers are in [`rules`];
//! the board that applies them to the registers (organisation tree, 三会一课 compliance,
//! village figures) is [`board`], computed by `service` on the server.

pub mod board;
mod codes;
mod development;
mod life;
mod practice;
mod registers;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

pub use codes::*;
pub use development::*;
pub use life::*;
pub use practice::*;
pub use registers::*;

use crate::engine::Module;

pub static MODULE: Module = Module {
    name: "party",
    clause: "8.1",
    registers: &[
        &ORGANISATIONS,
        &MEMBERS,
        &MEETINGS,
        &MEETING_ATTENDANCE,
        &DUES,
        &STUDIES,
        &APPLICANTS,
        &TRANSFERS,
        &STATIONS,
        &SERVICE_ORDERS,
    ],
};
