//! `tongguan apikey …`: API keys for other systems from the command line (the same service
//! the administrators' page calls; the key is printed once, to standard output).

use clap::Subcommand;
use shared::credentials::service::{self as credentials, KeyRef};
use shared::credentials::{ApiScope, DEFAULT_PER_MINUTE, NewApiKey};

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Issue a key and print it (it is shown this once).
    Create {
        /// Whom the key is for (the system or app), as lists and logs name it.
        #[arg(long)]
        name: String,
        /// What it may be used for (repeat for several): open311, events.read, stats.read,
        /// basedata.read, records.read, personal_data.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Calls a minute.
        #[arg(long, default_value_t = DEFAULT_PER_MINUTE)]
        per_minute: i32,
        /// The last day it works (YYYY-MM-DD); without it, until revoked.
        #[arg(long)]
        expires: Option<chrono::NaiveDate>,
        /// Limit it to one village or community (its code).
        #[arg(long)]
        village: Option<String>,
        /// A conditionally shared register it is granted (`party.members`; repeat for several).
        #[arg(long = "dataset")]
        datasets: Vec<String>,
        /// Township code; defaults to the only township.
        #[arg(long)]
        township: Option<String>,
    },
    /// List a township's keys (never their secrets).
    List {
        #[arg(long)]
        township: Option<String>,
    },
    /// Revoke a key at once, named by its prefix (`tgk_XXXXXXXX`).
    Revoke {
        prefix: String,
        #[arg(long)]
        township: Option<String>,
    },
}

fn explain(error: shared::AppError) -> anyhow::Error {
    match error {
        shared::AppError::Validation(errors) => {
            let zh = app::i18n::Locale::ZhCn;
            let list: Vec<String> =
                errors.iter().map(|e| format!("{}: {}", e.field, zh.t(e.code.i18n_key()))).collect();
            anyhow::anyhow!("invalid: {}", list.join(", "))
        }
        shared::AppError::NotFound => anyhow::anyhow!("no such live key in this township"),
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(url: &str, command: ApiKeyCommand) -> anyhow::Result<()> {
    let pool = shared::db::pool(url, 2).map_err(anyhow::Error::msg)?;
    let mut conn = pool.get().await?;
    match command {
        ApiKeyCommand::Create { name, scopes, per_minute, expires, village, datasets, township } => {
            let township_id = crate::cli::township_id(&mut conn, township.as_deref()).await?;
            let scopes = scopes
                .iter()
                .map(|s| {
                    ApiScope::parse(s).ok_or_else(|| {
                        let known: Vec<&str> = ApiScope::ALL.iter().map(|s| s.as_str()).collect();
                        anyhow::anyhow!("unknown scope {s} (known: {})", known.join(", "))
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let village_id = match village {
                Some(code) => Some(village_id(&mut conn, township_id, &code).await?),
                None => None,
            };
            let form = NewApiKey { name, scopes, per_minute, expires_on: expires, village_id, datasets };
            let issued = credentials::issue_for(&mut conn, township_id, None, &form).await.map_err(explain)?;
            // The key alone on standard output, so a script can capture it.
            println!("{}", issued.key);
            eprintln!("issued key {} (id {}); it is not shown again", form.name.trim(), issued.id);
        }
        ApiKeyCommand::List { township } => {
            let township_id = crate::cli::township_id(&mut conn, township.as_deref()).await?;
            let now = chrono::Utc::now();
            let zh = |key: &str| app::i18n::Locale::ZhCn.t(key);
            for key in credentials::list_in(&mut conn, township_id, &zh).await.map_err(explain)? {
                let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
                let state = if key.is_live(now) { "live" } else { "revoked or expired" };
                println!("{}\t{}\t{}\t{}/min\t{state}", key.prefix, key.name, scopes.join(","), key.per_minute);
            }
        }
        ApiKeyCommand::Revoke { prefix, township } => {
            let township_id = crate::cli::township_id(&mut conn, township.as_deref()).await?;
            let revoked =
                credentials::revoke_in(&mut conn, township_id, None, KeyRef::Prefix(&prefix)).await.map_err(explain)?;
            println!("revoked {revoked}");
        }
    }
    Ok(())
}

/// The id of the township's village or community with the code.
async fn village_id(conn: &mut diesel_async::AsyncPgConnection, township_id: i32, code: &str) -> anyhow::Result<i32> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use shared::schema::villages;
    villages::table
        .filter(villages::township_id.eq(township_id).and(villages::code.eq(code)))
        .select(villages::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| anyhow::anyhow!("the township has no village with code {code}"))
}
