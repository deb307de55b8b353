//! `tongguan exchange simulate`: a small upper-level platform, for demos and for the soak test
//! (`server/tests/it/exchange_soak.rs`). It sends numbered instructions to a township, some of
//! them twice, and takes the progress the township sends back, as a county platform would.
//!
//! It keeps its record in a directory, so that it can be stopped at any moment and started
//! again where it was: `sent.jsonl` holds one line per answer to an instruction (the receipt,
//! or the refusal), `received.jsonl` one line per message taken, written and synced before it
//! is acknowledged. A message that comes again (its acknowledgement was lost) is acknowledged
//! and not recorded twice. It can be told to refuse a share of the messages (`--fail-rate`) or
//! to answer slowly (`--slow-ms`), to show what the township does when its peer misbehaves.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures_util::StreamExt;
use serde_json::{Value, json};
use shared::exchange::signature::{self, Algorithm};
use shared::exchange::{Instruction, InstructionKind, Progress, Receipt};

/// What the simulator does, from the command line.
#[derive(clap::Args, Debug, Clone)]
pub struct Options {
    /// The township's server.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub server: String,
    /// Where the simulator takes results: register `http://<this>/results` as the peer's
    /// endpoint.
    #[arg(long, default_value = "127.0.0.1:3900")]
    pub listen: SocketAddr,
    /// The code the township knows this platform by.
    #[arg(long, default_value = "county")]
    pub peer: String,
    /// hmac-sm3 or hmac-sha256, as registered.
    #[arg(long, default_value = "hmac-sm3")]
    pub algorithm: String,
    /// The simulator's record (sent.jsonl, received.jsonl); kept across restarts.
    #[arg(long, default_value = "data/simulator")]
    pub state: PathBuf,
    /// Instructions to send, numbered `<prefix>-000001` on; those already answered are not
    /// sent again after a restart.
    #[arg(long, default_value_t = 5)]
    pub send: u32,
    #[arg(long, default_value = "SIM")]
    pub prefix: String,
    /// Every n-th instruction is sent a second time (0: none), as a platform that lost the
    /// first answer would.
    #[arg(long, default_value_t = 0)]
    pub repeat_every: u32,
    /// Instructions in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// task, supervision, information_request or work_order.
    #[arg(long, default_value = "task")]
    pub kind: String,
    /// The category, in the platform's codes (mapped by the township) or the township's.
    #[arg(long, default_value = "CG0501")]
    pub category: String,
    /// Where the instructions are (the demo township's centre by default).
    #[arg(long, default_value_t = 31.65)]
    pub lat: f64,
    #[arg(long, default_value_t = 120.90)]
    pub lon: f64,
    /// The share of messages refused with 503 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Milliseconds before each answer (more than 10,000 and the township times out).
    #[arg(long, default_value_t = 0)]
    pub slow_ms: u64,
}

/// One line of `sent.jsonl`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Answered {
    pub instruction_id: String,
    pub status: u16,
    #[serde(default)]
    pub event_number: String,
    #[serde(default)]
    pub duplicate: bool,
    #[serde(default)]
    pub error: String,
}

/// The record files of a state directory.
pub fn sent_path(state: &Path) -> PathBuf {
    state.join("sent.jsonl")
}
pub fn received_path(state: &Path) -> PathBuf {
    state.join("received.jsonl")
}

/// The lines of a JSON-lines file written so far (a line cut short by a kill is skipped).
pub fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    let Ok(file) = std::fs::File::open(path) else { return Vec::new() };
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect()
}

/// An append-only JSON-lines file, each line on disk before the caller goes on.
struct Journal {
    file: std::fs::File,
}

impl Journal {
    fn open(path: &Path) -> anyhow::Result<Self> {
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).read(true).open(path).context("open the record")?;
        // A kill in the middle of a line leaves it unterminated: end it, so the next starts clean.
        let length = file.metadata()?.len();
        if length > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(length - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        Ok(Self { file })
    }

    fn append(&mut self, value: &impl serde::Serialize) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(value).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }
}

/// The receiving side's state.
struct Receiver {
    peer: String,
    algorithm: Algorithm,
    secret: String,
    fail_rate: f64,
    slow: Duration,
    journal: Mutex<Journal>,
    /// Message ids taken, and per instruction the last one (to notice a message out of order).
    taken: Mutex<(HashSet<i64>, HashMap<String, i64>)>,
    /// Nonces seen with their timestamps, forgotten after twice the window.
    nonces: Mutex<HashMap<String, i64>>,
}

