//! The maintenance module's demo data (`shared::maintenance`): a year of the platform's own
//! operation records — five emergency plans, the drills of each (one still to be evaluated,
//! one planned), a dozen faults numbered 运维故障〔YYYY〕N号 (three still open, one in each
//! open state), the weekly inspections, and the inspections that found the faults.
//!
//! Deterministic: the seed and `today` give the same records.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use shared::maintenance::*;
use shared::sql::Sql;

use super::registers::{Id, Row, Town, at, insert, set_counter};
use super::rng::Rng;

pub async fn seed(conn: &mut AsyncPgConnection, township_id: i32, seed: u64, today: NaiveDate) -> anyhow::Result<()> {
    let town = Town::load(conn, township_id).await?;
    let keeper = system_administrator(conn, township_id).await?;
    let mut rng = Rng::stream(seed, "maintenance");
    plans_and_drills(conn, &town, &mut rng, today).await?;
    let faults = faults(conn, &town, &mut rng, keeper, today).await?;
    inspections(conn, &town, &mut rng, keeper, &faults, today).await?;
    Ok(())
}

/// The demo's system administrator, who keeps the records.
async fn system_administrator(conn: &mut AsyncPgConnection, township_id: i32) -> anyhow::Result<i64> {
    let account = shared::accounts::demo_accounts::STAFF
        .iter()
        .find(|account| account.role == shared::accounts::builtin_roles::SYSTEM_ADMIN)
        .expect("a demo system administrator");
    let row = Sql::new("SELECT id FROM users WHERE username = ")
        .bind(account.username)
        .push(" AND township_id = ")
        .bind(township_id)
        .query()
        .get_result::<Id>(conn)
        .await?;
    Ok(row.id)
}

fn days(n: u32) -> TimeDelta {
    TimeDelta::days(i64::from(n))
}

/// `day` at `hour` o'clock in the township, as the datetime a field holds.
fn at_hour(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    at(day) + TimeDelta::hours(i64::from(hour) - 9)
}

/// kind, title, revision, status, scope, measures.
const PLAN_LIST: [(&str, &str, &str, &str, &str, &str); 5] = [
    (
        "system_fault",
        "一网统管平台系统故障应急预案",
        "2.1",
        "in_force",
        "应用服务、数据库、服务器与存储的故障",
        "一、发现与报告：巡检或用户反映后 15 分钟内报告运维负责人。\n二、研判分级：按故障等级启动响应。\n三、处置：切换备用进程，必要时从最近备份恢复。\n四、恢复验证：核对事件、台账数据完整。\n五、总结：形成故障报告并改进。",
    ),
    (
        "network_fault",
        "政务外网及互联网接入故障应急预案",
        "1.3",
        "in_force",
        "政务外网专线、互联网出口、机房交换与安全设备",
        "一、确认故障范围与链路。\n二、切换备用链路（4G/5G 备份出口）。\n三、通知运营商并跟踪修复。\n四、恢复后核对数据交换积压已发出。",
    ),
    (
        "disaster",
        "台风暴雨等灾害性事件信息系统保障预案",
        "1.0",
        "in_force",
        "防汛防台期间机房、供电与指挥中心大屏",
        "一、汛前检查机房防水、UPS 与发电机。\n二、预警发布后 24 小时值守。\n三、停电时按顺序关停非关键设备，保障指挥中心运行。",
    ),
    (
        "security_incident",
        "网络安全事件应急预案",
        "2.0",
        "in_force",
        "病毒、入侵、数据泄露等网络安全事件",
        "一、隔离受影响主机。\n二、保全日志与审计记录。\n三、按规定向网信、公安部门报告。\n四、清除、加固后恢复服务。",
    ),
    (
        "data_loss",
        "数据丢失与恢复应急预案",
        "1.2",
        "revising",
        "数据库损坏、误删除与备份失效",
        "一、停止写入，保全现场。\n二、确定最近可用备份（tongguan backup list）。\n三、恢复到新库核对后切换。",
    ),
];

