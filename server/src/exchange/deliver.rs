//! The delivery job: every second, claim the messages due, POST each to its peer signed
//! as the peer signs to us, and count it delivered only when the peer answers 2xx with
//! `{"ack": <message_id>}`. Anything else — a refusal, a timeout, a closed port, a wrong
//! acknowledgement — is a failed attempt, tried again after its back-off or kept as a dead
//! letter. Any number of processes may run it: a claim leases a message to one of them.

use std::time::Duration;

use shared::db::DbPool;
use shared::exchange::service::{self, Delivery};

/// How long a peer has to answer one message.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Messages claimed at once.
const BATCH: i64 = 50;

/// The HTTP client the job sends with.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(TIMEOUT).build().unwrap_or_default()
}

/// Sends one message; `Err` says why it was not delivered.
pub async fn send(client: &reqwest::Client, delivery: &Delivery) -> Result<(), String> {
    if delivery.endpoint.is_empty() {
        return Err("no endpoint configured".into());
    }
    let body = serde_json::to_vec(&delivery.progress).map_err(|e| e.to_string())?;
    let response =
        super::signed_post(client, &delivery.endpoint, &delivery.peer_code, delivery.algorithm, &delivery.secret, body)
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| format!("reading the answer: {e}"))?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", text.chars().take(200).collect::<String>()));
    }
    #[derive(serde::Deserialize)]
    struct Ack {
        ack: i64,
    }
    match serde_json::from_str::<Ack>(&text) {
        Ok(ack) if ack.ack == delivery.progress.message_id => Ok(()),
        _ => Err(format!(
            "no acknowledgement of message {}: {}",
            delivery.progress.message_id,
            text.chars().take(200).collect::<String>()
        )),
    }
}

/// One round: claim what is due, send it, record each outcome. Returns how many were sent.
pub async fn round(pool: &DbPool, client: &reqwest::Client) -> Result<usize, shared::AppError> {
    let mut conn = pool.get().await?;
    let due = service::claim(&mut conn, BATCH).await?;
    // Each instruction has at most one message here (its oldest): they go out side by side.
    let outcomes = futures_util::future::join_all(due.iter().map(|d| send(client, d))).await;
    for (delivery, outcome) in due.iter().zip(outcomes) {
        match outcome {
            Ok(()) => service::delivered(&mut conn, delivery.id).await?,
            Err(error) => {
                tracing::warn!(message = delivery.id, peer = %delivery.peer_code, %error, "exchange delivery failed");
                service::failed(&mut conn, delivery, &error).await?;
            }
        }
    }
    Ok(due.len())
}

/// Starts the job on the runtime.
pub fn start(pool: DbPool, metrics: std::sync::Arc<crate::metrics::Metrics>) {
    tokio::spawn(async move {
        let client = client();
        loop {
            let result = round(&pool, &client).await;
            metrics.job(crate::metrics::Job::ExchangeDelivery, result.as_ref().err().map(|e| format!("{e:?}")));
            match result {
                // A full batch: more may be due at once.
                Ok(n) if n as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(?error, "exchange delivery round failed"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
