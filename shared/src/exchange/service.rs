//! Receiving instructions and keeping the outbox: the only code that reads or writes the
//! `exchange_*` tables. The HTTP side and the delivery job are `server/src/exchange/`.

use chrono::{DateTime, Duration, Utc};
use diesel::sql_types::{BigInt, Bool, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::signature::{self, Algorithm, Refusal};
use super::{
    Instruction, InstructionKind, OutboxPage, OutboxRow, OutboxState, OutboxView, PeerKind, PeerRow, Progress, Receipt,
    WorkOrderStage,
};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::events::Action;
use crate::events::service::{catalog, intake};
use crate::events::types::{Channel, NewEvent, Priority};
use crate::permissions::codes;
use crate::personal::Column;
use crate::personal::service::{open_text, seal_text};

/// A platform the township exchanges with.
#[derive(Debug, Clone)]
pub struct Peer {
    pub id: i32,
    pub township_id: i32,
    pub code: String,
    pub name: String,
    pub kind: PeerKind,
    pub algorithm: Algorithm,
    pub secret: String,
    pub endpoint: String,
    pub categories: serde_json::Map<String, serde_json::Value>,
    pub max_attempts: i32,
}

#[derive(diesel::QueryableByName)]
struct PeerRecord {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Integer)]
    township_id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    algorithm: String,
    #[diesel(sql_type = Text)]
    secret: String,
    #[diesel(sql_type = Text)]
    endpoint: String,
    #[diesel(sql_type = Jsonb)]
    categories: serde_json::Value,
    #[diesel(sql_type = Integer)]
    max_attempts: i32,
}

impl PeerRecord {
    fn into_peer(self) -> Result<Peer, AppError> {
        Ok(Peer {
            id: self.id,
            township_id: self.township_id,
            code: self.code,
            name: self.name,
            kind: PeerKind::parse(&self.kind).unwrap_or(PeerKind::County),
            algorithm: Algorithm::parse(&self.algorithm).unwrap_or(Algorithm::HmacSm3),
            secret: open_text(Column::PeerSecret, &self.secret)?,
            endpoint: self.endpoint,
            categories: match self.categories {
                serde_json::Value::Object(map) => map,
                _ => serde_json::Map::new(),
            },
            max_attempts: self.max_attempts,
        })
    }
}

/// An active peer by its code.
pub async fn peer(conn: &mut AsyncPgConnection, code: &str) -> Result<Option<Peer>, AppError> {
    let row: Option<PeerRecord> = diesel::sql_query(
        "SELECT id, township_id, code, name, kind, algorithm, secret, endpoint, categories, max_attempts \
         FROM exchange_peers WHERE code = $1 AND active",
    )
    .bind::<Text, _>(code)
    .get_result(conn)
    .await
    .optional()?;
    row.map(PeerRecord::into_peer).transpose()
}

/// A peer to register (`tongguan exchange peer-add`).
#[derive(Debug, Clone)]
pub struct NewPeer {
    pub township_id: i32,
    pub code: String,
    pub name: String,
    pub kind: PeerKind,
    pub algorithm: Algorithm,
    pub secret: String,
    pub endpoint: String,
    pub categories: serde_json::Map<String, serde_json::Value>,
    pub max_attempts: i32,
}

/// Registers a peer, or changes the one of the same code in the same township (another
/// township's code is refused, never overwritten: the same rule as the page's `peers::save`).
pub async fn save_peer(conn: &mut AsyncPgConnection, peer: &NewPeer) -> Result<i32, AppError> {
    if peer.secret.len() < 32 {
        return Err(AppError::field("secret", ErrorCode::PasswordTooShort));
    }
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = Integer)]
        id: i32,
    }
    let saved: Id = diesel::sql_query(
        "INSERT INTO exchange_peers (township_id, code, name, kind, algorithm, secret, endpoint, categories, max_attempts) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, algorithm = EXCLUDED.algorithm, \
             secret = EXCLUDED.secret, endpoint = EXCLUDED.endpoint, categories = EXCLUDED.categories, \
             max_attempts = EXCLUDED.max_attempts, active = true \
         WHERE exchange_peers.township_id = EXCLUDED.township_id \
         RETURNING id",
    )
    .bind::<Integer, _>(peer.township_id)
    .bind::<Text, _>(&peer.code)
    .bind::<Text, _>(&peer.name)
    .bind::<Text, _>(peer.kind.as_str())
    .bind::<Text, _>(peer.algorithm.as_str())
    .bind::<Text, _>(seal_text(Column::PeerSecret, &peer.secret)?)
    .bind::<Text, _>(&peer.endpoint)
    .bind::<Jsonb, _>(serde_json::Value::Object(peer.categories.clone()))
    .bind::<Integer, _>(peer.max_attempts)
    .get_result(conn)
    .await
    .optional()?
    .ok_or_else(|| AppError::field("code", ErrorCode::ExchangePeerCodeTaken))?;
    Ok(saved.id)
}

