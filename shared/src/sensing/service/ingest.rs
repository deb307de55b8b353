//! Readings in: a checked batch ([`crate::sensing::readings::Batch::check`]) resolved to the
//! sender's township's stations, stored as a time series, and judged by the stations' alarm
//! rules, all in one transaction — a reading is stored with its alarm or not at all.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{Array, BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::alarms;
use crate::error::{AppError, ErrorCode, FieldError};
use crate::sensing::measurand::Measurand;
use crate::sensing::readings::{Accepted, ERRORS_MAX, Reading};

/// A station as the ingest and the alarms need it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Station {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub address: String,
    #[diesel(sql_type = Double)]
    pub lat: f64,
    #[diesel(sql_type = Double)]
    pub lng: f64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub village_id: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub grid_id: Option<i32>,
}

/// A reading as stored: the station by id.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Stored {
    #[diesel(sql_type = BigInt)]
    pub station_id: i64,
    #[diesel(sql_type = Text)]
    pub measurand: Measurand,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Double)]
    pub value: f64,
}

/// Where a batch comes from: a township's station or gateway, perhaps limited to one village
/// (an API key's village, `crate::credentials`).
#[derive(Debug, Clone, Copy)]
pub struct Sender {
    pub township_id: i32,
    pub village_id: Option<i32>,
}

/// Stores a batch of the sender's stations' readings and judges them. A station code the
/// sender does not have refuses the whole batch (`readings[i].station`); a reading already
/// stored is counted as a duplicate and judged no second time.
pub async fn ingest(
    conn: &mut AsyncPgConnection,
    sender: Sender,
    readings: Vec<Reading>,
) -> Result<Accepted, AppError> {
    let township_id = sender.township_id;
    let stations = stations(conn, sender, &readings).await?;
    let mut errors = Vec::new();
    for (index, reading) in readings.iter().enumerate() {
        if !stations.contains_key(&reading.station) && errors.len() < ERRORS_MAX {
            errors.push(FieldError::new(format!("readings[{index}].station"), ErrorCode::SensingStationUnknown));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let total = readings.len();
    let mut columns =
        (Vec::with_capacity(total), Vec::with_capacity(total), Vec::with_capacity(total), Vec::with_capacity(total));
    for reading in &readings {
        columns.0.push(stations[&reading.station].id);
        columns.1.push(reading.measurand.as_str());
        columns.2.push(reading.at);
        columns.3.push(reading.value);
    }
    let by_id: HashMap<i64, Station> = stations.into_values().map(|station| (station.id, station)).collect();
    conn.transaction::<_, AppError, _>(async |conn| {
        // ON CONFLICT: a reading sent again (MQTT delivers at least once) is kept once; only
        // the new ones come back, to be judged.
        let stored: Vec<Stored> = diesel::sql_query(
            "INSERT INTO sensing_readings (station_id, measurand, at, value) \
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::float8[]) \
             ON CONFLICT DO NOTHING \
             RETURNING station_id, measurand, at, value",
        )
        .bind::<Array<BigInt>, _>(&columns.0)
        .bind::<Array<Text>, _>(&columns.1)
        .bind::<Array<Timestamptz>, _>(&columns.2)
        .bind::<Array<Double>, _>(&columns.3)
        .load(conn)
        .await?;
        if alarms::judge(conn, township_id, &by_id, stored.clone()).await? {
            // The count of open alarms is due at once, and the walls hear of it when the
            // transaction commits.
            super::indicators::recount_station_alarms(conn, township_id).await?;
            super::indicators::announce(conn, township_id).await?;
        }
        Ok(Accepted { accepted: stored.len(), duplicates: total - stored.len() })
    })
    .await
}

/// The sender's live stations that the batch names, by code.
async fn stations(
    conn: &mut AsyncPgConnection,
    sender: Sender,
    readings: &[Reading],
) -> Result<HashMap<String, Station>, AppError> {
    let mut codes: Vec<&str> = readings.iter().map(|reading| reading.station.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let found: Vec<Station> = diesel::sql_query(
        "SELECT id, code, name, coalesce(address, '') AS address, \
                ST_Y(location) AS lat, ST_X(location) AS lng, village_id, grid_id \
         FROM reg.sensing_stations \
         WHERE township_id = $1 AND deleted_at IS NULL AND code = ANY($2) \
           AND ($3::integer IS NULL OR village_id = $3)",
    )
    .bind::<Integer, _>(sender.township_id)
    .bind::<Array<Text>, _>(&codes)
    .bind::<Nullable<Integer>, _>(sender.village_id)
    .load(conn)
    .await?;
    Ok(found.into_iter().map(|station| (station.code.clone(), station)).collect())
}
