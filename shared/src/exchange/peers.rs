//! The platforms a township exchanges with, kept by its system administrator on
//! `/admin/exchange` (or `tongguan exchange peer`): register one, change it, stop it. A
//! peer's shared secret is typed in when the other side dictates it, else made here and
//! shown once; a change that leaves it empty keeps the one both sides already hold.

use diesel::OptionalExtension;
use diesel::sql_types::{Array, Integer, Jsonb, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::signature::Algorithm;
use super::{PeerForm, PeerKind, SECRET_MADE, SECRET_MAX};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::audit::service as audit;
use crate::error::{AppError, ErrorCode, Validator};
use crate::permissions::codes;
use crate::personal::Column;
use crate::personal::service::seal_text;

/// A checked peer form.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerChange {
    pub code: String,
    pub name: String,
    pub kind: PeerKind,
    pub algorithm: Algorithm,
    pub endpoint: String,
    pub categories: serde_json::Map<String, serde_json::Value>,
    pub max_attempts: i32,
    pub secret: Option<String>,
}

/// The longest delivery address.
const ENDPOINT_MAX: usize = 500;
/// Category mappings a peer may have.
const CATEGORIES_MAX: usize = 2_000;

fn valid_code(code: &str) -> bool {
    let mut bytes = code.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && (2..=32).contains(&code.len())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// `their = ours` a line, blank lines skipped.
fn categories(text: &str) -> Result<serde_json::Map<String, serde_json::Value>, ErrorCode> {
    let mut map = serde_json::Map::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let (theirs, ours) = line.split_once('=').ok_or(ErrorCode::ExchangeCategoriesFormat)?;
        let (theirs, ours) = (theirs.trim(), ours.trim());
        let fits = |code: &str| !code.is_empty() && code.len() <= 40 && !code.contains(char::is_whitespace);
        if !fits(theirs) || !fits(ours) || map.len() >= CATEGORIES_MAX {
            return Err(ErrorCode::ExchangeCategoriesFormat);
        }
        map.insert(theirs.to_owned(), serde_json::Value::from(ours));
    }
    Ok(map)
}

impl PeerForm {
    /// The typed change, or every problem at once.
    pub fn parse(&self) -> Result<PeerChange, AppError> {
        let mut v = Validator::new();
        let code = self.code.trim().to_owned();
        v.check("code", if valid_code(&code) { Ok(()) } else { Err(ErrorCode::ExchangePeerCodeInvalid) });
        let name = self.name.trim().to_owned();
        v.check(
            "name",
            match name.chars().count() {
                0 => Err(ErrorCode::Required),
                n if n > 60 => Err(ErrorCode::TooLong),
                _ => Ok(()),
            },
        );
        let kind = PeerKind::parse(self.kind.trim());
        v.check("kind", kind.map(|_| ()).ok_or(ErrorCode::FieldNotAChoice));
        let algorithm = Algorithm::parse(self.algorithm.trim());
        v.check("algorithm", algorithm.map(|_| ()).ok_or(ErrorCode::FieldNotAChoice));
        let endpoint = self.endpoint.trim().to_owned();
        let web = endpoint.starts_with("https://") || endpoint.starts_with("http://");
        v.check(
            "endpoint",
            if endpoint.is_empty() || (web && endpoint.len() <= ENDPOINT_MAX && !endpoint.contains(char::is_whitespace))
            {
                Ok(())
            } else {
                Err(ErrorCode::ExchangeEndpointInvalid)
            },
        );
        let categories = categories(&self.categories);
        v.check("categories", categories.as_ref().map(|_| ()).map_err(|code| *code));
        let max_attempts = match self.max_attempts.trim() {
            "" => Some(8),
            text => text.parse::<i32>().ok().filter(|n| (1..=100).contains(n)),
        };
        v.check("max_attempts", max_attempts.map(|_| ()).ok_or(ErrorCode::ExchangeAttemptsRange));
        let secret = self.secret.trim();
        v.check(
            "secret",
            if secret.is_empty() || (32..=SECRET_MAX).contains(&secret.chars().count()) {
                Ok(())
            } else {
                Err(ErrorCode::ExchangeSecretLength)
            },
        );
        v.finish()?;
        Ok(PeerChange {
            code,
            name,
            kind: kind.unwrap_or(PeerKind::County),
            algorithm: algorithm.unwrap_or(Algorithm::HmacSm3),
            endpoint,
            categories: categories.unwrap_or_default(),
            max_attempts: max_attempts.unwrap_or(8),
            secret: (!secret.is_empty()).then(|| secret.to_owned()),
        })
    }
}