/// The signature headers of a request, as received.
#[derive(Debug, Clone, Default)]
pub struct Signed<'a> {
    pub peer: &'a str,
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
}

fn refusal(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Malformed => AppError::field("signature", ErrorCode::ExchangeMalformed),
        Refusal::Stale => AppError::field("x-tg-timestamp", ErrorCode::ExchangeStale),
        Refusal::BadSignature => AppError::field("x-tg-signature", ErrorCode::ExchangeSignature),
    }
}

/// Checks a signed request from a peer: the peer, the signature over the body, the
/// timestamp's window and the nonce's first use. Returns the peer.
pub async fn authenticate(conn: &mut AsyncPgConnection, signed: &Signed<'_>, body: &[u8]) -> Result<Peer, AppError> {
    let peer =
        peer(conn, signed.peer).await?.ok_or_else(|| AppError::field("x-tg-peer", ErrorCode::ExchangePeerUnknown))?;
    signature::verify(
        peer.algorithm,
        peer.secret.as_bytes(),
        signed.timestamp,
        signed.nonce,
        signed.signature,
        body,
        Utc::now(),
    )
    .map_err(refusal)?;
    // Nonces older than the window cannot come back (their timestamps are refused).
    diesel::sql_query("DELETE FROM exchange_nonces WHERE seen_at < now() - make_interval(secs => $1)")
        .bind::<diesel::sql_types::Double, _>((2 * signature::WINDOW_SECS) as f64)
        .execute(conn)
        .await?;
    let fresh =
        diesel::sql_query("INSERT INTO exchange_nonces (peer_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind::<Integer, _>(peer.id)
            .bind::<Text, _>(signed.nonce)
            .execute(conn)
            .await?;
    if fresh == 0 {
        return Err(AppError::Conflict(ErrorCode::ExchangeReplay));
    }
    Ok(peer)
}

/// The event an instruction already made, if the peer sent it before.
async fn existing(
    conn: &mut AsyncPgConnection,
    peer: &Peer,
    instruction_id: &str,
) -> Result<Option<Receipt>, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Number {
        #[diesel(sql_type = Text)]
        number: String,
    }
    let found: Option<Number> = diesel::sql_query(
        "SELECT e.number FROM exchange_instructions i JOIN events e ON e.id = i.event_id \
         WHERE i.peer_id = $1 AND i.instruction_id = $2",
    )
    .bind::<Integer, _>(peer.id)
    .bind::<Text, _>(instruction_id)
    .get_result(conn)
    .await
    .optional()?;
    Ok(found.map(|f| Receipt { instruction_id: instruction_id.to_owned(), event_number: f.number, duplicate: true }))
}

/// The longest sender's id kept.
const INSTRUCTION_ID_MAX: usize = 64;

