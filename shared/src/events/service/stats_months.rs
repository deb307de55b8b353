//! Statistics assembled from months. A year of a busy town is a million events, and events
//! keep changing while people look at the figures: a new report, a dispatch, a close. Each
//! change touches one event, reported in one month; so the figures are computed per month
//! (counts and sums, and the handling times themselves so that the 90th percentile of any
//! span is exact), each month kept until a change in it (`stats_cache.rs`), and added up per
//! request. After a change only that month is read again: a month is an index range on
//! `events_recent`, a twelfth of the year.
//!
//! "Overdue and still open" moves with the clock rather than with changes, and concerns only
//! running events: it is counted afresh from the running events' index each time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use diesel::sql_types::{Array, BigInt, Double, Float, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::queries::RUNNING;
use super::stats_cache::StatsCache;
use crate::error::{AppError, ErrorCode};
use crate::events::types::StatsRow;
use crate::sql::Sql;

/// How a statistics table is grouped: the SQL of its label, its drill-down value and the
/// join that provides them.
pub struct Grouping {
    pub key: &'static str,
    pub drill: &'static str,
    pub join: &'static str,
}

/// One group's figures in one month.
#[derive(diesel::QueryableByName, Clone, Debug)]
pub struct GroupFigures {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    drill: String,
    #[diesel(sql_type = BigInt)]
    reported: i64,
    #[diesel(sql_type = BigInt)]
    closed: i64,
    #[diesel(sql_type = BigInt)]
    on_time: i64,
    /// The handling time of each closed event, in hours.
    #[diesel(sql_type = Array<Float>)]
    hours: Vec<f32>,
    #[diesel(sql_type = Double)]
    hours_sum: f64,
    #[diesel(sql_type = BigInt)]
    satisfaction_sum: i64,
    #[diesel(sql_type = BigInt)]
    rated: i64,
}

/// One month's figures, by group.
#[derive(Debug, Default)]
pub struct MonthFigures {
    groups: Vec<GroupFigures>,
}

impl MonthFigures {
    /// How many handling times these figures hold (what keeping them costs).
    pub fn values(&self) -> usize {
        self.groups.iter().map(|g| g.hours.len()).sum::<usize>() + self.groups.len()
    }
}

