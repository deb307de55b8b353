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
}