/// Takes an authenticated peer's instruction: once per sender's id, as an event of the loop
/// with the sender's deadline, routed like any other.
pub async fn receive(conn: &mut AsyncPgConnection, peer: &Peer, body: &[u8]) -> Result<Receipt, AppError> {
    let instruction: Instruction =
        serde_json::from_slice(body).map_err(|_| AppError::field("body", ErrorCode::ExchangeMalformed))?;
    let id = instruction.instruction_id.trim().to_owned();
    if id.is_empty() || id.chars().count() > INSTRUCTION_ID_MAX {
        return Err(AppError::field("instruction_id", ErrorCode::ExchangeMalformed));
    }
    if let Some(receipt) = existing(conn, peer, &id).await? {
        return Ok(receipt);
    }
    let ours = peer.categories.get(&instruction.category).and_then(|v| v.as_str()).unwrap_or(&instruction.category);
    let category = catalog::categories(conn)
        .await?
        .into_iter()
        .find(|c| c.code == ours && c.active && c.parent_id.is_some())
        .ok_or_else(|| AppError::field("category", ErrorCode::ExchangeCategoryUnknown))?;
    let priority = match instruction.priority.as_deref() {
        None => Priority::Normal,
        Some(code) => {
            Priority::parse(code).ok_or_else(|| AppError::field("priority", ErrorCode::ExchangePriorityUnknown))?
        }
    };
    let form = NewEvent {
        channel: Channel::Superior.as_str().into(),
        category_id: category.id,
        priority: priority.as_str().into(),
        title: instruction.title.clone(),
        description: instruction.description.clone(),
        address: instruction.address.clone(),
        lat: Some(instruction.lat),
        lng: Some(instruction.lon),
        contact_name: instruction.contact_name.clone(),
        contact_phone: instruction.contact_phone.clone(),
        ..NewEvent::default()
    };
    let filer = intake::SystemFiler {
        township_id: peer.township_id,
        channel: Channel::Superior,
        name: peer.name.clone(),
        deadline: instruction.deadline,
    };
    // The instruction is kept as it came, but for the reporter's number: the event holds it
    // sealed, so the record of what came keeps it masked.
    let kept =
        Instruction { contact_phone: crate::sharing::mask::phone(&instruction.contact_phone), ..instruction.clone() };
    let payload = serde_json::to_value(&kept).unwrap_or_default();
    let (peer_id, kind, deadline) = (peer.id, instruction.kind, instruction.deadline);
    let id_for_tx = id.clone();
    let filed = conn
        .transaction::<_, AppError, _>(async |conn| {
            let reported = intake::file_for_system(conn, &filer, &form).await?;
            let kept = diesel::sql_query(
                "INSERT INTO exchange_instructions (peer_id, instruction_id, kind, event_id, deadline, payload) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (peer_id, instruction_id) DO NOTHING",
            )
            .bind::<Integer, _>(peer_id)
            .bind::<Text, _>(&id_for_tx)
            .bind::<Text, _>(kind.as_str())
            .bind::<BigInt, _>(reported.id)
            .bind::<Nullable<Timestamptz>, _>(deadline)
            .bind::<Jsonb, _>(&payload)
            .execute(conn)
            .await?;
            // The same instruction, sent twice at once, made its event in the other request:
            // this one's event is rolled back.
            if kept == 0 {
                return Err(AppError::Conflict(ErrorCode::EventDuplicateDraft));
            }
            Ok(reported)
        })
        .await;
    match filed {
        Ok(reported) => Ok(Receipt { instruction_id: id, event_number: reported.number, duplicate: false }),
        Err(AppError::Conflict(ErrorCode::EventDuplicateDraft)) => {
            existing(conn, peer, &id).await?.ok_or(AppError::Internal)
        }
        Err(AppError::Validation(errors)) => Err(AppError::Validation(
            errors
                .into_iter()
                .map(|e| {
                    let field = match e.field.as_str() {
                        "location" => "lat",
                        "category_id" => "category",
                        other => other,
                    };
                    FieldError::new(field, e.code)
                })
                .collect(),
        )),
        Err(other) => Err(other),
    }
}

/// A message claimed for delivery.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub peer_code: String,
    pub algorithm: Algorithm,
    pub secret: String,
    pub endpoint: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub progress: Progress,
}

/// The columns of a message as it is sent, from an outbox row `o` and [`message_joins!`].
macro_rules! message_columns {
    () => {
        concat!(
            "o.id AS message_id, i.instruction_id, i.kind, e.number AS event_number, s.action, \
             s.to_state AS step_state, s.to_state IN (",
            crate::final_states_sql!(),
            ") AS is_final, s.at, s.note"
        )
    };
}