impl Receiver {
    fn check(&self, headers: &axum::http::HeaderMap, body: &[u8]) -> Result<(), (StatusCode, &'static str)> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if header(signature::HEADER_PEER) != self.peer {
            return Err((StatusCode::UNAUTHORIZED, "unknown peer"));
        }
        let (timestamp, nonce) = (header(signature::HEADER_TIMESTAMP), header(signature::HEADER_NONCE));
        let now = chrono::Utc::now();
        signature::verify(
            self.algorithm,
            self.secret.as_bytes(),
            timestamp,
            nonce,
            header(signature::HEADER_SIGNATURE),
            body,
            now,
        )
        .map_err(|_| (StatusCode::UNAUTHORIZED, "bad signature"))?;
        let mut nonces = self.nonces.lock().map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "poisoned"))?;
        nonces.retain(|_, seen| now.timestamp() - *seen < 2 * signature::WINDOW_SECS);
        if nonces.insert(nonce.to_owned(), now.timestamp()).is_some() {
            return Err((StatusCode::CONFLICT, "replayed nonce"));
        }
        Ok(())
    }

    /// Records a message the first time it comes; true if it was new.
    fn take(&self, progress: &Progress) -> std::io::Result<bool> {
        let mut taken = self.taken.lock().map_err(|_| std::io::Error::other("poisoned"))?;
        if taken.0.contains(&progress.message_id) {
            return Ok(false);
        }
        self.journal.lock().map_err(|_| std::io::Error::other("poisoned"))?.append(progress)?;
        taken.0.insert(progress.message_id);
        let last = taken.1.entry(progress.instruction_id.clone()).or_insert(0);
        if progress.message_id < *last {
            tracing::warn!(message = progress.message_id, before = *last, "a message out of order");
        }
        *last = (*last).max(progress.message_id);
        Ok(true)
    }
}

/// `POST /results`: a progress message from the township.
async fn result(State(receiver): State<Arc<Receiver>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    };
    if let Err(refusal) = receiver.check(&parts.headers, &body) {
        return refusal.into_response();
    }
    if rand::random::<f64>() < receiver.fail_rate {
        return (StatusCode::SERVICE_UNAVAILABLE, "simulated failure").into_response();
    }
    let Ok(progress) = serde_json::from_slice::<Progress>(&body) else {
        return (StatusCode::BAD_REQUEST, "not a progress message").into_response();
    };
    let receiver_for_disk = receiver.clone();
    let message = progress.clone();
    let taken = tokio::task::spawn_blocking(move || receiver_for_disk.take(&message)).await;
    match taken {
        Ok(Ok(new)) => {
            let id = progress.message_id;
            if new {
                tracing::info!(message = id, instruction = %progress.instruction_id, action = %progress.action, "taken");
            } else {
                tracing::info!(message = id, "taken before: acknowledged again");
            }
            tokio::time::sleep(receiver.slow).await;
            axum::Json(json!({ "ack": id })).into_response()
        }
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "could not record").into_response(),
    }
}

/// The instruction numbered `n`.
fn instruction(options: &Options, kind: InstructionKind, id: &str) -> Instruction {
    Instruction {
        instruction_id: id.to_owned(),
        kind,
        title: format!("模拟交办 {id}"),
        description: format!("模拟上级平台交办事项 {id}：请核查处置并反馈结果。"),
        category: options.category.clone(),
        lat: options.lat,
        lon: options.lon,
        address: String::new(),
        deadline: Some(chrono::Utc::now() + chrono::Duration::days(3)),
        priority: None,
        contact_name: String::new(),
        contact_phone: String::new(),
    }
}