async fn plans_and_drills(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut approved = Vec::new();
    for (k, (kind, title, revision, status, scope, measures)) in PLAN_LIST.into_iter().enumerate() {
        let approved_on = today - days(rng.between(200, 330));
        approved.push(approved_on);
        // The network plan is drilled again next month; the others within the year.
        let next_drill_by = if k == 1 { today + days(30) } else { approved_on + days(365) };
        rows.push(
            Row::new(at(approved_on - days(7)))
                .set("title", title)
                .set("kind", kind)
                .set("revision", revision)
                .set("status", status)
                .set("department", "镇大数据（信息化）工作办公室")
                .set("approved_on", approved_on.to_string())
                .set("next_drill_by", next_drill_by.to_string())
                .set("scope", scope)
                .set("measures", measures),
        );
    }
    let plans = insert(conn, town, &PLANS, rows).await?;

    // plan, title, form, scope, days after approval (None: next month, still planned).
    let drills: [(usize, &str, &str, &str, Option<u32>); 6] = [
        (0, "应用服务进程故障切换演练", "live", "single", Some(60)),
        (0, "数据库故障从备份恢复演练", "live", "comprehensive", Some(150)),
        (1, "互联网出口中断切换备用链路演练", "live", "single", Some(90)),
        (1, "网络故障综合应急演练", "live", "comprehensive", None),
        (2, "防汛防台信息系统保障桌面推演", "tabletop", "comprehensive", Some(40)),
        (3, "勒索病毒入侵处置桌面推演", "tabletop", "single", Some(120)),
    ];
    let mut rows = Vec::new();
    for (index, &(plan, title, form, scope, after)) in drills.iter().enumerate() {
        let drilled_on = match after {
            Some(after) => (approved[plan] + days(after)).min(today - days(3)),
            None => today + days(20),
        };
        let mut row = Row::new(at(drilled_on.min(today) - days(14)))
            .set("plan", plans[plan])
            .set("title", title)
            .set("drilled_on", drilled_on.to_string())
            .set("form", form)
            .set("scope", scope)
            .set("participants", "镇大数据办、党政办、应急管理办，运营商驻点工程师")
            .set("scenario", format!("{title}：模拟故障发生后按预案报告、研判、处置与恢复，检验响应时间与协同。"));
        // The last drill done waits for its evaluation; the future one is planned.
        let state = match after {
            None => "planned",
            Some(_) if index == 5 => "carried_out",
            Some(_) => {
                let result = if rng.chance(0.7) { "achieved" } else { "mostly_achieved" };
                row = row
                    .set("result", result)
                    .set("findings", "备用链路切换后部分终端需手动刷新；联系人名单有一处过期。")
                    .set("improvements", "更新值班联系人名单；在预案中补充终端恢复步骤。");
                "evaluated"
            }
        };
        row.state = Some(state);
        rows.push(row);
    }
    insert(conn, town, &DRILLS, rows).await?;
    Ok(())
}

/// title, object, level, description, cause, resolution.
const FAULTS_LIST: [(&str, &str, &str, &str, &str, &str); 8] = [
    (
        "指挥中心大屏无法显示实时事件",
        "screens",
        "general",
        "大屏页面停留在旧数据，刷新后恢复，数分钟后再次停止更新。",
        "大屏终端浏览器版本过旧，长连接被代理超时断开。",
        "升级终端浏览器并调整代理的长连接超时。",
    ),
    (
        "数据库磁盘空间告警",
        "database",
        "relatively_major",
        "运行维护页显示磁盘剩余不足 10%。",
        "附件与历史版本增长超出容量规划。",
        "扩容数据盘，历史版本归档周期调整为 90 天。",
    ),
    (
        "政务外网专线中断",
        "network",
        "major",
        "上级平台数据交换积压，镇机关无法访问外网。",
        "运营商光缆被施工挖断。",
        "切换 5G 备用出口，运营商抢修后恢复专线，积压数据自动补发。",
    ),
    (
        "夜间定时备份失败",
        "backup",
        "relatively_major",
        "运行维护页显示最近一次成功备份超过 26 小时。",
        "备份目录所在存储挂载失效。",
        "重新挂载存储并补做备份，增加挂载检查。",
    ),
    (
        "网格员手机端上报照片上传缓慢",
        "application",
        "general",
        "部分网格员反映上报时照片长时间转圈。",
        "高峰时段对象存储带宽不足。",
        "照片在手机端压缩后上传。",
    ),
    (
        "河道水位监测站离线",
        "sensors",
        "general",
        "两个水位站超过 2 小时无读数。",
        "太阳能供电板积灰，蓄电池电量耗尽。",
        "清洁供电板并更换蓄电池，纳入月度巡检。",
    ),
    (
        "机房 UPS 电池告警",
        "machine_room",
        "relatively_major",
        "UPS 面板提示电池老化。",
        "电池使用已满五年。",
        "更换整组电池。",
    ),
    (
        "应用服务进程异常退出",
        "application",
        "major",
        "事件受理页面短时无法打开，就绪检查返回 503。",
        "第三方接口返回超大响应导致内存占用过高。",
        "限制接口响应大小，升级版本；另一进程接管期间未丢失事件。",
    ),
];

/// The open faults, one in each open state, newest last.
const OPEN_STATES: [&str; 3] = ["resolved", "handling", "reported"];