/// What [`message_columns!`] reads from.
macro_rules! message_joins {
    () => {
        " JOIN exchange_instructions i ON i.id = o.instruction_id JOIN event_steps s ON s.id = o.step_id \
          JOIN events e ON e.id = i.event_id "
    };
}

/// A message as it is sent, read by [`message_columns!`].
#[derive(diesel::QueryableByName)]
struct MessageRow {
    #[diesel(sql_type = BigInt)]
    message_id: i64,
    #[diesel(sql_type = Text)]
    instruction_id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    event_number: String,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    step_state: String,
    #[diesel(sql_type = Bool)]
    is_final: bool,
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    note: String,
}

impl MessageRow {
    fn into_progress(self) -> Progress {
        // A work order's messages also name the hotline's stage the step reached.
        let stage = (InstructionKind::parse(&self.kind) == Some(InstructionKind::WorkOrder))
            .then(|| Action::parse(&self.action).map(WorkOrderStage::of))
            .flatten();
        Progress {
            message_id: self.message_id,
            instruction_id: self.instruction_id,
            event_number: self.event_number,
            action: self.action,
            state: self.step_state,
            is_final: self.is_final,
            at: self.at,
            note: self.note,
            stage,
        }
    }
}

/// How long a claimed message is left to its sender before another process may try it.
pub const LEASE_SECS: i64 = 60;

/// Claims up to `limit` messages due now: the oldest undelivered message of each instruction
/// (so each instruction's steps go out in order), if it is pending and its time has come.
/// A claim takes one attempt and leases the message for [`LEASE_SECS`]: a process that dies
/// while sending leaves it to be sent again, which the receiver recognises by its id.
pub async fn claim(conn: &mut AsyncPgConnection, limit: i64) -> Result<Vec<Delivery>, AppError> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        peer_code: String,
        #[diesel(sql_type = Text)]
        algorithm: String,
        #[diesel(sql_type = Text)]
        secret: String,
        #[diesel(sql_type = Text)]
        endpoint: String,
        #[diesel(sql_type = Integer)]
        attempts: i32,
        #[diesel(sql_type = Integer)]
        max_attempts: i32,
        #[diesel(embed)]
        message: MessageRow,
    }
    let rows: Vec<Row> = diesel::sql_query(concat!(
        "WITH heads AS ( \
             SELECT DISTINCT ON (o.instruction_id) o.id, o.state, o.next_attempt_at FROM exchange_outbox o \
             WHERE o.state <> 'delivered' ORDER BY o.instruction_id, o.id), \
         due AS (SELECT id FROM heads WHERE state = 'pending' AND next_attempt_at <= now() ORDER BY id LIMIT $1), \
         claimed AS ( \
             UPDATE exchange_outbox o SET attempts = o.attempts + 1, \
                 next_attempt_at = now() + make_interval(secs => $2) \
             FROM due WHERE o.id = due.id AND o.state = 'pending' AND o.next_attempt_at <= now() \
             RETURNING o.id, o.peer_id, o.instruction_id, o.step_id, o.attempts) \
         SELECT p.code AS peer_code, p.algorithm, p.secret, p.endpoint, o.attempts, p.max_attempts, ",
        message_columns!(),
        " FROM claimed o JOIN exchange_peers p ON p.id = o.peer_id",
        message_joins!(),
        "ORDER BY o.id"
    ))
    .bind::<BigInt, _>(limit)
    .bind::<diesel::sql_types::Double, _>(LEASE_SECS as f64)
    .load(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Delivery {
                id: r.message.message_id,
                peer_code: r.peer_code,
                algorithm: Algorithm::parse(&r.algorithm).unwrap_or(Algorithm::HmacSm3),
                secret: open_text(Column::PeerSecret, &r.secret)?,
                endpoint: r.endpoint,
                attempts: r.attempts,
                max_attempts: r.max_attempts,
                progress: r.message.into_progress(),
            })
        })
        .collect()
}

