//! Readings over MQTT, the protocol most field stations speak (clause 6.6): the server
//! subscribes to the township's broker and takes each station's messages as the HTTP endpoint
//! takes a batch (`shared::sensing`).
//!
//! - A station publishes `{"readings": [{"measurand", "at", "value"}, …]}` (the HTTP body,
//!   `station` left out) to `<prefix>/<township code>/<station code>/readings` at QoS 1.
//! - The server subscribes with a persistent session and acknowledges a message only once its
//!   readings are stored: a message that arrives while the database is away is retried until
//!   it can be stored, and one that arrived before a restart is delivered again after it (a
//!   reading stored twice is kept once).
//! - Several server processes share one subscription (`$share/tongguan/…`, MQTT 5 and
//!   Mosquitto's 3.1.1 extension): the broker gives each message to one of them.
//! - A message that can never be stored (not the readings' JSON, an unknown station, a value
//!   out of range) is acknowledged and answered on `<prefix>/<township>/<station>/errors` with
//!   the problems as the HTTP endpoint words them, so the device's maker sees why.
//! - The connection is kept by rumqttc's event loop, which reconnects by itself; a broken
//!   connection is retried after a pause that grows to half a minute.

use std::time::Duration;

use rumqttc::{AsyncClient, Event, Incoming, MqttOptions, Publish, QoS};
use secrecy::{ExposeSecret, SecretString};
use shared::AppError;
use shared::db::DbPool;
use shared::sensing::readings::Batch;
use shared::sensing::service::{self as sensing, Sender};

/// The broker and how to subscribe to it (`TONGGUAN_MQTT_URL`, `…_TOPIC_PREFIX`,
/// `…_CLIENT_ID`; `crate::config::SensingConfig`).
#[derive(Debug, Clone)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The first level of every topic (`tongguan`).
    pub topic_prefix: String,
    /// The session's id at the broker; unset, made of the host name and the process's
    /// listening address at start, so that a restarted process resumes its own session.
    pub client_id: Option<String>,
}

impl Broker {
    /// `mqtt://[user:password@]host[:port]` (port 1883 by default).
    pub fn parse(text: &str, topic_prefix: &str, client_id: Option<String>) -> Result<Broker, String> {
        let url = url::Url::parse(text).map_err(|error| format!("is not a URL: {error}"))?;
        if url.scheme() != "mqtt" {
            return Err("must start with mqtt:// (TLS is the broker's own network's)".into());
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("names no host")?.to_owned();
        let segment_ok = |s: &str| !s.is_empty() && !s.contains(['+', '#', '/']) && s.len() <= 64;
        if !segment_ok(topic_prefix) {
            return Err("TONGGUAN_MQTT_TOPIC_PREFIX must be one topic level, without + # or /".into());
        }
        let username = (!url.username().is_empty()).then(|| url.username().to_owned());
        let password = url.password().map(|p| SecretString::from(p.to_owned()));
        Ok(Broker {
            host,
            port: url.port().unwrap_or(1883),
            username,
            password,
            topic_prefix: topic_prefix.to_owned(),
            client_id,
        })
    }

    /// What the server subscribes to: every station of every township, shared among the
    /// server processes.
    pub fn subscription(&self) -> String {
        format!("$share/tongguan/{}/+/+/readings", self.topic_prefix)
    }
}

/// The township and station a topic names, if it is a readings topic under `prefix`.
fn parse_topic<'t>(prefix: &str, topic: &'t str) -> Option<(&'t str, &'t str)> {
    let mut levels = topic.split('/');
    let (Some(first), Some(township), Some(station), Some("readings"), None) =
        (levels.next(), levels.next(), levels.next(), levels.next(), levels.next())
    else {
        return None;
    };
    (first == prefix).then_some((township, station))
}

/// Subscribes on its own task for as long as the process runs.
pub fn start(pool: DbPool, broker: Broker, default_client_id: String) {
    tokio::spawn(run(pool, broker, default_client_id));
}

