//! 运维管理 (clause 9.4 故障处理): the platform's own operation records — inspections
//! (9.4.1), fault reports and their handling (9.4.2), emergency plans and their drills (9.4.3)
//! — declared registers of the module engine (`crate::engine`), kept by the system
//! administrator ([`crate::engine::declare::Domain::Operations`]).

mod codes;
mod records;

pub use codes::*;
pub use records::*;

use crate::engine::Module;

pub static MODULE: Module =
    Module { name: "maintenance", clause: "9.4", registers: &[&INSPECTIONS, &FAULTS, &PLANS, &DRILLS] };
