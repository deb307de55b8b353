//! The sensing module's service: readings in (`ingest`), the alarms they open and clear
//! (`alarms`), the monthly partitions of the time series (`partitions`) and what the pages
//! and boards read (`queries`). The only code that writes `sensing_readings`,
//! `sensing_watches` and `sensing_alarms`.

pub mod alarms;
pub mod board;
pub mod ingest;
pub mod partitions;
pub mod queries;

pub use ingest::{Sender, ingest};
