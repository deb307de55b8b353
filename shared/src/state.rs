//! What the server hands to every server function and endpoint (through Leptos context).

use crate::accounts::service::AuthPolicy;
use crate::db::DbPool;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub auth: AuthPolicy,
    /// Demo mode shows the demo accounts on the login page.
    pub demo: bool,
    /// Statistics kept until the next change (fed by the live-update listener).
    pub stats_cache: std::sync::Arc<crate::events::service::stats_cache::StatsCache>,
    /// Live sessions kept until announced or due for a touch (fed by the same listener).
    pub sessions: std::sync::Arc<crate::accounts::service::session_cache::SessionCache>,
    /// The operator's settings the services are given per call.
    pub settings: std::sync::Arc<Settings>,
}

/// Settings the services take as arguments, read and checked once at start-up
/// (`server::config`); services never read the environment themselves.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// How near and how recent a report must be to be suggested as a duplicate
    /// (`TONGGUAN_DUPLICATE_METRES`, `TONGGUAN_DUPLICATE_DAYS`).
    pub duplicate_window: crate::events::service::duplicates::DuplicateWindow,
    /// A raster tile URL template for the maps (`TONGGUAN_TILE_URL`).
    pub tile_url: Option<String>,
    /// What the operations page reads of this server: backups, watched disks, start time.
    pub operations: crate::operations::service::OperationsSettings,
}
