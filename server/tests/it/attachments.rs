//! The attachments service: an upload is its uploader's alone until it is linked to an event,
//! then whoever may see the event may see it; only the uploader's own, unlinked uploads link.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use shared::attachments::{NewAttachment, service};

use crate::harness::TestDb;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[tokio::test]
async fn an_upload_is_seen_by_its_uploader_then_by_whoever_sees_its_event() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let (citizen, other, staff) = (db.user("13800000001").await, db.user("13800000002").await, db.user("staff").await);
    let key = "photos/test/upload.jpg";
    let upload = NewAttachment {
        township_id: citizen.township_id,
        uploader_id: citizen.id,
        storage_key: key,
        content_type: "image/jpeg",
        bytes: 1000,
        width: 640,
        height: 480,
    };
    let id = service::record(&mut conn, &upload).await.expect("recorded");
    assert_eq!(service::visible_key(&mut conn, &citizen, id).await.expect("look-up").as_deref(), Some(key));
    assert_eq!(service::visible_key(&mut conn, &other, id).await.expect("look-up"), None);
    assert_eq!(service::visible_key(&mut conn, &staff, id).await.expect("look-up"), None, "not an event's yet");
    assert_eq!(service::visible_key(&mut conn, &citizen, id + 1000).await.expect("look-up"), None);

    let event: Id = diesel::sql_query("SELECT id FROM events WHERE township_id = $1 ORDER BY id LIMIT 1")
        .bind::<diesel::sql_types::Integer, _>(citizen.township_id)
        .get_result(&mut conn)
        .await
        .expect("a demo event");
    let step: Id = diesel::sql_query("SELECT id FROM event_steps WHERE event_id = $1 ORDER BY id LIMIT 1")
        .bind::<BigInt, _>(event.id)
        .get_result(&mut conn)
        .await
        .expect("its first step");
    // Someone else's upload does not link; the uploader's does, once.
    assert_eq!(service::link_to_event(&mut conn, other.id, event.id, step.id, &[id]).await.expect("link"), 0);
    assert_eq!(service::link_to_event(&mut conn, citizen.id, event.id, step.id, &[id]).await.expect("link"), 1);
    assert_eq!(service::link_to_event(&mut conn, citizen.id, event.id, step.id, &[id]).await.expect("link"), 0);
    assert_eq!(service::link_to_event(&mut conn, citizen.id, event.id, step.id, &[]).await.expect("link"), 0);

    let photos = service::of_event(&mut conn, event.id).await.expect("photos");
    assert!(photos.iter().any(|p| p.id == id && p.step_id == Some(step.id) && (p.width, p.height) == (640, 480)));
    assert_eq!(service::visible_key(&mut conn, &staff, id).await.expect("look-up").as_deref(), Some(key));
    drop(conn);
    db.finish().await;
}
