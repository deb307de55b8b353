//! The national code tables (R-5b) shipped in the database: whole, as trees, used by the base
//! map's lines, and served to the page by code or name.

use axum::http::StatusCode;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use shared::AppError;
use shared::codes::tables::CodeTable;
use shared::codes::tables::service::{entries, tables, view};

use crate::harness::TestDb;
use crate::http::{FORM, login, router, send_for_bytes, server_fn_call};

#[tokio::test]
async fn the_four_standards_tables_are_shipped_whole_as_trees_and_code_the_base_map() {
    let db = TestDb::new().await;
    let mut conn = db.conn().await;
    let shipped = tables(&mut conn).await.expect("tables");
    let summary: Vec<(CodeTable, &str, i64)> =
        shipped.iter().map(|t| (t.table, t.standard.as_str(), t.entries)).collect();
    assert_eq!(
        summary,
        [
            (CodeTable::LandUse, "GB/T 21010—2017", 85),
            (CodeTable::FeatureClass, "GB/T 13923", 54),
            (CodeTable::PlaceName, "GB/T 18521—2001", 21),
            (CodeTable::GovernanceData, "GB/T 31000—2015", 35),
        ]
    );
    // GB/T 21010—2017: 12 first-level classes and 73 second-level ones, each under its class.
    let land_use = entries(&mut conn, CodeTable::LandUse).await.expect("entries");
    assert_eq!(land_use.iter().filter(|e| e.level == 1).count(), 12);
    assert_eq!(land_use.iter().filter(|e| e.level == 2).count(), 73);
    assert!(land_use.iter().filter(|e| e.level == 2).all(|e| e.parent.as_deref() == Some(&e.code[..2])));
    let paddy = land_use.iter().find(|e| e.code == "0101").expect("水田");
    assert_eq!((paddy.name.as_str(), paddy.parent.as_deref()), ("水田", Some("01")));
    // In tree order: every entry after its parent.
    for (i, entry) in land_use.iter().enumerate() {
        if let Some(parent) = &entry.parent {
            assert!(land_use[..i].iter().any(|e| &e.code == parent), "{} after its parent", entry.code);
        }
    }
    // A child names a parent of its own table, or the database refuses it.
    let orphan = diesel::sql_query(
        "INSERT INTO code_entries (table_code, code, name, level, parent_code) VALUES ('gbt21010', '9901', '无', 2, '99')",
    )
    .execute(&mut conn)
    .await;
    assert!(orphan.is_err(), "an entry under a class that is not there");

    // The base map's roads and water are coded by GB/T 13923, against the table.
    #[derive(QueryableByName, Debug, PartialEq)]
    struct Coded {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let coded: Vec<Coded> = diesel::sql_query(
        "SELECT l.kind, e.name, count(*) AS n FROM geo_lines l \
         JOIN code_entries e ON e.table_code = l.feature_table AND e.code = l.feature_code GROUP BY 1, 2 ORDER BY 1",
    )
    .load(&mut conn)
    .await
    .expect("coded lines");
    assert_eq!(
        coded.iter().map(|c| (c.kind.as_str(), c.name.as_str())).collect::<Vec<_>>(),
        [("road", "乡村道路"), ("water", "河流")]
    );
    let wrong =
        diesel::sql_query("UPDATE geo_lines SET feature_code = '0101' WHERE id = (SELECT min(id) FROM geo_lines)")
            .execute(&mut conn)
            .await;
    assert!(wrong.is_err(), "a land-use code is not a feature class");

    // The page's view: a search keeps each match under its classes.
    let found = view(&mut conn, "gbt21010", "沟渠").await.expect("a search");
    let codes: Vec<&str> = found.entries.iter().map(|e| e.code.as_str()).collect();
    assert_eq!((codes, found.matches), (vec!["11", "1107"], 1));
    let first = view(&mut conn, "", "").await.expect("the first table");
    assert_eq!((first.table, first.entries.len()), (CodeTable::LandUse, 85));
    let bad = view(&mut conn, "gbt99999", "").await.unwrap_err();
    assert_eq!(bad.field_codes("filter"), [shared::ErrorCode::FieldNotAChoice]);
    assert!(matches!(view(&mut conn, "gbt13923", &"路".repeat(101)).await, Err(AppError::Validation(_))));
    drop(conn);

    // Through the server function, as the page calls it: staff read it; a citizen may not.
    let router = router(&db);
    // `q` percent-encoded: 道路.
    let call = |cookie: &str, filter: &str, q: &str| {
        let body =
            format!("query[q]={q}&query[filter]={filter}&query[sort]=&query[dir]=Asc&query[page]=1&query[per_page]=0");
        server_fn_call("/api/basedata/code_table", Some(cookie), FORM, body)
    };
    let staff = login(&router, "staff").await;
    let (status, _, body) = send_for_bytes(&router, call(&staff, "gbt13923", "%E9%81%93%E8%B7%AF")).await;
    assert_eq!(status, StatusCode::OK);
    let served: shared::codes::tables::CodeTableView = postcard::from_bytes(&body).expect("a postcard answer");
    let names: Vec<&str> = served.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["交通", "城市道路", "乡村道路", "道路构造物及附属设施"]);
    let (status, _, _) = send_for_bytes(&router, call(&staff, "nope", "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let citizen = login(&router, "13800000001").await;
    let (status, _, _) = send_for_bytes(&router, call(&citizen, "gbt21010", "")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    db.finish().await;
}
