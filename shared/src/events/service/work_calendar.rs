//! The working calendar as stored: the built-in national arrangements are seeded once, and
//! staff edit the table (e.g. to add next year's holidays when the State Council publishes
//! them). Every deadline is computed against the stored table.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{DayEntry, StoredDay};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode};
use crate::events::calendar::{BUILTIN_DAYS, CalendarDay, DayKind, WorkCalendar};
use crate::permissions::codes;
use crate::schema::work_calendar;

/// Seeds the built-in days that are not there yet. Idempotent; runs at every start.
pub async fn ensure_builtin(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    let rows: Vec<DayEntry> = BUILTIN_DAYS
        .iter()
        .filter_map(|(day, kind, name)| {
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
            Some(DayEntry { day, kind: kind.as_str(), name })
        })
        .collect();
    diesel::insert_into(work_calendar::table).values(&rows).on_conflict_do_nothing().execute(conn).await?;
    Ok(())
}

/// The stored calendar.
pub async fn load(conn: &mut AsyncPgConnection) -> Result<WorkCalendar, AppError> {
    let rows: Vec<(NaiveDate, String)> =
        work_calendar::table.select((work_calendar::day, work_calendar::kind)).load(conn).await?;
    Ok(WorkCalendar::new(rows.into_iter().filter_map(|(day, kind)| Some((day, DayKind::parse(&kind)?)))))
}

pub async fn list(conn: &mut AsyncPgConnection, year: i32) -> Result<Vec<CalendarDay>, AppError> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| AppError::field("year", ErrorCode::CalendarYear))?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| AppError::field("year", ErrorCode::CalendarYear))?;
    let rows: Vec<StoredDay> = work_calendar::table
        .filter(work_calendar::day.between(start, end))
        .order(work_calendar::day)
        .select(StoredDay::as_select())
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|StoredDay { day, kind, name }| Some(CalendarDay { day, kind: DayKind::parse(&kind)?, name }))
        .collect())
}

/// Sets one day's override (`kind` = holiday / workday), or removes it (`kind` = normal).
pub async fn set_day(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<(), AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    let parsed = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field("day", ErrorCode::CalendarDay))?;
    if kind == "normal" {
        diesel::delete(work_calendar::table.find(parsed)).execute(conn).await?;
    } else {
        let kind = DayKind::parse(kind).ok_or_else(|| AppError::field("kind", ErrorCode::CalendarKind))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 20 {
            return Err(AppError::field("name", ErrorCode::CalendarName));
        }
        let entry = DayEntry { day: parsed, kind: kind.as_str(), name };
        diesel::insert_into(work_calendar::table)
            .values(&entry)
            .on_conflict(work_calendar::day)
            .do_update()
            .set(&entry)
            .execute(conn)
            .await?;
    }
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::SetCalendar,
        &parsed.to_string(),
        kind,
    )
    .await
}
