//! 互联感知 (clause 6.6) and the environmental monitoring of 8.3: what a station's reading
//! means by the national standard that judges it — surface water quality class Ⅰ–Ⅴ and 劣Ⅴ
//! (GB 3838—2002, `water_quality`), the air quality index and its level (HJ 633—2012,
//! `air_quality`), and environmental noise against its zone's day and night limits
//! (GB 3096—2008, `noise`); and when a value past its levels for long enough is an alarm
//! (`threshold`). Pure functions of the values, compiled for the browser too, so a board and
//! the server judge a reading the same way.

pub mod air_quality;
pub mod noise;
pub mod threshold;
pub mod water_quality;
