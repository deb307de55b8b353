//! 一网统管 (clause 3.2): governance events from every channel in one inbox, located on
//! the map, routed to a grid and a department, handled against a deadline, verified and
//! closed. `state` is the one state machine the server and the UI share; `calendar` counts
//! working time; `service` (server only) is the only code that touches the event tables.

pub mod attributes;
pub mod calendar;
pub mod forms;
pub mod state;
pub mod tracking;
pub mod types;

#[cfg(feature = "ssr")]
pub mod service;

pub use forms::{CategoryEditForm, RoutingRuleForm, StepForm};
pub use state::{Action, EventState};
pub use types::*;
