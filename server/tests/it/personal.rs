//! Personal data at rest (R-9.3.1, 密评): residents' ID and mobile numbers sealed with SM4-GCM,
//! found by their blind index, revealed one at a time to those allowed and audited, sealed at
//! start when left in the clear, and re-sealed under a new key.

use axum::http::StatusCode;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Binary, Nullable, Text};
use diesel_async::RunQueryDsl;
use shared::AppError;
use shared::basedata::service;
use shared::paging::TableQuery;
use shared::personal::service::{KeyringError, check_keys, reseal, reveal, versions_in_use};
use shared::personal::{Column, Keyring};

use crate::harness::{PERSONAL_KEYS, TestDb};
use crate::http::{FORM, login, router, send, server_fn_call};

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    id_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    phone: Option<String>,
    #[diesel(sql_type = Nullable<Binary>)]
    id_number_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = Nullable<Binary>)]
    phone_sealed: Option<Vec<u8>>,
}

/// The residents of the demo village worker's village, as stored.
async fn stored(db: &TestDb) -> Vec<Stored> {
    diesel::sql_query(
        "SELECT r.id, r.name, r.id_number, r.phone, r.id_number_sealed, r.phone_sealed FROM residents r \
         JOIN users u ON u.username = 'village' AND u.village_id = r.village_id ORDER BY r.id",
    )
    .load(&mut *db.conn().await)
    .await
    .expect("residents")
}

fn keyring(extra: &str) -> Keyring {
    Keyring::parse(&format!("{PERSONAL_KEYS} {extra}")).expect("a keyring")
}

async fn search(db: &TestDb, username: &str, q: &str) -> Vec<shared::basedata::ResidentRow> {
    let user = db.user(username).await;
    let query = TableQuery { q: q.to_owned(), per_page: 100, ..Default::default() };
    service::residents(&mut *db.conn().await, &user, &query).await.expect("residents").rows
}

async fn audited(db: &TestDb, target: &str) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Record {
        #[diesel(sql_type = Text)]
        actor_name: String,
        #[diesel(sql_type = Text)]
        detail: String,
    }
    shared::sql::Sql::new("SELECT actor_name, detail FROM audit_log WHERE action = 'personal.reveal' AND target = ")
        .bind(target.to_owned())
        .push(" ORDER BY id")
        .query()
        .load::<Record>(&mut *db.conn().await)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| (r.actor_name, r.detail))
        .collect()
}

#[tokio::test]
async fn numbers_are_sealed_at_rest_found_by_their_exact_value_and_kept_unique() {
    let db = TestDb::new().await;
    let keys = keyring("");
    let rows = stored(&db).await;
    assert!(rows.len() > 10);
    for row in &rows {
        assert_eq!((&row.id_number, &row.phone), (&None, &None), "nothing in the clear");
        let sealed = row.id_number_sealed.as_deref().expect("sealed");
        let id_number = keys.open(Column::ResidentIdNumber, sealed).expect("opens");
        shared::codes::id_number::validate(&id_number).expect("a valid ID number");
        assert!(!sealed.windows(8).any(|w| w == &id_number.as_bytes()[6..14]), "no birth date in the ciphertext");
    }
    let first = &rows[3];
    let id_number = keys.open(Column::ResidentIdNumber, first.id_number_sealed.as_deref().unwrap()).unwrap();
    let phone = keys.open(Column::ResidentPhone, first.phone_sealed.as_deref().unwrap()).unwrap();

    // The whole number finds its resident, masked, in any spelling of the check character.
    for q in [id_number.clone(), id_number.to_lowercase(), phone.clone()] {
        let found = search(&db, "staff", &q).await;
        assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![first.id], "{q}");
        assert_eq!(found[0].id_number, shared::codes::id_number::mask(&id_number));
        assert_eq!(found[0].phone, shared::codes::mobile::mask(&phone));
    }
    // Part of a number finds nothing; a viewer who may not see personal data learns nothing
    // from a whole one.
    assert!(search(&db, "staff", &id_number[..17]).await.is_empty());
    assert!(search(&db, "leader", &id_number).await.is_empty());
    let seen_by_leader = search(&db, "leader", &first.name).await;
    assert!(seen_by_leader.iter().any(|r| r.id == first.id));
    assert!(seen_by_leader.iter().all(|r| r.id_number == "******" && r.phone == "******"));

    // One ID number per township, though the database cannot read it: its index is unique.
    let duplicate = diesel::sql_query(
        "INSERT INTO residents (township_id, village_id, grid_id, house_id, name, gender, birth_date, \
           id_number_sealed, id_number_index) \
         SELECT township_id, village_id, grid_id, house_id, '重复', gender, birth_date, $2, $3 FROM residents WHERE id = $1",
    )
    .bind::<BigInt, _>(first.id)
    .bind::<Binary, _>(keys.seal(Column::ResidentIdNumber, &id_number))
    .bind::<Binary, _>(keys.blind_index(Column::ResidentIdNumber, &id_number))
    .execute(&mut *db.conn().await)
    .await;
    assert!(format!("{duplicate:?}").contains("residents_id_number_index_unique"), "{duplicate:?}");
    db.finish().await;
}