/// A new secret: letters and digits, [`SECRET_MADE`] of them.
fn make_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; SECRET_MADE];
    rand::fill(&mut bytes[..]);
    // 56 letters: 256 = 4·56 + 32, a bias far below anything guessable at 43 letters.
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// Registers or changes a peer of the administrator's township. Returns the secret when the
/// platform made it (a new peer registered without one): the only time it is seen.
pub async fn save(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    change: &PeerChange,
) -> Result<(i32, Option<String>), AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    // Every mapped category is one of ours.
    let ours: Vec<&str> = change.categories.values().filter_map(|v| v.as_str()).collect();
    #[derive(diesel::QueryableByName)]
    struct Code {
        #[diesel(sql_type = Text)]
        code: String,
    }
    let known: Vec<Code> = diesel::sql_query("SELECT code FROM event_categories WHERE code = ANY($1)")
        .bind::<Array<Text>, _>(&ours)
        .load(conn)
        .await?;
    if ours.iter().any(|code| !known.iter().any(|k| k.code == *code)) {
        return Err(AppError::field("categories", ErrorCode::ExchangeCategoryUnknown));
    }
    #[derive(diesel::QueryableByName)]
    struct Saved {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Integer)]
        township_id: i32,
    }
    // A known peer keeps its secret unless a new one is given; a new one without a secret
    // gets one made. Another township's code is refused, never overwritten.
    let exists: Option<Saved> = diesel::sql_query("SELECT id, township_id FROM exchange_peers WHERE code = $1")
        .bind::<Text, _>(&change.code)
        .get_result(conn)
        .await
        .optional()?;
    if exists.as_ref().is_some_and(|peer| peer.township_id != user.township_id) {
        return Err(AppError::field("code", ErrorCode::ExchangePeerCodeTaken));
    }
    let made = match (&change.secret, &exists) {
        (None, None) => Some(make_secret()),
        _ => None,
    };
    // Kept sealed with the personal-data keyring (`crate::personal`), never in the clear.
    let secret =
        change.secret.as_ref().or(made.as_ref()).map(|secret| seal_text(Column::PeerSecret, secret)).transpose()?;
    let saved: Saved = diesel::sql_query(
        "INSERT INTO exchange_peers \
             (township_id, code, name, kind, algorithm, secret, endpoint, categories, max_attempts) \
         VALUES ($1, $2, $3, $4, $5, coalesce($6, (SELECT secret FROM exchange_peers WHERE code = $2)), $7, $8, $9) \
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, \
             algorithm = EXCLUDED.algorithm, secret = coalesce($6, exchange_peers.secret), \
             endpoint = EXCLUDED.endpoint, categories = EXCLUDED.categories, \
             max_attempts = EXCLUDED.max_attempts, active = true \
         WHERE exchange_peers.township_id = EXCLUDED.township_id \
         RETURNING id, township_id",
    )
    .bind::<Integer, _>(user.township_id)
    .bind::<Text, _>(&change.code)
    .bind::<Text, _>(&change.name)
    .bind::<Text, _>(change.kind.as_str())
    .bind::<Text, _>(change.algorithm.as_str())
    .bind::<diesel::sql_types::Nullable<Text>, _>(secret)
    .bind::<Text, _>(&change.endpoint)
    .bind::<Jsonb, _>(serde_json::Value::Object(change.categories.clone()))
    .bind::<Integer, _>(change.max_attempts)
    .get_result(conn)
    .await
    .optional()?
    .ok_or_else(|| AppError::field("code", ErrorCode::ExchangePeerCodeTaken))?;
    let detail = format!(
        "{} · {} · {} · {}{}",
        change.name,
        change.algorithm.as_str(),
        change.endpoint,
        change.categories.len(),
        if change.secret.is_some() || made.is_some() { " · 新密钥" } else { "" }
    );
    audit::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::PeerSave,
        &change.code,
        &detail,
    )
    .await?;
    Ok((saved.id, made))
}

/// Stops a peer of the administrator's township at once: its next instruction is refused as
/// from an unknown peer; what its outbox holds stays (it resumes when the peer is saved
/// again).
pub async fn stop(conn: &mut AsyncPgConnection, user: &SessionUser, code: &str) -> Result<(), AppError> {
    if !user.can(codes::INTERFACES_MANAGE) {
        return Err(AppError::Forbidden);
    }
    let stopped =
        diesel::sql_query("UPDATE exchange_peers SET active = false WHERE code = $1 AND township_id = $2 AND active")
            .bind::<Text, _>(code)
            .bind::<Integer, _>(user.township_id)
            .execute(conn)
            .await?;
    if stopped == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(conn, user.township_id, Some(user.id), &user.display_name, AuditAction::PeerStop, code, "").await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PeerForm {
        PeerForm {
            code: "county".into(),
            name: "县级平台".into(),
            kind: "county".into(),
            algorithm: "hmac-sm3".into(),
            endpoint: "https://county.example/progress".into(),
            categories: "0101 = CG0101\n\n0102=CG0102".into(),
            max_attempts: "".into(),
            secret: "".into(),
        }
    }

    #[test]
    fn a_form_is_checked_field_by_field() {
        let change = form().parse().expect("valid");
        assert_eq!(change.categories.get("0101"), Some(&serde_json::Value::from("CG0101")));
        assert_eq!((change.max_attempts, change.secret), (8, None));
        let bad = PeerForm {
            code: "County".into(),
            name: "".into(),
            kind: "province".into(),
            algorithm: "md5".into(),
            endpoint: "ftp://x".into(),
            categories: "0101 CG0101".into(),
            max_attempts: "0".into(),
            secret: "short".into(),
        };
        let Err(AppError::Validation(errors)) = bad.parse() else { panic!("refused") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "name", "kind", "algorithm", "endpoint", "categories", "max_attempts", "secret"]);
    }

    #[test]
    fn a_made_secret_is_long_and_new() {
        let (a, b) = (make_secret(), make_secret());
        assert_eq!(a.len(), SECRET_MADE);
        assert_ne!(a, b);
    }
}
