//! The sensing module's service: readings in (`ingest`), the alarms they open and clear
//! (`alarms`), the monthly partitions of the time series (`partitions`) and what the pages
//! and boards read (`queries`); the vital-sign indicators computed and watched
//! (`indicators`), and what the walls show of both (`situation`). The only code that writes
//! `sensing_readings`, `sensing_watches`, `sensing_alarms`, `indicator_values`,
//! `indicator_watches` and `indicator_alarms`.

pub mod alarms;
pub mod board;
pub mod chart;
pub mod indicators;
pub mod ingest;
pub mod partitions;
pub mod queries;
pub mod situation;

pub use ingest::{Sender, ingest};
