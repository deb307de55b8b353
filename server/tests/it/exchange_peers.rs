//! Peer platforms kept by the system administrator (the page's service): a new peer gets a
//! secret made and shown once, which then signs its instructions; a change without a secret
//! keeps it; a stopped peer is refused at its next instruction and listed as stopped; every
//! field of the form is checked at once, and a mapping to a category the township does not
//! have is refused.

use chrono::{Duration, Utc};
use http::StatusCode;
use shared::AppError;
use shared::exchange::PeerForm;
use shared::exchange::peers;
use shared::exchange::service::outbox;
use shared::exchange::signature::Algorithm;

use crate::exchange::{instruction, point, signed};
use crate::harness::TestDb;
use crate::http::{router, send};

fn form(secret: &str) -> PeerForm {
    PeerForm {
        code: "county".into(),
        name: "县级社会治理平台".into(),
        kind: "county".into(),
        algorithm: "hmac-sm3".into(),
        endpoint: String::new(),
        categories: "0105 = CG0501".into(),
        max_attempts: "5".into(),
        secret: secret.into(),
    }
}

#[tokio::test]
async fn peers_are_registered_changed_and_stopped_by_the_administrator() {
    let db = TestDb::new().await;
    let router = router(&db);
    let admin = db.user("sysadmin").await;
    let staff = db.user("staff").await;
    let change = form("").parse().expect("valid");
    assert!(matches!(peers::save(&mut *db.conn().await, &staff, &change).await, Err(AppError::Forbidden)));

    // New, without a secret: one is made, and it signs the peer's instructions.
    let (_, made) = peers::save(&mut *db.conn().await, &admin, &change).await.expect("saved");
    let secret = made.expect("a secret made for a new peer");
    assert!(secret.len() >= 43, "{secret}");
    let at = point(&db).await;
    let deadline = Utc::now() + Duration::days(2);
    let now = Utc::now().timestamp();
    let request =
        signed(&instruction("XJ-1", at, deadline), Algorithm::HmacSm3, "nonce-peer-000000000001", now, &secret);
    let (status, _, answer) = send(&router, request).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    // Changed without a secret: the secret stays, nothing is shown.
    let renamed = PeerForm { name: "县级平台（新）".into(), ..form("") }.parse().expect("valid");
    let (_, made) = peers::save(&mut *db.conn().await, &admin, &renamed).await.expect("saved");
    assert_eq!(made, None);
    let request =
        signed(&instruction("XJ-2", at, deadline), Algorithm::HmacSm3, "nonce-peer-000000000002", now, &secret);
    assert_eq!(send(&router, request).await.0, StatusCode::CREATED, "the old secret still signs");
    // Changed with a secret the peer dictates: the old one stops working.
    let dictated = "dictated-by-county-0123456789abcdef0123";
    let (_, made) =
        peers::save(&mut *db.conn().await, &admin, &form(dictated).parse().expect("valid")).await.expect("saved");
    assert_eq!(made, None, "a secret typed in is not shown back");
    let request =
        signed(&instruction("XJ-3", at, deadline), Algorithm::HmacSm3, "nonce-peer-000000000003", now, &secret);
    assert_eq!(send(&router, request).await.0, StatusCode::UNAUTHORIZED);
    let request =
        signed(&instruction("XJ-3", at, deadline), Algorithm::HmacSm3, "nonce-peer-000000000004", now, dictated);
    assert_eq!(send(&router, request).await.0, StatusCode::CREATED);

    // Stopped: refused at once, listed as stopped.
    peers::stop(&mut *db.conn().await, &admin, "county").await.expect("stopped");
    let request =
        signed(&instruction("XJ-4", at, deadline), Algorithm::HmacSm3, "nonce-peer-000000000005", now, dictated);
    let (status, _, answer) = send(&router, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(answer.contains("exchange.peer_unknown"), "{answer}");
    let page = outbox(&mut *db.conn().await, &admin, shared::exchange::OutboxView::All).await.expect("page");
    let listed: Vec<(String, bool, String)> =
        page.peers.iter().map(|p| (p.code.clone(), p.active, p.name.clone())).collect();
    assert_eq!(listed, [("county".to_owned(), false, "县级社会治理平台".to_owned())]);
    assert!(matches!(peers::stop(&mut *db.conn().await, &admin, "county").await, Err(AppError::NotFound)));

    // A mapping to a category the township lacks is refused, and nothing changes.
    let unmapped = PeerForm { categories: "0105 = NOPE99".into(), ..form("") }.parse().expect("well formed");
    let error = peers::save(&mut *db.conn().await, &admin, &unmapped).await.expect_err("refused");
    let AppError::Validation(fields) = error else { panic!("a field error") };
    assert_eq!((fields[0].field.as_str(), fields[0].code.as_str()), ("categories", "exchange.category_unknown"));
    let page = outbox(&mut *db.conn().await, &admin, shared::exchange::OutboxView::All).await.expect("page");
    assert!(!page.peers[0].active, "still stopped");
    db.finish().await;
}