#[tokio::test]
async fn a_number_is_revealed_only_with_the_permission_in_scope_and_every_reveal_is_audited() {
    let db = TestDb::new().await;
    let keys = keyring("");
    let mine = &stored(&db).await[0];
    let id_number = keys.open(Column::ResidentIdNumber, mine.id_number_sealed.as_deref().unwrap()).unwrap();
    let phone = keys.open(Column::ResidentPhone, mine.phone_sealed.as_deref().unwrap()).unwrap();
    let target = format!("resident:{}", mine.id);

    let mut conn = db.conn().await;
    let staff = db.user("staff").await;
    let village = db.user("village").await;
    assert_eq!(reveal(&mut conn, &staff, mine.id, Column::ResidentIdNumber).await.as_deref(), Ok(id_number.as_str()));
    assert_eq!(reveal(&mut conn, &village, mine.id, Column::ResidentPhone).await.as_deref(), Ok(phone.as_str()));
    // The grid worker and the leader see masks only; a citizen nothing.
    for username in ["grid", "leader", "13800000001"] {
        let user = db.user(username).await;
        assert_eq!(
            reveal(&mut conn, &user, mine.id, Column::ResidentIdNumber).await,
            Err(AppError::Forbidden),
            "{username}"
        );
    }
    // A village worker may not reveal another village's resident: to them it is not there.
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let other: Id = diesel::sql_query(
        "SELECT r.id FROM residents r WHERE r.village_id <> (SELECT village_id FROM users WHERE username = 'village') \
         ORDER BY r.id LIMIT 1",
    )
    .get_result(&mut conn)
    .await
    .expect("a resident of another village");
    assert_eq!(reveal(&mut conn, &village, other.id, Column::ResidentIdNumber).await, Err(AppError::NotFound));
    drop(conn);

    assert_eq!(
        audited(&db, &target).await,
        vec![
            (staff.display_name.clone(), "residents.id_number".to_owned()),
            (village.display_name.clone(), "residents.phone".to_owned())
        ]
    );
    assert!(audited(&db, &format!("resident:{}", other.id)).await.is_empty());

    // Through the server function, as the page calls it.
    let router = router(&db);
    let body = format!("resident={}&column=residents.id_number", mine.id);
    let cookie = login(&router, "staff").await;
    let (status, _, _) = send(&router, server_fn_call("/api/basedata/reveal", Some(&cookie), FORM, body.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = login(&router, "grid").await;
    let (status, _, _) = send(&router, server_fn_call("/api/basedata/reveal", Some(&cookie), FORM, body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let cookie = login(&router, "staff").await;
    let bad = format!("resident={}&column=residents.name", mine.id);
    let (status, _, _) = send(&router, server_fn_call("/api/basedata/reveal", Some(&cookie), FORM, bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(audited(&db, &target).await.len(), 3, "the reveal through the page is audited too");
    db.finish().await;
}

#[tokio::test]
async fn an_events_contact_number_is_sealed_at_rest_and_shown_whole_only_to_who_may_see_it() {
    use shared::events::service::{duplicates, intake, queries};
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let citizen = db.user("13800000001").await;
    let form = shared::events::NewEvent {
        contact_phone: " 13912345678 ".into(),
        ..crate::events::report_in_grid(&mut conn, None).await
    };
    let reported = intake::report(&mut conn, &citizen, &form).await.expect("reported");
    let stored = text(&mut conn, "SELECT contact_phone AS value FROM events ORDER BY id DESC LIMIT 1").await;
    assert!(stored.starts_with("sm4:01") && !stored.contains("13912345678"), "sealed at rest: {stored}");
    let keys = shared::personal::keys::installed().expect("the tests' keyring");
    assert_eq!(keys.open_text(Column::EventContactPhone, &stored).as_deref(), Ok("13912345678"));

    let window = duplicates::DuplicateWindow { metres: 100.0, days: 7 };
    let phone_seen_by = async |username: &str| {
        let user = db.user(username).await;
        queries::detail(&mut *db.conn().await, &user, reported.id, window).await.expect("detail").contact_phone
    };
    assert_eq!(phone_seen_by("13800000001").await, "13912345678", "the reporter sees their own number");
    assert_eq!(phone_seen_by("staff").await, "13912345678", "staff with personal data see it whole");
    assert_eq!(phone_seen_by("leader").await, "139****5678", "without that permission it is masked");

    // A report without a number keeps the empty text, which is never sealed.
    let no_phone = crate::events::report_in_grid(&mut conn, None).await;
    intake::report(&mut conn, &citizen, &no_phone).await.expect("reported");
    let stored = text(&mut conn, "SELECT contact_phone AS value FROM events ORDER BY id DESC LIMIT 1").await;
    assert_eq!(stored, "");
    drop(conn);
    db.finish().await;
}

/// The one text `sql` selects (as `value`).
async fn text(conn: &mut diesel_async::AsyncPgConnection, sql: &'static str) -> String {
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = Text)]
        value: String,
    }
    diesel::sql_query(sql).get_result::<Value>(conn).await.expect(sql).value
}

async fn staff_secret(conn: &mut diesel_async::AsyncPgConnection) -> String {
    text(conn, "SELECT totp_secret AS value FROM users WHERE username = 'staff'").await
}

async fn event_phone(conn: &mut diesel_async::AsyncPgConnection) -> String {
    text(conn, "SELECT contact_phone AS value FROM events WHERE id = (SELECT min(id) FROM events)").await
}

async fn peer_secret(conn: &mut diesel_async::AsyncPgConnection) -> String {
    text(conn, "SELECT secret AS value FROM exchange_peers WHERE code = 'clear-peer'").await
}

#[tokio::test]
async fn values_left_in_the_clear_are_sealed_at_start_and_a_new_key_reseals_everything() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    // A second factor's secret kept in the clear by an earlier release.
    diesel::sql_query("UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' WHERE username = 'staff'")
        .execute(&mut conn)
        .await
        .expect("a secret in the clear");
    // And a peer platform's shared secret.
    diesel::sql_query(
        "INSERT INTO exchange_peers (township_id, code, name, kind, algorithm, secret, endpoint, categories, max_attempts) \
         SELECT id, 'clear-peer', '明文平台', 'county', 'hmac-sm3', repeat('k', 40), 'http://127.0.0.1:9/', '{}', 5 \
         FROM townships ORDER BY id LIMIT 1",
    )
    .execute(&mut conn)
    .await
    .expect("a peer with its secret in the clear");
    // A row put in by hand, in the clear, as rows were before sealing began.
    diesel::sql_query(
        "INSERT INTO residents (township_id, village_id, grid_id, house_id, name, id_number, gender, birth_date, phone) \
         SELECT township_id, village_id, grid_id, house_id, '手工录入', '11010519491231002X', 'female', '1949-12-31', \
           '13900000000' FROM residents ORDER BY id LIMIT 1",
    )
    .execute(&mut conn)
    .await
    .expect("a resident in the clear");
    // And an event's contact number.
    diesel::sql_query("UPDATE events SET contact_phone = '13700000000' WHERE id = (SELECT min(id) FROM events)")
        .execute(&mut conn)
        .await
        .expect("a contact number in the clear");
    server::database::prepare(&mut conn).await.expect("prepare seals it");
    drop(conn);
    let found = search(&db, "staff", "11010519491231002x").await;
    assert_eq!(found.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["手工录入"]);
    assert!(stored(&db).await.iter().all(|r| r.id_number.is_none() && r.phone.is_none()));
    let mut conn = db.conn().await;
    let clear: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "(SELECT count(*) FROM residents WHERE id_number IS NOT NULL OR phone IS NOT NULL)",
    ))
    .get_result(&mut conn)
    .await
    .expect("count");
    assert_eq!(clear, 0);
    let secret = staff_secret(&mut conn).await;
    assert!(secret.starts_with("sm4:01") && !secret.contains("JBSWY3DP"), "{secret}");
    let now = chrono::Utc::now();
    let code = crate::second_factor::code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", now);
    let accepted = shared::accounts::service::second_factor::accepted_step(&secret, &code, None, now);
    assert!(matches!(accepted, Ok(Some(_))), "the sealed secret still checks its codes: {accepted:?}");
    let sealed_peer = peer_secret(&mut conn).await;
    assert!(sealed_peer.starts_with("sm4:01") && !sealed_peer.contains("kkkk"), "{sealed_peer}");
    let peer = shared::exchange::service::peer(&mut conn, "clear-peer").await.expect("read").expect("the peer");
    assert_eq!(peer.secret, "k".repeat(40), "the exchange signs with the secret as it was");
    let contact = event_phone(&mut conn).await;
    assert!(contact.starts_with("sm4:01") && !contact.contains("13700000000"), "{contact}");

    // Rotation: key 2 joins the keyring, every value is sealed again under it, key 1 retires.
    let rotated = keyring(&format!("2:{}", "5a".repeat(16)));
    check_keys(&mut conn, &rotated).await.expect("the rotated keyring fits");
    let before = versions_in_use(&mut conn).await.expect("versions");
    assert_eq!(before.iter().map(|(v, _)| *v).collect::<Vec<_>>(), vec![1]);
    let values: i64 = before.iter().map(|(_, n)| n).sum();
    let done = reseal(&mut conn, &rotated).await.expect("reseal");
    assert_eq!(done.retired, vec![1]);
    assert_eq!(versions_in_use(&mut conn).await.expect("versions"), vec![(2, values)]);
    let secret = staff_secret(&mut conn).await;
    assert!(secret.starts_with("sm4:02"), "the secret is sealed again too: {secret}");
    assert_eq!(rotated.open_text(Column::UserTotpSecret, &secret).as_deref(), Ok("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"));
    assert!(peer_secret(&mut conn).await.starts_with("sm4:02"));
    assert_eq!(done.secrets, 3, "the staff's and the peer's secrets, and the event's contact number");
    let contact = event_phone(&mut conn).await;
    assert_eq!(rotated.open_text(Column::EventContactPhone, &contact).as_deref(), Ok("13700000000"));
    let again = reseal(&mut conn, &rotated).await.expect("reseal again");
    assert_eq!((again.residents, again.secrets, again.retired), (0, 0, vec![]), "nothing left to do");
    for row in stored(&db).await {
        let sealed = row.id_number_sealed.expect("sealed");
        assert_eq!(shared::personal::cipher::version_of(&sealed), Some(2));
        rotated.open(Column::ResidentIdNumber, &sealed).expect("opens under key 2");
    }

    // A process still holding key 1 records it again; key 1 can leave the keyring all the same.
    check_keys(&mut conn, &rotated).await.expect("the rotated keyring still fits");
    let only_2 =
        Keyring::parse(&format!("{} 2:{}", PERSONAL_KEYS.split(' ').next().unwrap(), "5a".repeat(16))).unwrap();
    check_keys(&mut conn, &only_2).await.expect("key 1 retired: the keyring may drop it");
    // A process with the old keyring, or with other keys, stops, saying which key is wrong.
    let old = keyring("");
    assert!(matches!(check_keys(&mut conn, &old).await, Err(KeyringError::MissingKey(2))));
    let other_key = keyring(&format!("2:{}", "a5".repeat(16)));
    assert!(matches!(check_keys(&mut conn, &other_key).await, Err(KeyringError::WrongKey(2))));
    let other_index = Keyring::parse(&format!("index:{} 2:{}", "77".repeat(32), "5a".repeat(16))).expect("a keyring");
    assert!(matches!(check_keys(&mut conn, &other_index).await, Err(KeyringError::WrongIndexKey)));
    drop(conn);
    db.finish().await;
}
