//! Connecting, migrating and checking the database.

use anyhow::Context;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use shared::db::DbPool;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Applies pending migrations (embedded in the binary) over the async driver.
pub async fn migrate(url: &str) -> anyhow::Result<()> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        use diesel::Connection;
        let mut conn =
            AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url).context("connecting to run migrations")?;
        let applied = conn.run_pending_migrations(MIGRATIONS).map_err(|e| {
            anyhow::anyhow!(
                "migrations failed: {e}. If PostGIS is missing, install the package matching the server's \
                 major version, e.g. `apt-get install postgresql-15-postgis-3`."
            )
        })?;
        for version in applied {
            tracing::info!(%version, "migration applied");
        }
        Ok(())
    })
    .await?
}

/// Brings the code's reference data into the database: built-in roles (after reading the
/// run-time registers), event categories, the working calendar. Idempotent; runs before serving, seeding or administering.
pub async fn prepare(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    // First: a server with the wrong audit key stops here, with a message saying so.
    shared::audit::service::seal(conn).await?;
    // So does one whose keys would not open the residents' numbers; then what a migration
    // or an import by hand left in the clear is sealed before anyone reads it.
    let keyring = shared::personal::keys::installed()?;
    shared::personal::service::check_keys(conn, keyring).await?;
    let sealed = shared::personal::service::seal_clear(conn, keyring).await?;
    if sealed > 0 {
        tracing::info!(sealed, "residents' numbers held in the clear are sealed");
    }
    // The run-time registers first: the built-in roles take their codes too.
    shared::engine::service::runtime::refresh(conn).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    shared::accounts::service::roles::ensure_builtin(conn).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    shared::events::service::ensure_reference_data(conn).await.map_err(|e| anyhow::anyhow!("{e}"))
}

/// Whether every embedded migration is applied (for /readyz).
pub async fn migrations_current(pool: &DbPool) -> anyhow::Result<bool> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let mut conn = pool.get().await?;
    let applied: Vec<Version> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations").load(&mut conn).await?;
    let embedded = MigrationSource::<Pg>::migrations(&MIGRATIONS).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(embedded.iter().all(|m| applied.iter().any(|a| a.version == m.name().version().to_string())))
}
