//! 互联感知 (clause 6.6) and the environmental monitoring of 8.3.
//!
//! - What a station's reading means by the national standard that judges it — surface water
//!   quality class Ⅰ–Ⅴ and 劣Ⅴ (GB 3838—2002, `water_quality`), the air quality index and its
//!   level (HJ 633—2012, `air_quality`), and environmental noise against its zone's day and
//!   night limits (GB 3096—2008, `noise`) — and when a value past its levels for long enough
//!   is an alarm (`threshold`): pure functions of the values, compiled for the browser too, so
//!   a board and the server judge a reading the same way.
//! - The stations and their alarm rules, registers of the module engine (`stations`), and
//!   what each reading is of (`measurand`); the township's vital-sign indicators, counted
//!   over its own data or read from a station, watched by the same rule (`indicators`).
//! - With feature `ssr`, `service`: readings taken in batches (HTTP or MQTT), stored as a
//!   time series, and each rule's alarm opened, moved and cleared, an alarm filed as an event
//!   of the loop where its rule says so.

pub mod air_quality;
pub mod board;
pub mod chart;
pub mod indicators;
pub mod measurand;
pub mod noise;
pub mod readings;
#[cfg(feature = "ssr")]
pub mod service;
pub mod situation;
pub mod stations;
pub mod threshold;
pub mod water_quality;

pub use indicators::INDICATORS;
pub use stations::{RULES, STATIONS};

use crate::engine::Module;

pub static MODULE: Module = Module { name: "sensing", clause: "6.6", registers: &[&STATIONS, &RULES, &INDICATORS] };
