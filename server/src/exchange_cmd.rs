//! `tongguan exchange …`: the platforms the township exchanges with (docs/exchange.md).

use std::io::BufRead;

use clap::Subcommand;
use shared::exchange::PeerKind;
use shared::exchange::service::{self, NewPeer};
use shared::exchange::signature::Algorithm;

#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Register a peer platform, or change the one of the same code. The shared secret is
    /// read from TONGGUAN_PEER_SECRET or the first line of standard input (at least 32
    /// characters; both sides sign with it).
    Peer {
        /// Its code, as it names itself in `X-TG-Peer` (e.g. `county`).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// county, city or hotline.
        #[arg(long, default_value = "county")]
        kind: String,
        /// hmac-sm3 or hmac-sha256.
        #[arg(long, default_value = "hmac-sm3")]
        algorithm: String,
        /// Where progress and results are delivered.
        #[arg(long, default_value = "")]
        endpoint: String,
        /// Its category codes mapped to ours, as JSON: '{"0101": "CG0101"}'.
        #[arg(long, default_value = "{}")]
        categories: String,
        /// Attempts before a message becomes a dead letter.
        #[arg(long, default_value_t = 8)]
        max_attempts: i32,
        /// Township code; defaults to the only township.
        #[arg(long)]
        township: Option<String>,
    },
    /// Play an upper-level platform against a running township, for demos and tests: send
    /// numbered instructions and take the progress that comes back (docs/exchange.md,
    /// "The simulated platform"). The secret is read as for `peer`.
    Simulate(crate::exchange::simulator::Options),
}

/// The shared secret: TONGGUAN_PEER_SECRET, or the first line of standard input.
fn secret() -> anyhow::Result<String> {
    match std::env::var("TONGGUAN_PEER_SECRET") {
        Ok(secret) => Ok(secret),
        Err(_) => {
            eprintln!("Shared secret (one line on standard input, at least 32 characters):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// The simulator needs no database of its own: it talks to the township over HTTP.
pub async fn simulate(options: crate::exchange::simulator::Options) -> anyhow::Result<()> {
    crate::exchange::simulator::run(options, secret()?).await
}

pub async fn run(url: &str, command: ExchangeCommand) -> anyhow::Result<()> {
    let pool = shared::db::pool(url, 2).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    match command {
        ExchangeCommand::Peer { code, name, kind, algorithm, endpoint, categories, max_attempts, township } => {
            let township_id = crate::cli::township_id(&mut conn, township.as_deref()).await?;
            let kind = PeerKind::parse(&kind).ok_or_else(|| anyhow::anyhow!("kind: county, city or hotline"))?;
            let algorithm =
                Algorithm::parse(&algorithm).ok_or_else(|| anyhow::anyhow!("algorithm: hmac-sm3 or hmac-sha256"))?;
            let categories: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&categories).map_err(|e| anyhow::anyhow!("categories: {e}"))?;
            let secret = secret()?;
            let peer = NewPeer { township_id, code, name, kind, algorithm, secret, endpoint, categories, max_attempts };
            let id = service::save_peer(&mut conn, &peer).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("peer {} saved (id {id})", peer.code);
        }
        ExchangeCommand::Simulate(options) => simulate(options).await?,
    }
    Ok(())
}