#[derive(diesel::QueryableByName)]
struct Overdue {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    drill: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct Earliest {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The most months one answer assembles: a century, the whole range a filter may name
/// (`EventFilter::validate`). A guard, so no span can become an unbounded loop of reads.
pub const MAX_MONTHS: usize = 100 * 12;

/// The first day of each month from `from`'s to `to`'s, at most [`MAX_MONTHS`] of them.
/// Ends at chrono's last representable month instead of repeating it.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = from.with_day(1);
    while let Some(first) = month
        && first <= to
        && months.len() < MAX_MONTHS
    {
        months.push(first);
        month = next_month(first);
    }
    months
}

/// The first day of the month after `first`'s, or `None` past chrono's last year.
fn next_month(first: NaiveDate) -> Option<NaiveDate> {
    let (year, month) =
        if first.month() == 12 { (first.year().checked_add(1)?, 1) } else { (first.year(), first.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// The span to assemble: the filter's dates cut to the days that can hold events the user
/// may see (from the first such event to today, China time), so a far date in a filter
/// never costs a read of an empty month. `None` when there is nothing to count.
pub async fn span(
    conn: &mut AsyncPgConnection,
    visible: Sql,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Option<(NaiveDate, NaiveDate)>, AppError> {
    let china = crate::events::calendar::china();
    let today = chrono::Utc::now().with_timezone(&china).date_naive();
    let to = to.map_or(today, |to| to.min(today));
    let earliest: Earliest = Sql::new("SELECT min(e.reported_at) AS at FROM events e WHERE ")
        .append(visible)
        .query()
        .get_result(conn)
        .await?;
    let Some(first) = earliest.at.map(|at| at.with_timezone(&china).date_naive()) else {
        return Ok(None);
    };
    let from = from.map_or(first, |from| from.max(first));
    Ok((from <= to).then_some((from, to)))
}

/// The figures of the events matching `conditions`, grouped by `grouping`, over the months from `from` to `to`: each month kept in `cache` or
/// read, then added up; "overdue and open" counted afresh.
pub async fn assemble(
    conn: &mut AsyncPgConnection,
    grouping: &Grouping,
    conditions: &Sql,
    (from, to): (NaiveDate, NaiveDate),
    cache: &StatsCache,
) -> Result<(Vec<StatsRow>, StatsRow), AppError> {
    let mut months = Vec::new();
    for first in months_between(from, to) {
        months.push(month_figures(conn, grouping, conditions, first, cache).await?);
    }
    let overdue = overdue_open(conn, grouping, conditions).await?;
    Ok(add_up(&months, overdue))
}

async fn month_figures(
    conn: &mut AsyncPgConnection,
    grouping: &Grouping,
    conditions: &Sql,
    first: NaiveDate,
    cache: &StatsCache,
) -> Result<Arc<MonthFigures>, AppError> {
    let next = next_month(first).ok_or(AppError::field("to", ErrorCode::FilterDateOutOfRange))?;
    const CLOSED: &str = "e.state = 'closed' AND e.closed_at IS NOT NULL";
    const HOURS: &str = "extract(epoch FROM e.closed_at - e.reported_at) / 3600.0";
    let sql = grouped(grouping)
        .push(
            ", count(*) AS reported, count(*) FILTER (WHERE e.state = 'closed') AS closed, \
                 count(*) FILTER (WHERE e.state = 'closed' AND e.closed_at <= e.deadline) AS on_time, \
                 coalesce(array_agg((",
        )
        .push(HOURS)
        .push(")::float4) FILTER (WHERE ")
        .push(CLOSED)
        .push("), '{}') AS hours, coalesce(sum(")
        .push(HOURS)
        .push(") FILTER (WHERE ")
        .push(CLOSED)
        .push(
            "), 0)::float8 AS hours_sum, \
                 coalesce(sum(e.satisfaction), 0)::bigint AS satisfaction_sum, count(e.satisfaction) AS rated",
        )
        .append(from_where(grouping, conditions))
        .push(" AND e.reported_at >= ")
        .bind(first)
        .push("::timestamp AT TIME ZONE app_time_zone() AND e.reported_at < ")
        .bind(next)
        .push("::timestamp AT TIME ZONE app_time_zone() GROUP BY 1, 2");
    let cache_key = sql.cache_key();
    let month = first.format("%Y-%m").to_string();
    let generation = cache.month_generation(&month);
    if let Some(generation) = generation
        && let Some(figures) = cache.month_figures(&cache_key, generation)
    {
        return Ok(figures);
    }
    let groups: Vec<GroupFigures> = sql.query().load(conn).await?;
    let figures = Arc::new(MonthFigures { groups });
    if let Some(generation) = generation {
        cache.keep_month_figures(&cache_key, generation, figures.clone());
    }
    Ok(figures)
}

/// `SELECT <key> AS key, <drill> AS drill` of a grouping.
fn grouped(grouping: &Grouping) -> Sql {
    Sql::new("SELECT ").push(grouping.key).push(" AS key, ").push(grouping.drill).push(" AS drill")
}

/// ` FROM events e …joins… WHERE <conditions>`.
fn from_where(grouping: &Grouping, conditions: &Sql) -> Sql {
    Sql::new(" FROM events e JOIN event_categories c ON c.id = e.category_id ")
        .push(grouping.join)
        .push(" WHERE ")
        .append(conditions.clone())
}

async fn overdue_open(
    conn: &mut AsyncPgConnection,
    grouping: &Grouping,
    conditions: &Sql,
) -> Result<Vec<Overdue>, AppError> {
    Ok(grouped(grouping)
        .push(", count(*) AS n")
        .append(from_where(grouping, conditions))
        .push(" AND ")
        .push(RUNNING)
        .push(" AND e.deadline < now() GROUP BY 1, 2")
        .query()
        .load(conn)
        .await?)
}

/// A group's figures summed over months, with every handling time for the percentile.
#[derive(Default)]
struct Sum {
    reported: i64,
    closed: i64,
    on_time: i64,
    overdue_open: i64,
    hours: Vec<f32>,
    hours_sum: f64,
    satisfaction_sum: i64,
    rated: i64,
}

impl Sum {
    fn add(&mut self, group: &GroupFigures) {
        self.reported += group.reported;
        self.closed += group.closed;
        self.on_time += group.on_time;
        self.hours.extend_from_slice(&group.hours);
        self.hours_sum += group.hours_sum;
        self.satisfaction_sum += group.satisfaction_sum;
        self.rated += group.rated;
    }

    fn into_row(mut self, key: String, drill: String) -> StatsRow {
        let timed = self.hours.len();
        StatsRow {
            key,
            drill,
            reported: self.reported,
            closed: self.closed,
            on_time: self.on_time,
            overdue_open: self.overdue_open,
            avg_hours: (timed > 0).then(|| self.hours_sum / timed as f64),
            p90_hours: percentile(&mut self.hours, 0.9),
            satisfaction: (self.rated > 0).then(|| self.satisfaction_sum as f64 / self.rated as f64),
            rated: self.rated,
        }
    }
}

/// The months' figures added up per group, and the total over all groups (every event is in
/// exactly one group, so the total is the sum of the groups).
fn add_up(months: &[Arc<MonthFigures>], overdue: Vec<Overdue>) -> (Vec<StatsRow>, StatsRow) {
    let mut groups: HashMap<(String, String), Sum> = HashMap::new();
    let mut total = Sum::default();
    for group in months.iter().flat_map(|month| month.groups.iter()) {
        groups.entry((group.key.clone(), group.drill.clone())).or_default().add(group);
        total.add(group);
    }
    for row in overdue {
        total.overdue_open += row.n;
        groups.entry((row.key, row.drill)).or_default().overdue_open += row.n;
    }
    let rows = groups.into_iter().map(|((key, drill), sum)| sum.into_row(key, drill)).collect();
    (rows, total.into_row("合计".into(), String::new()))
}

/// The `p` percentile with linear interpolation between the closest ranks, as PostgreSQL's
/// `percentile_cont` computes it.
pub fn percentile(values: &mut [f32], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let position = p * (values.len() - 1) as f64;
    let below = position.floor() as usize;
    let fraction = position - below as f64;
    let (_, lower, above) = values.select_nth_unstable_by(below, f32::total_cmp);
    let lower = f64::from(*lower);
    match above.iter().copied().min_by(f32::total_cmp) {
        Some(upper) if fraction > 0.0 => Some(lower + fraction * (f64::from(upper) - lower)),
        _ => Some(lower),
    }
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interpolates_as_postgresql_does() {
        // SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY x) FROM unnest('{1,2,3,4}'::float8[]) x → 3.7
        let p90 = percentile(&mut [4.0, 1.0, 3.0, 2.0], 0.9).unwrap();
        assert!((p90 - 3.7).abs() < 1e-9);
        assert_eq!(percentile(&mut [5.0], 0.9), Some(5.0));
        assert_eq!(percentile(&mut [], 0.9), None);
        // Ten values: position 8.1 between the 9th (9) and the 10th (10).
        let mut ten: Vec<f32> = (1..=10).rev().map(|v| v as f32).collect();
        assert!((percentile(&mut ten, 0.9).unwrap() - 9.1).abs() < 1e-6);
    }

    #[test]
    fn months_cover_the_span() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            months_between(day(2025, 11, 24), day(2026, 2, 3)),
            vec![day(2025, 11, 1), day(2025, 12, 1), day(2026, 1, 1), day(2026, 2, 1)]
        );
        assert_eq!(months_between(day(2026, 3, 5), day(2026, 3, 5)), vec![day(2026, 3, 1)]);
    }

    #[test]
    fn months_end_at_chronos_last_year_and_at_the_cap() {
        // Once `next_month` returned the same month past chrono's last year and the loop ran
        // until the process was killed (`to=+262142-12-31` on the statistics export).
        let last = NaiveDate::MAX;
        let months = months_between(day_before_months(last, 2), last);
        assert_eq!(months.len(), 3);
        assert_eq!(months.last(), last.with_day(1).as_ref());
        assert_eq!(months_between(NaiveDate::MIN, NaiveDate::MAX).len(), MAX_MONTHS);
        assert!(months_between(last, NaiveDate::MIN).is_empty());
    }

    fn day_before_months(day: NaiveDate, months: u32) -> NaiveDate {
        day.checked_sub_months(chrono::Months::new(months)).expect("in range")
    }

    #[test]
    fn adding_up_sums_groups_and_months() {
        let group = |key: &str, reported, hours: Vec<f32>, rated| GroupFigures {
            key: key.into(),
            drill: key.into(),
            reported,
            closed: hours.len() as i64,
            on_time: 1,
            hours_sum: hours.iter().map(|h| f64::from(*h)).sum(),
            hours,
            satisfaction_sum: 4 * rated,
            rated,
        };
        let months = vec![
            Arc::new(MonthFigures { groups: vec![group("a", 3, vec![1.0, 2.0], 1), group("b", 1, vec![], 0)] }),
            Arc::new(MonthFigures { groups: vec![group("a", 2, vec![3.0, 4.0], 1)] }),
        ];
        let overdue = vec![Overdue { key: "b".into(), drill: "b".into(), n: 1 }];
        let (rows, total) = add_up(&months, overdue);
        let a = rows.iter().find(|r| r.key == "a").unwrap();
        assert_eq!((a.reported, a.closed, a.on_time, a.rated), (5, 4, 2, 2));
        assert_eq!(a.avg_hours, Some(2.5));
        assert!((a.p90_hours.unwrap() - 3.7).abs() < 1e-6);
        assert_eq!(a.satisfaction, Some(4.0));
        let b = rows.iter().find(|r| r.key == "b").unwrap();
        assert_eq!((b.reported, b.overdue_open, b.avg_hours, b.satisfaction), (1, 1, None, None));
        assert_eq!((total.reported, total.closed, total.overdue_open), (6, 4, 1));
        assert_eq!(total.key, "合计");
    }
}