async fn run(pool: DbPool, broker: Broker, default_client_id: String) {
    let client_id = broker.client_id.clone().unwrap_or(default_client_id);
    let mut options = MqttOptions::new(&client_id, &broker.host, broker.port);
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_clean_session(false)
        .set_manual_acks(true)
        // A full batch of 5,000 readings and its topic; anything larger is refused by the
        // client before it is read into memory.
        .set_max_packet_size(1024 * 1024, 64 * 1024);
    if let Some(username) = &broker.username {
        let password = broker.password.as_ref().map(|p| p.expose_secret().to_owned()).unwrap_or_default();
        options.set_credentials(username, password);
    }
    let (client, mut events) = AsyncClient::new(options, 64);
    let subscription = broker.subscription();
    let mut pause = Duration::from_secs(1);
    tracing::info!(host = %broker.host, port = broker.port, %client_id, %subscription, "MQTT: subscribing");
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Incoming::ConnAck(_))) => {
                pause = Duration::from_secs(1);
                // Every connection subscribes again: a session the broker lost has none.
                if let Err(error) = client.subscribe(&subscription, QoS::AtLeastOnce).await {
                    tracing::warn!(%error, "MQTT: subscription not sent");
                }
            }
            Ok(Event::Incoming(Incoming::SubAck(ack))) => tracing::info!(?ack.return_codes, "MQTT: subscribed"),
            Ok(Event::Incoming(Incoming::Publish(message))) => {
                take(&pool, &client, &broker.topic_prefix, &message).await;
                if let Err(error) = client.ack(&message).await {
                    tracing::warn!(%error, "MQTT: acknowledgement not sent");
                }
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, retry_in_secs = pause.as_secs(), "MQTT: connection lost");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// Stores one message's readings, retrying while the database is away; a message that can
/// never be stored is answered on the station's `errors` topic.
async fn take(pool: &DbPool, client: &AsyncClient, prefix: &str, message: &Publish) {
    let Some((township, station)) = parse_topic(prefix, &message.topic) else {
        tracing::warn!(topic = %message.topic, "MQTT: a message on a topic that is not a station's readings");
        return;
    };
    let mut pause = Duration::from_millis(500);
    loop {
        match store(pool, township, station, &message.payload).await {
            Ok(accepted) => {
                tracing::debug!(township, station, ?accepted, "MQTT: readings stored");
                return;
            }
            Err(error @ (AppError::Validation(_) | AppError::NotFound)) => {
                tracing::info!(township, station, ?error, "MQTT: readings refused");
                let problems = refusal_body(&error);
                let topic = format!("{prefix}/{township}/{station}/errors");
                if let Err(error) = client.try_publish(topic, QoS::AtMostOnce, false, problems) {
                    tracing::warn!(%error, "MQTT: refusal not published");
                }
                return;
            }
            Err(error) => {
                tracing::warn!(township, station, ?error, "MQTT: readings not stored yet, retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn store(
    pool: &DbPool,
    township: &str,
    station: &str,
    payload: &[u8],
) -> Result<shared::sensing::readings::Accepted, AppError> {
    let batch: Batch =
        serde_json::from_slice(payload).map_err(|_| AppError::field("body", shared::ErrorCode::SensingMalformed))?;
    let readings = batch.check(chrono::Utc::now(), Some(station))?;
    let mut conn = pool.get().await.map_err(|_| AppError::Unavailable)?;
    let township_id = shared::basedata::service::township_by_code(&mut conn, township)
        .await?
        .ok_or_else(|| AppError::field("topic", shared::ErrorCode::SensingStationUnknown))?;
    sensing::ingest(&mut conn, Sender { township_id, village_id: None }, readings).await
}

/// `{"errors": [{"field", "code", "message"}]}` in Chinese, as the HTTP endpoint answers.
fn refusal_body(error: &AppError) -> Vec<u8> {
    let fields = match error {
        AppError::Validation(fields) => fields.clone(),
        _ => Vec::new(),
    };
    let locale = app::i18n::Locale::ZhCn;
    let errors: Vec<serde_json::Value> = fields
        .iter()
        .map(|f| serde_json::json!({"field": f.field, "code": f.code.as_str(), "message": locale.t(f.code.i18n_key())}))
        .collect();
    serde_json::to_vec(&serde_json::json!({ "errors": errors })).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readings_topic_names_its_township_and_station() {
        assert_eq!(parse_topic("tongguan", "tongguan/320506100/WL-01/readings"), Some(("320506100", "WL-01")));
        for other in ["tongguan/320506100/WL-01", "x/320506100/WL-01/readings", "tongguan/a/b/readings/c"] {
            assert_eq!(parse_topic("tongguan", other), None, "{other}");
        }
    }

    #[test]
    fn a_broker_is_an_mqtt_url() {
        let broker = Broker::parse("mqtt://station:secret@10.0.0.5", "tongguan", None).unwrap();
        assert_eq!(
            (broker.host.as_str(), broker.port, broker.username.as_deref()),
            ("10.0.0.5", 1883, Some("station"))
        );
        assert_eq!(broker.subscription(), "$share/tongguan/tongguan/+/+/readings");
        assert!(Broker::parse("http://10.0.0.5", "tongguan", None).is_err());
        assert!(Broker::parse("mqtt://10.0.0.5:1884", "a/b", None).is_err());
        assert_eq!(Broker::parse("mqtt://10.0.0.5:1884", "t", None).unwrap().port, 1884);
    }
}
