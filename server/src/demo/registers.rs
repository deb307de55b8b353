//! What the demo's module data (`party.rs`, `office.rs`) share: the seeded township as
//! they need it, read back from the database, and the one way they write a register's
//! records — every row as JSON, the whole batch bound as one parameter and spread out with
//! `jsonb_populate_recordset`, the columns named from the declaration.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Binary, Date, Double, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};
use shared::engine::declare::Kind;
use shared::engine::value::parse_value;
use shared::engine::{Module, Register};
use shared::events::calendar::{MINUTES_PER_DAY, WorkCalendar};
use shared::personal::Column;
use shared::sql::Sql;

/// Rows per statement: bounds one message, not the work.
const CHUNK: usize = 2_000;

#[derive(Debug, Clone, QueryableByName)]
pub struct Village {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// A point inside the village (for a station or a branch's office).
    #[diesel(sql_type = Double)]
    pub lon: f64,
    #[diesel(sql_type = Double)]
    pub lat: f64,
}

/// A resident of the town, numbers opened.
#[derive(Debug, Clone)]
pub struct Resident {
    pub id: i64,
    pub village_id: i32,
    pub grid_id: i32,
    pub name: String,
    pub id_number: String,
    pub gender: String,
    pub birth_date: NaiveDate,
    pub phone: String,
}

/// A resident as stored: ID and mobile numbers sealed (`shared::personal`).
#[derive(QueryableByName)]
struct StoredResident {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Integer)]
    village_id: i32,
    #[diesel(sql_type = Integer)]
    grid_id: i32,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Binary)]
    id_number_sealed: Vec<u8>,
    #[diesel(sql_type = Text)]
    gender: String,
    #[diesel(sql_type = Date)]
    birth_date: NaiveDate,
    #[diesel(sql_type = Nullable<Binary>)]
    phone_sealed: Option<Vec<u8>>,
}

impl Resident {
    /// GB/T 2261.1: 1 男, 2 女.
    pub fn gender_code(&self) -> &'static str {
        if self.gender == "male" { "1" } else { "2" }
    }

    /// Whole years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        day.years_since(self.birth_date).unwrap_or(0)
    }
}

#[derive(QueryableByName)]
pub struct Id {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}

/// The seeded township, as the module data needs it: villages in code order, residents in
/// id order (the order they were generated in), the staff accounts' ids.
pub struct Town {
    pub township_id: i32,
    pub villages: Vec<Village>,
    pub residents: Vec<Resident>,
    /// Staff users of the township, by id.
    pub staff: Vec<i64>,
}

impl Town {
    pub async fn load(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<Town> {
        let villages = Sql::new(
            "SELECT id, name, kind, ST_X(p) AS lon, ST_Y(p) AS lat \
             FROM (SELECT id, code, name, kind, ST_PointOnSurface(boundary) AS p FROM villages WHERE township_id = ",
        )
        .bind(township_id)
        .push(") v ORDER BY code")
        .query()
        .load::<Village>(conn)
        .await?;
        let keyring = shared::personal::keys::installed()?;
        let residents = Sql::new(
            "SELECT id, village_id, grid_id, name, id_number_sealed, gender, birth_date, phone_sealed FROM residents \
             WHERE township_id = ",
        )
        .bind(township_id)
        .push(" AND village_id IS NOT NULL AND grid_id IS NOT NULL ORDER BY id")
        .query()
        .load::<StoredResident>(conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Resident {
                id: r.id,
                village_id: r.village_id,
                grid_id: r.grid_id,
                name: r.name,
                id_number: keyring.open(Column::ResidentIdNumber, &r.id_number_sealed)?,
                gender: r.gender,
                birth_date: r.birth_date,
                phone: match r.phone_sealed {
                    Some(sealed) => keyring.open(Column::ResidentPhone, &sealed)?,
                    None => String::new(),
                },
            })
        })
        .collect::<Result<Vec<_>, shared::personal::cipher::OpenError>>()?;
        let staff = Sql::new("SELECT id FROM users WHERE kind = 'staff' AND township_id = ")
            .bind(township_id)
            .push(" ORDER BY id")
            .query()
            .load::<Id>(conn)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        anyhow::ensure!(!villages.is_empty() && !residents.is_empty(), "the township has no villages or residents");
        Ok(Town { township_id, villages, residents, staff })
    }

    pub fn village(&self, id: i32) -> &Village {
        self.villages.iter().find(|village| village.id == id).expect("a village of the town")
    }
}

/// One record to insert: its standard columns and its fields' values as JSON (absent or
/// null: empty).
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    pub parent_id: Option<i64>,
    pub number: Option<String>,
    pub state: Option<&'static str>,
    pub created_at: Option<DateTime<Utc>>,
    pub values: Map<String, Value>,
}