/// A message the receiver acknowledged.
pub async fn delivered(conn: &mut AsyncPgConnection, id: i64) -> Result<(), AppError> {
    diesel::sql_query(
        "UPDATE exchange_outbox SET state = 'delivered', delivered_at = now(), last_error = '' WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: 2 s doubling to at most an hour, with full
/// jitter in its upper half (many townships' messages to one recovering platform spread out).
pub fn backoff(attempts: i32, jitter: f64) -> Duration {
    let base = 2f64 * 2f64.powi((attempts - 1).clamp(0, 20));
    let capped = base.min(3600.0);
    let seconds = capped / 2.0 + capped / 2.0 * jitter.clamp(0.0, 1.0);
    Duration::milliseconds((seconds * 1000.0) as i64)
}

/// A failed attempt: tried again after its back-off, or a dead letter after the peer's limit.
pub async fn failed(conn: &mut AsyncPgConnection, delivery: &Delivery, error: &str) -> Result<(), AppError> {
    let error: String = error.chars().take(500).collect();
    let dead = delivery.attempts >= delivery.max_attempts;
    let wait = backoff(delivery.attempts, rand::random::<f64>());
    diesel::sql_query(
        "UPDATE exchange_outbox SET state = CASE WHEN $2 THEN 'dead' ELSE 'pending' END, last_error = $3, \
             next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1 AND state = 'pending'",
    )
    .bind::<BigInt, _>(delivery.id)
    .bind::<Bool, _>(dead)
    .bind::<Text, _>(error)
    .bind::<diesel::sql_types::Double, _>(wait.num_milliseconds() as f64 / 1000.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sends a dead letter again (an operator's button): pending now, its attempts counted anew.
pub async fn retry(conn: &mut AsyncPgConnection, user: &SessionUser, id: i64) -> Result<(), AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let retried = diesel::sql_query(
        "UPDATE exchange_outbox o SET state = 'pending', attempts = 0, next_attempt_at = now() \
         FROM exchange_peers p WHERE o.id = $1 AND p.id = o.peer_id AND p.township_id = $2 AND o.state = 'dead'",
    )
    .bind::<BigInt, _>(id)
    .bind::<Integer, _>(user.township_id)
    .execute(conn)
    .await?;
    if retried == 0 {
        return Err(AppError::NotFound);
    }
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::ExchangeRetry,
        &id.to_string(),
        "",
    )
    .await
}

/// How many messages each state of the outbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct OutboxCounts {
    /// Pending, not yet tried.
    #[diesel(sql_type = BigInt)]
    pub waiting: i64,
    /// Pending after a failed attempt.
    #[diesel(sql_type = BigInt)]
    pub failing: i64,
    #[diesel(sql_type = BigInt)]
    pub dead: i64,
    #[diesel(sql_type = BigInt)]
    pub delivered: i64,
}

/// The outbox's messages by state: of one township's peers, or (`None`, for monitoring) the
/// backlog of every township's — without counting the delivered ones, which only grow (the
/// count then reads the `exchange_outbox_due` index's rows alone; `delivered` is 0).
pub async fn counts(conn: &mut AsyncPgConnection, township_id: Option<i32>) -> Result<OutboxCounts, AppError> {
    Ok(diesel::sql_query(
        "SELECT count(*) FILTER (WHERE o.state = 'pending' AND o.attempts = 0) AS waiting, \
                count(*) FILTER (WHERE o.state = 'pending' AND o.attempts > 0) AS failing, \
                count(*) FILTER (WHERE o.state = 'dead') AS dead, \
                count(*) FILTER (WHERE o.state = 'delivered') AS delivered \
         FROM exchange_outbox o JOIN exchange_peers p ON p.id = o.peer_id \
         WHERE CASE WHEN $1::integer IS NULL THEN o.state <> 'delivered' ELSE p.township_id = $1 END",
    )
    .bind::<Nullable<Integer>, _>(township_id)
    .get_result(conn)
    .await?)
}

/// The outbox page: the township's peers, each tab's count, and the tab's newest messages
/// (at most 200).
pub async fn outbox(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    view: OutboxView,
) -> Result<OutboxPage, AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        peer: String,
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Integer)]
        attempts: i32,
        #[diesel(sql_type = Timestamptz)]
        next_attempt_at: DateTime<Utc>,
        #[diesel(sql_type = Text)]
        last_error: String,
        #[diesel(sql_type = Timestamptz)]
        created_at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        delivered_at: Option<DateTime<Utc>>,
        #[diesel(embed)]
        message: MessageRow,
    }
    // One condition per tab, the same for the list and the counts.
    let rows: Vec<Row> = diesel::sql_query(concat!(
        "SELECT p.name AS peer, o.state, o.attempts, o.next_attempt_at, o.last_error, o.created_at, o.delivered_at, ",
        message_columns!(),
        " FROM exchange_outbox o JOIN exchange_peers p ON p.id = o.peer_id",
        message_joins!(),
        "WHERE p.township_id = $1 AND CASE $2 \
             WHEN 'waiting' THEN o.state = 'pending' AND o.attempts = 0 \
             WHEN 'failing' THEN o.state = 'pending' AND o.attempts > 0 \
             WHEN 'dead' THEN o.state = 'dead' WHEN 'delivered' THEN o.state = 'delivered' ELSE true END \
         ORDER BY o.id DESC LIMIT 200"
    ))
    .bind::<Integer, _>(user.township_id)
    .bind::<Text, _>(view.as_str())
    .load(conn)
    .await?;
    let counts = counts(conn, Some(user.township_id)).await?;
    #[derive(diesel::QueryableByName)]
    struct Peer {
        #[diesel(sql_type = Bool)]
        active: bool,
        #[diesel(sql_type = Text)]
        code: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        algorithm: String,
        #[diesel(sql_type = Text)]
        endpoint: String,
        #[diesel(sql_type = Integer)]
        max_attempts: i32,
        #[diesel(sql_type = BigInt)]
        instructions: i64,
    }
    let peers: Vec<Peer> = diesel::sql_query(
        "SELECT p.active, p.code, p.name, p.kind, p.algorithm, p.endpoint, p.max_attempts, \
                (SELECT count(*) FROM exchange_instructions i WHERE i.peer_id = p.id) AS instructions \
         FROM exchange_peers p WHERE p.township_id = $1 ORDER BY p.active DESC, p.code",
    )
    .bind::<Integer, _>(user.township_id)
    .load(conn)
    .await?;
    let all = counts.waiting + counts.failing + counts.dead + counts.delivered;
    Ok(OutboxPage {
        peers: peers
            .into_iter()
            .map(|p| PeerRow {
                active: p.active,
                kind: PeerKind::parse(&p.kind).unwrap_or(PeerKind::County),
                code: p.code,
                name: p.name,
                algorithm: p.algorithm,
                endpoint: p.endpoint,
                max_attempts: p.max_attempts,
                instructions: p.instructions,
            })
            .collect(),
        counts: vec![
            (OutboxView::Waiting, counts.waiting),
            (OutboxView::Failing, counts.failing),
            (OutboxView::Dead, counts.dead),
            (OutboxView::Delivered, counts.delivered),
            (OutboxView::All, all),
        ],
        rows: rows
            .into_iter()
            .map(|r| OutboxRow {
                payload: String::new(),
                peer: r.peer,
                state: OutboxState::parse(&r.state).unwrap_or(OutboxState::Pending),
                attempts: r.attempts,
                next_attempt_at: r.next_attempt_at,
                last_error: r.last_error,
                created_at: r.created_at,
                delivered_at: r.delivered_at,
                id: r.message.message_id,
                message: r.message.into_progress(),
            })
            .map(|row| OutboxRow { payload: serde_json::to_string_pretty(&row.message).unwrap_or_default(), ..row })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_to_an_hour_with_jitter_in_its_upper_half() {
        assert_eq!(backoff(1, 0.0), Duration::seconds(1));
        assert_eq!(backoff(1, 1.0), Duration::seconds(2));
        assert_eq!(backoff(4, 1.0), Duration::seconds(16));
        assert_eq!(backoff(30, 1.0), Duration::seconds(3600));
        assert_eq!(backoff(30, 0.0), Duration::seconds(1800));
    }
}
