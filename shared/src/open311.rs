//! The Open311 GeoReport v2 channel (R-3.2-intake): civic-tech clients and apps written for
//! any Open311 city list a township's services (the leaf categories of the event tree, with
//! their attributes), file service requests with a location, and follow them. A request is an
//! ordinary event of the loop (channel `open311`), filed through the one intake; its status is
//! the loop's state said as `open` or `closed` with a note.
//!
//! What is read back is only what came in through this channel: the township's other events
//! (patrol reports, hotline calls, instructions) never leave through it, and no contact
//! detail of a reporter is ever served. The HTTP side (paths, `.json`/`.xml`, keys, rate
//! limits, the call log) is `server/src/open311/`.

pub mod params;
pub mod service;
pub mod types;

/// The specification this channel follows, as discovery names it.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// The day this implementation last changed shape (discovery's `changeset`).
pub const CHANGESET: &str = "2026-11-29T00:00:00+08:00";
