//! `tongguan`: with no arguments it serves; subcommands administer.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    server::telemetry::init();
    let cli = server::cli::Cli::parse();
    server::cli::run(cli).await
}