/// Sends one instruction until the township answers it: a receipt, or a refusal (4xx).
/// A server that is down or failing (5xx, no connection) is tried again, waiting longer.
async fn send_once(
    client: &reqwest::Client,
    options: &Options,
    algorithm: Algorithm,
    secret: &str,
    instruction: &Instruction,
) -> Answered {
    let url = format!("{}/exchange/v1/instructions", options.server.trim_end_matches('/'));
    let body = serde_json::to_vec(instruction).unwrap_or_default();
    let mut wait = Duration::from_millis(100);
    loop {
        let sent = super::signed_post(client, &url, &options.peer, algorithm, secret, body.clone()).send().await;
        match sent {
            Ok(response) if response.status().is_success() => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                if let Ok(receipt) = serde_json::from_str::<Receipt>(&text) {
                    return Answered {
                        instruction_id: receipt.instruction_id,
                        status,
                        event_number: receipt.event_number,
                        duplicate: receipt.duplicate,
                        error: String::new(),
                    };
                }
            }
            Ok(response) if response.status().is_client_error() => {
                let status = response.status().as_u16();
                let text = response.text().await.unwrap_or_default();
                let error = serde_json::from_str::<Value>(&text).unwrap_or_default();
                return Answered {
                    instruction_id: instruction.instruction_id.clone(),
                    status,
                    event_number: String::new(),
                    duplicate: false,
                    error: error["message"].as_str().unwrap_or_default().to_owned(),
                };
            }
            Ok(response) => tracing::warn!(status = %response.status(), "the township failed: trying again"),
            Err(error) => tracing::warn!(%error, "the township is not answering: trying again"),
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

/// Runs the simulator until it is stopped.
pub async fn run(options: Options, secret: String) -> anyhow::Result<()> {
    let algorithm = Algorithm::parse(&options.algorithm).context("algorithm: hmac-sm3 or hmac-sha256")?;
    let kind =
        InstructionKind::parse(&options.kind).context("kind: task, supervision, information_request or work_order")?;
    if !(0.0..=1.0).contains(&options.fail_rate) {
        anyhow::bail!("fail-rate: a share from 0 to 1");
    }
    std::fs::create_dir_all(&options.state).context("the state directory")?;

    let taken: Vec<Progress> = read_lines(&received_path(&options.state));
    let mut last = HashMap::new();
    for message in &taken {
        let entry = last.entry(message.instruction_id.clone()).or_insert(0);
        *entry = message.message_id.max(*entry);
    }
    let receiver = Arc::new(Receiver {
        peer: options.peer.clone(),
        algorithm,
        secret: secret.clone(),
        fail_rate: options.fail_rate,
        slow: Duration::from_millis(options.slow_ms),
        journal: Mutex::new(Journal::open(&received_path(&options.state))?),
        taken: Mutex::new((taken.iter().map(|m| m.message_id).collect(), last)),
        nonces: Mutex::new(HashMap::new()),
    });
    let listener = tokio::net::TcpListener::bind(options.listen).await.context("listen")?;
    tracing::info!(listen = %options.listen, taken = taken.len(), "the simulated platform takes results at /results");
    let app = axum::Router::new().route("/results", post(result)).with_state(receiver);
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });

    // How often each instruction was answered already; the rest is sent now.
    let mut answered: HashMap<String, usize> = HashMap::new();
    for line in read_lines::<Answered>(&sent_path(&options.state)) {
        *answered.entry(line.instruction_id).or_default() += 1;
    }
    let mut due = Vec::new();
    for n in 1..=options.send {
        let id = format!("{}-{n:06}", options.prefix);
        let wanted = if options.repeat_every > 0 && n % options.repeat_every == 0 { 2 } else { 1 };
        for _ in answered.get(&id).copied().unwrap_or(0)..wanted {
            due.push(id.clone());
        }
    }
    let journal = Arc::new(Mutex::new(Journal::open(&sent_path(&options.state))?));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    // The two sends of one instruction are adjacent: in flight at once, they race, which
    // the township must answer with one event.
    futures_util::stream::iter(due)
        .map(|id| {
            let (client, options, secret, journal) = (&client, &options, &secret, journal.clone());
            async move {
                let answer = send_once(client, options, algorithm, secret, &instruction(options, kind, &id)).await;
                tracing::info!(instruction = %id, status = answer.status, event = %answer.event_number, duplicate = answer.duplicate, "answered");
                let written = journal.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.append(&answer);
                written.context("record an answer")
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect::<Vec<anyhow::Result<()>>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<()>>()?;
    tracing::info!(sent = options.send, "every instruction answered; taking results until stopped");
    tokio::select! {
        served = serving => served?.context("serve")?,
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