/// A fault's id and when it was found, for the inspection that reported it.
struct Fault {
    id: i64,
    object: &'static str,
    found_at: DateTime<Utc>,
}

async fn faults(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    keeper: i64,
    today: NaiveDate,
) -> anyhow::Result<Vec<Fault>> {
    let count = FAULTS_LIST.len() + OPEN_STATES.len() + 1;
    let mut found: Vec<NaiveDate> = (0..count).map(|_| today - days(rng.between(1, 350))).collect();
    found.sort_unstable();
    // The open ones are the last found, over the last week.
    for (k, day) in found.iter_mut().rev().take(OPEN_STATES.len()).enumerate() {
        *day = today - days(k as u32 * 2 + 1);
    }
    let mut numbers: BTreeMap<i32, i32> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut summary = Vec::new();
    for (k, day) in found.into_iter().enumerate() {
        let (title, object, level, description, cause, resolution) = FAULTS_LIST[k % FAULTS_LIST.len()];
        let open = k.checked_sub(count - OPEN_STATES.len()).map(|i| OPEN_STATES[i]);
        let found_at = at_hour(day, rng.between(8, 17));
        let last = numbers.entry(day.year()).or_insert(0);
        *last += 1;
        let mut row = Row::new(found_at + TimeDelta::minutes(20))
            .set("title", title)
            .set("object", object)
            .set("level", level)
            .set("found_at", found_at.to_rfc3339())
            .set("reporter", keeper)
            .set("description", description);
        row.number = Some(format!("运维故障〔{}〕{}号", day.year(), last));
        if open != Some("reported") {
            row = row.set("handler", keeper).set("departments", "镇大数据办；运营商");
        }
        if matches!(open, None | Some("resolved")) {
            row = row
                .set("cause", cause)
                .set("resolution", resolution)
                .set("resolved_at", (found_at + TimeDelta::hours(i64::from(rng.between(1, 30)))).to_rfc3339());
        }
        row.state = Some(open.unwrap_or("closed"));
        rows.push(row);
        summary.push((object, found_at));
    }
    let ids = insert(conn, town, &FAULTS, rows).await?;
    for (year, last) in numbers {
        set_counter(conn, &FAULTS, year, last).await?;
    }
    Ok(ids.into_iter().zip(summary).map(|(id, (object, found_at))| Fault { id, object, found_at }).collect())
}

/// What the monthly round of the machine room checks.
const MACHINE_ROOM: (&str, &str) = ("machine_room", "温湿度、UPS 与电池、空调、消防与门禁");

/// What a weekly round checks, by object.
const ROUND: [(&str, &str); 4] = [
    ("application", "服务进程、就绪检查、错误日志、响应时间"),
    ("database", "连接数、慢查询、磁盘空间、复制与锁等待"),
    ("backup", "最近一次备份、校验和、恢复演练结果"),
    ("network", "专线与互联网出口、防火墙策略、设备告警"),
];

/// Every Monday of the last half year, one inspection of each object in the round, and the
/// machine room on the first Monday of each month; besides, each fault on a part the round
/// checks was found by an inspection at the time it was found, which names it.
async fn inspections(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    keeper: i64,
    faults: &[Fault],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let inspection = |inspected_at: DateTime<Utc>, object: &'static str, items: &'static str| {
        Row::new(inspected_at + TimeDelta::minutes(30))
            .set("inspected_at", inspected_at.to_rfc3339())
            .set("object", object)
            .set("items", items)
            .set("inspector", keeper)
    };
    let mut rows = Vec::new();
    let mut monday = today - days(today.weekday().num_days_from_monday() + 26 * 7);
    while monday <= today {
        let mut round: Vec<(&'static str, &'static str)> = ROUND.to_vec();
        if monday.day() <= 7 {
            round.push(MACHINE_ROOM);
        }
        for (hour, (object, items)) in (9..).zip(round) {
            let row = inspection(at_hour(monday, hour), object, items);
            rows.push(if rng.chance(0.08) {
                row.set("result", "fixed_on_site").set("findings", "告警阈值接近，已当场清理并复查正常。")
            } else {
                row.set("result", "normal")
            });
        }
        monday += days(7);
    }
    for fault in faults {
        let Some(&(object, items)) = ROUND.iter().chain([&MACHINE_ROOM]).find(|(object, _)| *object == fault.object)
        else {
            continue;
        };
        rows.push(
            inspection(fault.found_at, object, items)
                .set("result", "fault_reported")
                .set("fault", fault.id)
                .set("findings", "发现异常，已填报故障报告。"),
        );
    }
    insert(conn, town, &INSPECTIONS, rows).await?;
    Ok(())
}
