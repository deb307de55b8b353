//! `tongguan`: with no arguments it serves; subcommands administer.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = server::cli::Cli::parse();
    // Every setting is read and checked before anything starts: a bad value stops here,
    // naming its variable.
    let config = server::config::Config::from_environment()?;
    server::telemetry::init(&config.logging);
    server::cli::run(cli, config).await
}