impl Row {
    pub fn new(created_at: DateTime<Utc>) -> Row {
        Row { created_at: Some(created_at), ..Row::default() }
    }

    /// Sets a field (declared in the register; checked when inserted).
    pub fn set(mut self, field: &'static str, value: impl Into<Value>) -> Row {
        self.values.insert(field.to_owned(), value.into());
        self
    }

    pub fn place(mut self, village_id: Option<i32>, grid_id: Option<i32>) -> Row {
        self.village_id = village_id;
        self.grid_id = grid_id;
        self
    }
}

/// Nine in the morning, China time, of `day`: when the demo's paperwork is done.
pub fn at(day: NaiveDate) -> DateTime<Utc> {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("valid time");
    day.and_time(nine).and_utc() - TimeDelta::seconds(i64::from(shared::time::OFFSET_SECS))
}

/// `lon, lat` as the EWKT a geometry column accepts.
pub fn point(lon: f64, lat: f64) -> Value {
    Value::String(format!("SRID=4326;POINT({lon} {lat})"))
}

/// Inserts `rows` into the register's table and returns their ids, in order. Ids are taken
/// from the table's sequence first, so the order of `RETURNING` rows does not matter; the
/// history trigger records each as created.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    town: &Town,
    register: &'static Register,
    rows: Vec<Row>,
) -> anyhow::Result<Vec<i64>> {
    for row in &rows {
        check(register, row)?;
    }
    let ids = Sql::new("SELECT nextval(pg_get_serial_sequence(")
        .bind(format!("reg.{}", register.table))
        .push(", 'id')) AS id FROM generate_series(1, ")
        .bind(i32::try_from(rows.len())?)
        .push(")")
        .query()
        .load::<Id>(conn)
        .await?;
    let mut ids: Vec<i64> = ids.into_iter().map(|row| row.id).collect();
    ids.sort_unstable();

    let calendar = WorkCalendar::china_builtin();
    for (chunk, chunk_ids) in rows.chunks(CHUNK).zip(ids.chunks(CHUNK)) {
        let json: Vec<Value> = chunk
            .iter()
            .zip(chunk_ids)
            .map(|(row, id)| {
                let mut object = row.values.clone();
                object.insert("id".into(), (*id).into());
                object.insert("township_id".into(), town.township_id.into());
                object.insert("village_id".into(), row.village_id.into());
                object.insert("grid_id".into(), row.grid_id.into());
                object.insert("parent_id".into(), row.parent_id.into());
                object.insert("number".into(), row.number.clone().into());
                object.insert("state".into(), row.state.into());
                // The record entered its state when it was made; the state's deadline counts
                // from then, so the demo has records on time, due soon and overdue.
                if row.state.is_some() {
                    object.insert("state_since".into(), row.created_at.map(|at| at.to_rfc3339()).into());
                    object.insert("state_due".into(), state_due(register, row, &calendar).into());
                }
                let created = row.created_at.map(|at| at.to_rfc3339());
                object.insert("created_at".into(), created.clone().into());
                object.insert("updated_at".into(), created.into());
                Value::Object(object)
            })
            .collect();
        let columns = columns(register);
        Sql::new("INSERT INTO reg.")
            .push(register.table)
            .push(" (")
            .append(columns.clone())
            .push(") OVERRIDING SYSTEM VALUE SELECT ")
            .append(columns)
            .push(" FROM jsonb_populate_recordset(NULL::reg.")
            .push(register.table)
            .push(", ")
            .bind(Value::Array(json).to_string())
            .push("::jsonb)")
            .query()
            .execute(conn)
            .await?;
    }
    Ok(ids)
}

/// The deadline of a demo record's state, counted from its making as the service counts it
/// from a step (`engine::service::deadline`).
fn state_due(register: &Register, row: &Row, calendar: &WorkCalendar) -> Option<String> {
    let days = register.workflow?.states.iter().find(|state| Some(state.name) == row.state)?.deadline_days?;
    let due = calendar.add_working_minutes(row.created_at?, i64::from(days) * MINUTES_PER_DAY);
    Some(due.to_rfc3339())
}

