//! 监测态势: the stations a user may see with their latest values graded, and the alarms
//! (`crate::sensing::board`).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::queries;
use crate::accounts::SessionUser;
use crate::engine::Action;
use crate::engine::service::{Translate, visible};
use crate::error::AppError;
use crate::scope::ScopeFilter;
use crate::sensing::STATIONS;
use crate::sensing::board::{AlarmView, LatestValue, Monitor, Setting, StationStatus, grade};
use crate::sensing::noise::NoiseZone;
use crate::sensing::threshold::Severity;
use crate::sql::Sql;

#[derive(QueryableByName)]
struct StationRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Nullable<Text>)]
    water_body: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    noise_zone: Option<String>,
}

/// The page for `user`, who must be able to view the stations; what they see is their data
/// scope's.
pub async fn monitor(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    translate: Translate<'_>,
) -> Result<Monitor, AppError> {
    if !user.may(&STATIONS, Action::View) {
        return Err(AppError::Forbidden);
    }
    let rows: Vec<StationRow> = Sql::new(
        "SELECT s.id, s.code, s.name, s.kind, s.status, coalesce(v.name, '') AS village, s.water_body, s.noise_zone \
         FROM reg.sensing_stations s LEFT JOIN villages v ON v.id = s.village_id \
         WHERE s.deleted_at IS NULL AND ",
    )
    .append(visible(user, "s"))
    .push(" ORDER BY s.code")
    .query()
    .load(conn)
    .await?;
    let scope = ScopeFilter::for_user(user);
    let latest = queries::latest(conn, &scope).await?;
    let alarms: Vec<AlarmView> = queries::alarms(conn, &scope, 7, 200)
        .await?
        .into_iter()
        .map(|a| AlarmView {
            id: a.id,
            station_id: a.station_id,
            station: a.station,
            measurand: a.measurand,
            severity: a.severity,
            opened_at: a.opened_at,
            cleared_at: a.cleared_at,
            value: a.value,
            peak: a.peak,
            event: a.event_id.zip(a.event_number),
        })
        .collect();
    let stations = rows
        .into_iter()
        .map(|row| {
            let setting = Setting {
                lake: row.water_body.as_deref() == Some("lake"),
                noise_zone: row.noise_zone.as_deref().and_then(NoiseZone::parse),
            };
            let alarm = alarms
                .iter()
                .filter(|a| a.station_id == row.id && a.cleared_at.is_none())
                .map(|a| a.severity)
                .max()
                .unwrap_or(Severity::Normal);
            let latest = latest
                .iter()
                .filter(|value| value.station_id == row.id)
                .map(|value| LatestValue {
                    measurand: value.measurand,
                    at: value.at,
                    value: value.value,
                    grade: grade(value.measurand, value.value, value.at, setting),
                })
                .collect();
            StationStatus {
                id: row.id,
                kind_label: translate(&format!("code.station_kind.{}", row.kind)),
                code: row.code,
                name: row.name,
                kind: row.kind,
                village: row.village,
                in_service: row.status == "in_service",
                alarm,
                latest,
            }
        })
        .collect();
    Ok(Monitor { stations, alarms })
}
