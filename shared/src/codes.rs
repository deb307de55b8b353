//! Validators for national standard codes (R-5b): resident ID numbers, unified social
//! credit codes and mainland mobile numbers; the map-sheet numbers of GB/T 13989; and the
//! code tables shipped in the database (GB/T 21010, 13923, 18521, 31000).
//!
//! Each validator returns a `&'static str` error code that doubles as the translation key
//! under `errors.` in the UI's locale files, so the browser and the server reject the same
//! input with the same message.

pub mod credit_code;
pub mod id_number;
pub mod map_sheet;
pub mod mobile;
pub mod tables;