/// The demo's values pass the same checks as a form's: every field declared, every required
/// one given, every value accepted by `parse_value` (geometry is written as EWKT, an instant
/// as RFC 3339, not typed).
fn check(register: &'static Register, row: &Row) -> anyhow::Result<()> {
    let key = register.key();
    anyhow::ensure!(row.parent_id.is_some() == register.parent.is_some(), "{key}: parent");
    for name in row.values.keys() {
        anyhow::ensure!(register.field(name).is_some(), "{key}: no field {name}");
    }
    for field in register.fields {
        let text = match row.values.get(field.name) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(Value::Array(items)) => {
                items.iter().map(|item| item.to_string().trim_matches('"').to_owned()).collect::<Vec<_>>().join(",")
            }
            Some(other) => other.to_string(),
        };
        // The demo writes an instant as RFC 3339, which the table takes as it is; a form's
        // wall-clock text is what `parse_value` reads.
        if matches!(field.kind, Kind::DateTime) && chrono::DateTime::parse_from_rfc3339(&text).is_ok() {
            continue;
        }
        if matches!(field.kind, Kind::Point | Kind::Line | Kind::Polygon) {
            anyhow::ensure!(!(field.required && text.is_empty()), "{key}.{}: required", field.name);
            continue;
        }
        match parse_value(field, &text) {
            Ok(None) if field.required => anyhow::bail!("{key}.{}: required", field.name),
            Ok(_) => {}
            Err(code) => anyhow::bail!("{key}.{}: {text:?} is refused ({code:?})", field.name),
        }
    }
    Ok(())
}

/// The columns the demo writes: the standard ones it sets, then every declared field.
fn columns(register: &'static Register) -> Sql {
    let mut names: Vec<&'static str> = vec![
        "id",
        "township_id",
        "village_id",
        "grid_id",
        "number",
        "state",
        "state_since",
        "state_due",
        "created_at",
        "updated_at",
    ];
    if register.parent.is_some() {
        names.push("parent_id");
    }
    names.extend(register.fields.iter().map(|field| field.name));
    Sql::join(names.into_iter().map(Sql::new), ", ", Sql::new(""))
}

/// Sets a naming series' counter to the last number the demo gave in `year`, so the next
/// record the service numbers continues the series without a gap.
pub async fn set_counter(
    conn: &mut AsyncPgConnection,
    register: &'static Register,
    year: i32,
    last: i32,
) -> anyhow::Result<()> {
    Sql::new("INSERT INTO naming_counters (register, year, last) VALUES (")
        .bind(register.key())
        .push(", ")
        .bind(year)
        .push(", ")
        .bind(last)
        .push(") ON CONFLICT (register, year) DO UPDATE SET last = EXCLUDED.last")
        .query()
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Missing {
    #[diesel(sql_type = BigInt)]
    missing: i64,
}

/// Whether every register table of `module` is in the database. The tables come from the
/// generated migrations (`scripts/check-schema.sh --write`); a database migrated before a
/// module's tables were generated gets the rest of the demo and a warning, not a failure.
pub async fn tables_exist(conn: &mut AsyncPgConnection, module: &'static Module) -> anyhow::Result<bool> {
    let tables: Vec<String> = module.registers.iter().map(|register| format!("reg.{}", register.table)).collect();
    let row = Sql::new("SELECT count(*) FILTER (WHERE to_regclass(t) IS NULL) AS missing FROM unnest(")
        .bind(tables)
        .push("::text[]) AS t")
        .query()
        .get_result::<Missing>(conn)
        .await?;
    if row.missing > 0 {
        tracing::warn!(
            module = module.name,
            missing = row.missing,
            "demo data of the module skipped: its register tables are not migrated"
        );
    }
    Ok(row.missing == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::party::MEMBERS;

    fn member() -> Row {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).expect("valid date");
        Row::new(at(day))
            .set("name", "张建国")
            .set("gender", "1")
            .set("id_number", "11010519491231002X")
            .set("political_status", "01")
            .set("organisation", 1)
            .set("joined_on", day.to_string())
            .set("dues_basis", "retired")
            .set("monthly_income", "4200.00")
            .set("floating", false)
    }

    #[test]
    fn demo_rows_pass_the_declarations_checks() {
        check(&MEMBERS, &member()).expect("a valid member");
        let wrong_code = member().set("political_status", "13");
        assert!(check(&MEMBERS, &wrong_code).unwrap_err().to_string().contains("political_status"));
        let bad_id = member().set("id_number", "110105194912310021");
        assert!(check(&MEMBERS, &bad_id).unwrap_err().to_string().contains("id_number"));
        let mut missing = member();
        missing.values.remove("joined_on");
        assert!(check(&MEMBERS, &missing).unwrap_err().to_string().contains("required"));
        let unknown = member().set("colour", "red");
        assert!(check(&MEMBERS, &unknown).is_err());
    }

    #[test]
    fn nine_in_the_morning_china_time() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid date");
        assert_eq!(at(day).to_rfc3339(), "2026-11-28T01:00:00+00:00");
    }
}
