//! The event module's server side beyond the server functions: photo upload and delivery
//! through the object store, live updates (PostgreSQL notifications → server-sent events),
//! exports, and the supervision job.

pub mod export;
pub mod jobs;
pub mod live;
pub mod photos;
