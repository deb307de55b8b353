//! Statistics (R-3.2-eval): volumes, on-time rate, average and 90th-percentile handling
//! time and reporter satisfaction, grouped by category, department, village, grid or
//! month, for exactly the events the inbox's filter shows the user.

use diesel_async::AsyncPgConnection;

use super::queries::export_rows;
use super::stats_cache::StatsCache;
use super::stats_months::{self, Grouping};
use crate::accounts::SessionUser;
use crate::error::AppError;
use crate::events::state::EventState;
use crate::events::types::{Channel, EventFilter, EventRow, Priority, Stats, StatsDimension, StatsRow};
use crate::permissions::codes;

pub async fn stats(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    dimension: StatsDimension,
) -> Result<Stats, AppError> {
    stats_cached(conn, user, filter, dimension, &StatsCache::default()).await
}

/// [`stats`], kept in `cache`: the whole answer until the next change statistics count, and
/// each month's figures until a change in that month (`stats_months.rs`).
pub async fn stats_cached(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
    dimension: StatsDimension,
    cache: &StatsCache,
) -> Result<Stats, AppError> {
    if !user.can(codes::EVENTS_STATS) {
        return Err(AppError::Forbidden);
    }
    let grouping = grouping(dimension);
    let conditions = super::queries::filter_conditions(conn, user, filter).await?;
    // The grouping and the condition with its values are the whole question: the cache key.
    let Grouping { key, drill, join } = &grouping;
    let cache_key = format!("{key}\n{drill}\n{join}\n{}", conditions.cache_key());
    cache
        .get_or_compute(&cache_key, move || async move {
            let visible = crate::events::service::visible(user);
            let Some(span) = stats_months::span(conn, visible, filter.from, filter.to).await? else {
                return Ok(Stats {
                    dimension,
                    rows: Vec::new(),
                    total: StatsRow { key: "合计".into(), ..StatsRow::default() },
                });
            };
            let (mut rows, total) = stats_months::assemble(conn, &grouping, &conditions, span, cache).await?;
            if dimension == StatsDimension::Month {
                rows.sort_by(|a, b| a.key.cmp(&b.key));
            } else {
                rows.sort_by(|a, b| b.reported.cmp(&a.reported).then_with(|| a.key.cmp(&b.key)));
            }
            Ok(Stats { dimension, rows, total })
        })
        .await
}

fn grouping(dimension: StatsDimension) -> Grouping {
    let (key, drill, join) = match dimension {
        StatsDimension::Category => {
            ("p.name", "p.id::text", "JOIN event_categories p ON p.id = coalesce(c.parent_id, c.id)")
        }
        StatsDimension::Department => (
            "coalesce(d.name, '（未派遣）')",
            "coalesce(d.id::text, '')",
            "LEFT JOIN departments d ON d.id = e.department_id",
        ),
        StatsDimension::Village => ("v.name", "v.id::text", "JOIN villages v ON v.id = e.village_id"),
        StatsDimension::Grid => ("g.name", "g.id::text", "JOIN grids g ON g.id = e.grid_id"),
        StatsDimension::Month => (
            "to_char(e.reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM')",
            "to_char(e.reported_at AT TIME ZONE app_time_zone(), 'YYYY-MM')",
            "",
        ),
    };
    Grouping { key, drill, join }
}

/// The most rows an export carries (a year of a busy town fits).
pub const EXPORT_LIMIT: i64 = 200_000;

/// The filtered events as CSV (UTF-8 with a byte-order mark, so Excel opens it right).
pub async fn export_csv(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    filter: &EventFilter,
) -> Result<String, AppError> {
    if !user.can(codes::EVENTS_STATS) {
        return Err(AppError::Forbidden);
    }
    let rows = export_rows(conn, user, filter, EXPORT_LIMIT).await?;
    Ok(to_csv(&rows))
}

pub const EXPORT_HEADER: [&str; 13] = [
    "编号",
    "标题",
    "类别",
    "来源",
    "紧急程度",
    "状态",
    "村（社区）",
    "网格",
    "处置部门",
    "处置人",
    "上报时间",
    "处置时限",
    "是否超期",
];

/// One export line per event, in the header's order.
pub fn export_line(row: &EventRow, now: chrono::DateTime<chrono::Utc>) -> [String; 13] {
    let china = crate::events::calendar::china();
    let time = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&china).format("%Y-%m-%d %H:%M").to_string();
    [
        row.number.clone(),
        row.title.clone(),
        row.category.clone(),
        channel_label(row.channel).into(),
        priority_label(row.priority).into(),
        state_label(row.state).into(),
        row.village.clone(),
        row.grid.clone(),
        row.department.clone().unwrap_or_default(),
        row.assignee.clone().unwrap_or_default(),
        time(row.reported_at),
        time(row.deadline),
        if row.deadline_status(now) == crate::events::types::DeadlineStatus::Overdue { "是" } else { "否" }.into(),
    ]
}

fn to_csv(rows: &[EventRow]) -> String {
    let now = chrono::Utc::now();
    let mut out = String::from("\u{feff}");
    let field = |value: &str| {
        // Quote everything; defuse spreadsheet formulas in user text.
        format!("\"{}\"", crate::spreadsheet::defused(value).replace('"', "\"\""))
    };
    out.push_str(&EXPORT_HEADER.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for row in rows {
        out.push_str(&export_line(row, now).iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The export's words for a state (the export is in Chinese whatever the viewer's language:
/// it is filed and passed on).
pub fn state_label(state: EventState) -> &'static str {
    match state {
        EventState::Reported => "待受理",
        EventState::Accepted => "已立案",
        EventState::Rejected => "不予立案",
        EventState::Dispatched => "已派遣",
        EventState::Handling => "处置中",
        EventState::Returned => "已退回",
        EventState::Handled => "待核查",
        EventState::Verified => "已核查",
        EventState::Closed => "已结案",
        EventState::Suspended => "已挂起",
        EventState::Reopened => "重新打开",
        EventState::Merged => "已合并",
    }
}

pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Public => "公众上报",
        Channel::Patrol => "网格巡查",
        Channel::SelfResolved => "自行处置",
        Channel::Hotline => "热线电话",
        Channel::WalkIn => "来访",
        Channel::Superior => "上级交办",
        Channel::Sensor => "物联感知",
        Channel::Open311 => "开放接口",
    }
}

pub fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Normal => "一般",
        Priority::Urgent => "紧急",
        Priority::Critical => "特急",
    }
}
