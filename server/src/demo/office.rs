//! The office module's demo data (`shared::office`): about forty outgoing documents in every
//! state of their flow, numbered 梅委发〔YYYY〕N号 without gaps in the order they were signed;
//! sixty incoming documents; the archived items filed from the closed ones and their loans;
//! twenty supplies with their deliveries, requisitions and issues (the stock is what the
//! movements leave); five seals and their uses, each document's seal use linked to it.
//!
//! Deterministic: the seed and `today` give the same records.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel_async::AsyncPgConnection;
use shared::office::*;

use super::people::{Gender, random_name};
use super::registers::{Row, Town, at, insert, set_counter};
use super::rng::Rng;
use super::{COUNTY, TOWNSHIP_NAME};

pub async fn seed(conn: &mut AsyncPgConnection, township_id: i32, seed: u64, today: NaiveDate) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let town = Town::load(conn, township_id).await?;
    let mut rng = Rng::stream(seed, "office");
    let outgoing = outgoing(conn, &town, &mut rng, today).await?;
    let incoming = incoming(conn, &town, &mut rng, today).await?;
    archives(conn, &town, &mut rng, &outgoing, &incoming, today).await?;
    supplies(conn, &town, &mut rng, today).await?;
    seals(conn, &town, &mut rng, &outgoing, today).await?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo office work seeded");
    Ok(())
}

fn day_between(rng: &mut Rng, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let days = (until - from).num_days().max(0) as usize;
    from + TimeDelta::days(rng.below(days + 1) as i64)
}

fn days(n: u32) -> TimeDelta {
    TimeDelta::days(i64::from(n))
}

/// A document as the seals and archives need it.
struct Document {
    id: i64,
    title: String,
    state: &'static str,
    /// When it was written (成文日期) or received.
    on: NaiveDate,
}

/// The states of the outgoing flow in order, and how many of the forty are in each.
const OUTGOING_STATES: [(&str, usize); 7] =
    [("archived", 20), ("distributed", 5), ("sealed", 2), ("printed", 2), ("signed", 3), ("review", 4), ("draft", 4)];

const SUBJECTS: &[(&str, &str)] = &[
    ("notice", "关于做好{year}年度防汛防台工作的通知"),
    ("notice", "关于开展农村人居环境整治专项行动的通知"),
    ("notice", "关于做好{year}年度党员冬训工作的通知"),
    ("notice", "关于开展安全生产大检查的通知"),
    ("opinion", "关于进一步加强网格化社会治理的实施意见"),
    ("opinion", "关于推进新时代文明实践站提质增效的意见"),
    ("decision", "关于表彰{year}年度优秀共产党员的决定"),
    ("decision", "关于调整镇党委工作机构设置的决定"),
    ("request", "关于申请{year}年度乡村振兴项目资金的请示"),
    ("report", "关于党建工作开展情况的报告"),
    ("report", "关于基层党组织换届选举工作情况的报告"),
    ("circular", "关于近期重点工作督查情况的通报"),
    ("minutes", "镇党委会议纪要"),
    ("letter", "关于商请协助做好流动党员管理工作的函"),
    ("reply", "关于同意徐家桥村党支部换届选举结果的批复"),
    ("announcement", "关于{year}年度公开招聘村（社区）工作者的公告"),
];

async fn outgoing(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    today: NaiveDate,
) -> anyhow::Result<Vec<Document>> {
    let naming = OUTGOING.naming.expect("outgoing documents are numbered");
    let committee = format!("中共{TOWNSHIP_NAME}委员会");
    let leaders = [random_name(rng, Gender::Male, 1972), random_name(rng, Gender::Male, 1975)];
    // Drafted over the last eleven months: the further along, the older.
    let mut plans: Vec<(NaiveDate, &'static str)> = Vec::new();
    let mut k = 0;
    for (state, count) in OUTGOING_STATES {
        for _ in 0..count {
            let age = 330 - (k * 320 / 40) as u32;
            plans.push((today - days(rng.between(age.saturating_sub(8), age)), state));
            k += 1;
        }
    }
    plans.sort_by_key(|(drafted, _)| *drafted);

    let mut numbers: BTreeMap<i32, i32> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut documents = Vec::new();
    for (drafted, state) in plans {
        let (document_type, template) = *rng.pick(SUBJECTS);
        let title = template.replace("{year}", &drafted.year().to_string());
        let signed = drafted + days(rng.between(1, 3));
        let written = signed;
        let mut row = Row::new(at(drafted))
            .set("title", title.clone())
            .set("document_type", document_type)
            .set("issuer_mark", format!("{committee}文件"))
            .set("main_recipients", "各村（社区）党组织，镇各部门、各单位")
            .set(
                "body",
                format!(
                    "各村（社区）党组织，镇各部门、各单位：\n\n为认真贯彻落实上级有关部署，结合我镇实际，现就{title}有关事项明确如下。\n\n一、提高思想认识。\n二、明确工作任务。\n三、强化组织保障。\n\n请认真抓好落实。"
                ),
            )
            .set("copied_to", format!("中共{COUNTY}委办公室"))
            .set("printed_by", format!("{committee}办公室"));
        if rng.chance(0.2) {
            row = row.set("urgency", if rng.chance(0.3) { "extra_urgent" } else { "urgent" });
        }
        row.state = Some(state);
        // The 发文字号 is given on signing, in the order of signing, per year.
        if !matches!(state, "draft" | "review") {
            let last = numbers.entry(signed.year()).or_insert(0);
            *last += 1;
            row.number = Some(format!("{}〔{}〕{}{}", naming.prefix, signed.year(), last, naming.suffix));
            row = row
                .set("signer", leaders[rng.below(2)].clone())
                .set("written_on", written.to_string())
                .set("copy_number", format!("{:06}", rng.between(1, 60)));
        }
        if matches!(state, "sealed" | "distributed" | "archived") {
            row = row.set("printed_on", (written + days(1)).to_string());
        }
        rows.push(row);
        documents.push((title, state, written));
    }
    let ids = insert(conn, town, &OUTGOING, rows).await?;
    for (year, last) in numbers {
        set_counter(conn, &OUTGOING, year, last).await?;
    }
    Ok(ids.into_iter().zip(documents).map(|(id, (title, state, on))| Document { id, title, state, on }).collect())
}

const SENDERS: &[(&str, &str)] = &[
    ("中共常熟市委办公室", "常办发"),
    ("常熟市人民政府办公室", "常政办发"),
    ("中共常熟市委组织部", "常组通"),
    ("常熟市应急管理局", "常应急"),
    ("常熟市农业农村局", "常农"),
    ("苏州市常熟生态环境局", "常环"),
    ("常熟市民政局", "常民"),
];

const INCOMING_TITLES: &[&str] = &[
    "关于做好冬春火灾防控工作的通知",
    "关于开展基层党组织书记抓党建述职评议考核的通知",
    "关于下达高标准农田建设任务的通知",
    "关于开展养老服务机构安全检查的通知",
    "关于做好秸秆禁烧工作的紧急通知",
    "关于报送年度统计数据的通知",
    "关于印发《网格化社会治理工作考核办法》的通知",
    "关于转发省应急管理厅防御强降雨的通知",
];

async fn incoming(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    today: NaiveDate,
) -> anyhow::Result<Vec<Document>> {
    const STATES: [&str; 8] =
        ["received", "registered", "proposed", "instructed", "handling", "circulating", "urged", "closed"];
    let naming = INCOMING.naming.expect("incoming documents are numbered");
    let mut received: Vec<NaiveDate> = (0..60).map(|_| today - days(rng.between(0, 330))).collect();
    received.sort();
    let mut numbers: BTreeMap<i32, i32> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut documents = Vec::new();
    for on in received {
        let age = (today - on).num_days();
        // Recent ones are still on their way; the older ones closed, a few urged.
        let state = match age {
            0 => STATES[rng.below(2)],
            1..=3 => STATES[2 + rng.below(2)],
            4..=20 => STATES[4 + rng.below(3)],
            _ if rng.chance(0.05) => "urged",
            _ => "closed",
        };
        let (sender, code) = *rng.pick(SENDERS);
        let title = rng.pick(INCOMING_TITLES).to_string();
        let last = numbers.entry(on.year()).or_insert(0);
        *last += 1;
        let mut row = Row::new(at(on))
            .set("title", title.clone())
            .set("sender", sender)
            .set("sender_number", format!("{code}〔{}〕{}号", on.year(), rng.between(1, 180)))
            .set("document_type", "notice")
            .set("copies", rng.between(1, 3))
            .set("received_on", on.to_string())
            .set("deadline", (on + days(rng.between(7, 30))).to_string());
        row.number = Some(format!("{}〔{}〕{}{}", naming.prefix, on.year(), last, naming.suffix));
        row.state = Some(state);
        if rng.chance(0.15) {
            row = row.set("urgency", "urgent");
        }
        if STATES.iter().position(|s| *s == state) >= Some(3) {
            row = row.set("proposal", "拟请分管领导阅示，由相关部门牵头办理。");
        }
        if STATES.iter().position(|s| *s == state) >= Some(4) {
            row = row.set("instruction", "同意，请抓紧落实。");
            if !town.staff.is_empty() {
                row = row.set("handler", town.staff[rng.below(town.staff.len())]);
            }
        }
        if state == "closed" {
            row = row.set("result", "已按要求落实并报送。");
        }
        rows.push(row);
        documents.push((title, state, on));
    }
    let ids = insert(conn, town, &INCOMING, rows).await?;
    for (year, last) in numbers {
        set_counter(conn, &INCOMING, year, last).await?;
    }
    Ok(ids.into_iter().zip(documents).map(|(id, (title, state, on))| Document { id, title, state, on }).collect())
}

/// 档号 (DA/T 22—2015): 全宗号-门类·年度-保管期限-机构-件号.
async fn archives(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    outgoing: &[Document],
    incoming: &[Document],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut item: BTreeMap<i32, i32> = BTreeMap::new();
    let filed = outgoing.iter().filter(|d| d.state == "archived").map(|d| (d, true));
    let closed = incoming.iter().filter(|d| d.state == "closed").map(|d| (d, false));
    for (document, ours) in filed.chain(closed) {
        let year = document.on.year();
        let number = item.entry(year).or_insert(0);
        *number += 1;
        let (retention, code) = match (ours, rng.below(3)) {
            (true, 0) | (true, 1) => ("permanent", "Y"),
            (true, _) | (false, 0) => ("years_30", "D30"),
            _ => ("years_10", "D10"),
        };
        let mut row = Row::new(at((document.on + days(20)).min(today)))
            .set("archive_code", format!("J117-WS·{year}-{code}-BGS-{number:04}"))
            .set("year", year)
            .set("organisation", "党政办公室")
            .set("retention", retention)
            .set("title", document.title.clone())
            .set("item_number", *number)
            .set("pages", rng.between(2, 12))
            .set("filed_on", (document.on + days(20)).min(today).to_string())
            .set("shelf", format!("档案室{}号柜", rng.between(1, 6)));
        row = if ours { row.set("outgoing", document.id) } else { row.set("incoming", document.id) };
        rows.push(row);
    }
    let ids = insert(conn, town, &ARCHIVES, rows).await?;

    let mut loans = Vec::new();
    for k in 0..ids.len().min(12) {
        let lent = today - days(rng.between(1, 120));
        let due = lent + days(14);
        let mut row = Row::new(at(lent))
            .set("archive", ids[rng.below(ids.len())])
            .set("borrower", random_name(rng, if k % 2 == 0 { Gender::Male } else { Gender::Female }, 1985))
            .set("purpose", *rng.pick(&["编写年度工作总结", "核对历史资料", "审计查阅", "信访事项查证"]))
            .set("borrowed_on", lent.to_string())
            .set("due_on", due.to_string());
        // Most come back on time; a few are overdue.
        if due < today && rng.chance(0.8) {
            row = row.set("returned_on", (lent + days(rng.between(1, 14))).to_string());
        }
        loans.push(row);
    }
    insert(conn, town, &BORROWINGS, loans).await?;
    Ok(())
}

/// (name, category, specification, unit, low-stock level, unit price in yuan).
const SUPPLIES_LIST: [(&str, &str, &str, &str, i32, &str); 20] = [
    ("A4复印纸", "consumables", "70g 500张/包", "包", 20, "23.50"),
    ("A3复印纸", "consumables", "70g 500张/包", "包", 5, "46.00"),
    ("黑色签字笔", "stationery", "0.5mm", "支", 50, "2.00"),
    ("红色签字笔", "stationery", "0.5mm", "支", 20, "2.00"),
    ("笔记本", "stationery", "B5 80页", "本", 30, "6.50"),
    ("档案盒", "stationery", "A4 5cm", "个", 40, "8.00"),
    ("文件夹", "stationery", "A4 双夹", "个", 30, "5.50"),
    ("订书机", "stationery", "12号", "个", 5, "18.00"),
    ("订书钉", "stationery", "12号 1000枚", "盒", 20, "2.50"),
    ("长尾夹", "stationery", "32mm 12只", "盒", 10, "6.00"),
    ("印台", "stationery", "红色 方形", "个", 3, "15.00"),
    ("硒鼓", "consumables", "HP 88A", "个", 4, "260.00"),
    ("墨盒", "consumables", "Epson 黑色", "个", 4, "85.00"),
    ("U盘", "equipment", "64GB", "个", 5, "49.00"),
    ("计算器", "equipment", "12位", "个", 3, "35.00"),
    ("抽纸", "cleaning", "3层 100抽", "包", 30, "3.50"),
    ("洗手液", "cleaning", "500ml", "瓶", 10, "12.00"),
    ("垃圾袋", "cleaning", "60×80cm", "卷", 20, "6.00"),
    ("劳保手套", "protective", "棉纱", "双", 40, "3.00"),
    ("雨衣", "protective", "分体式 XL", "套", 10, "45.00"),
];

async fn supplies(conn: &mut AsyncPgConnection, town: &Town, rng: &mut Rng, today: NaiveDate) -> anyhow::Result<()> {
    let start = today - days(330);
    let departments = ["党政办公室", "党建工作办公室", "经济发展局", "社会事业局", "综合行政执法局", "应急管理办公室"];
    // Per item: deliveries, then requisitions drawing on them; the stock is what they leave.
    struct Plan {
        deliveries: Vec<(NaiveDate, i32)>,
        requisitions: Vec<(NaiveDate, i32, &'static str)>,
    }
    let mut plans = Vec::new();
    let mut catalogue = Vec::new();
    for (k, (name, category, specification, unit, low, _)) in SUPPLIES_LIST.iter().enumerate() {
        let batch = low * 3;
        let deliveries = vec![(start, batch), (start + days(rng.between(120, 200)), batch)];
        let mut requisitions = Vec::new();
        for _ in 0..rng.between(2, 5) {
            let on = day_between(rng, start + days(1), today);
            let quantity = rng.between(1, (*low as u32 / 2).max(2)) as i32;
            let state = match (today - on).num_days() {
                0..=1 => "applied",
                2..=3 => "approved",
                _ if rng.chance(0.08) => "rejected",
                _ => "issued",
            };
            requisitions.push((on, quantity, state));
        }
        requisitions.sort_by_key(|r| r.0);
        let delivered: i32 = deliveries.iter().map(|d| d.1).sum();
        let issued: i32 = requisitions.iter().filter(|r| r.2 == "issued").map(|r| r.1).sum();
        let left = delivered - issued;
        // A few items run low, for the alert (the rest went out for meetings and events).
        let stock = if k % 7 == 3 { left.min(*low - 1).max(0) } else { left };
        catalogue.push(
            Row::new(at(start))
                .set("name", *name)
                .set("category", *category)
                .set("specification", *specification)
                .set("unit", *unit)
                .set("stock", stock)
                .set("low_stock", *low)
                .set("location", "镇机关物品仓库"),
        );
        plans.push((Plan { deliveries, requisitions }, left - stock));
    }
    let items = insert(conn, town, &SUPPLIES, catalogue).await?;

    let mut requisition_rows = Vec::new();
    let mut requisition_of = Vec::new();
    for ((plan, _), &item) in plans.iter().zip(&items) {
        for &(on, quantity, state) in &plan.requisitions {
            let mut row = Row::new(at(on))
                .set("supply", item)
                .set("quantity", quantity)
                .set("department", *rng.pick(&departments))
                .set("purpose", "日常办公")
                .set("applied_on", on.to_string())
                .set("approvers", town.staff.iter().take(2).copied().collect::<Vec<i64>>());
            row.state = Some(state);
            requisition_rows.push(row);
            requisition_of.push((item, on, quantity, state));
        }
    }
    anyhow::ensure!(!town.staff.is_empty(), "the demo accounts approve requisitions: create them first");
    let requisitions = insert(conn, town, &REQUISITIONS, requisition_rows).await?;

    let mut movements = Vec::new();
    for (((plan, written_off), &item), (_, price)) in
        plans.iter().zip(&items).zip(SUPPLIES_LIST.iter().map(|s| (s.0, s.5)))
    {
        for &(on, quantity) in &plan.deliveries {
            movements.push(
                Row::new(at(on))
                    .set("supply", item)
                    .set("kind", "stock_in")
                    .set("quantity", quantity)
                    .set("moved_on", on.to_string())
                    .set("unit_price", price)
                    .set("note", "政府采购入库"),
            );
        }
        if *written_off > 0 {
            movements.push(
                Row::new(at(today - days(10)))
                    .set("supply", item)
                    .set("kind", "stock_out")
                    .set("quantity", *written_off)
                    .set("moved_on", (today - days(10)).to_string())
                    .set("note", "会议及活动领用"),
            );
        }
    }
    for (&requisition, &(item, on, quantity, state)) in requisitions.iter().zip(&requisition_of) {
        if state == "issued" {
            let issued = (on + days(2)).min(today);
            movements.push(
                Row::new(at(issued))
                    .set("supply", item)
                    .set("kind", "stock_out")
                    .set("quantity", quantity)
                    .set("moved_on", issued.to_string())
                    .set("requisition", requisition),
            );
        }
    }
    insert(conn, town, &STOCK_MOVEMENTS, movements).await?;
    Ok(())
}

async fn seals(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    outgoing: &[Document],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let list = [
        (format!("中共{TOWNSHIP_NAME}委员会"), "party"),
        (format!("{TOWNSHIP_NAME}人民政府"), "government"),
        (format!("{TOWNSHIP_NAME}人民政府合同专用章"), "contract"),
        (format!("{TOWNSHIP_NAME}人民政府财务专用章"), "finance"),
        ("镇长名章".to_owned(), "personal"),
    ];
    let keeper = random_name(rng, Gender::Female, 1983);
    let rows = list
        .iter()
        .map(|(name, kind)| {
            Row::new(at(today - days(2000)))
                .set("name", name.clone())
                .set("kind", *kind)
                .set("status", "in_use")
                .set("keeper", keeper.clone())
                .set("made_on", (today - days(2000)).to_string())
        })
        .collect();
    let seals = insert(conn, town, &SEALS, rows).await?;

    let mut uses = Vec::new();
    // Every document that was sealed used the committee's seal.
    for document in outgoing.iter().filter(|d| matches!(d.state, "sealed" | "distributed" | "archived")) {
        let used = document.on + days(1);
        let mut row = Row::new(at(document.on))
            .set("seal", seals[0])
            .set("outgoing", document.id)
            .set("matter", format!("《{}》用印", document.title))
            .set("copies", rng.between(10, 40))
            .set("applicant", keeper.clone())
            .set("applied_on", document.on.to_string())
            .set("used_on", used.to_string());
        row.state = Some("used");
        uses.push(row);
    }
    // Other uses: certificates, contracts, payments.
    let matters =
        [(1, "村级工程施工合同"), (3, "财务报销凭证"), (1, "居民情况证明"), (2, "物业服务合同"), (4, "授权委托书")];
    for _ in 0..16 {
        let (seal, matter) = *rng.pick(&matters);
        let applied = today - days(rng.between(0, 300));
        let state = match (today - applied).num_days() {
            0 => "applied",
            1..=2 => "approved",
            _ if rng.chance(0.1) => "rejected",
            _ => "used",
        };
        let mut row = Row::new(at(applied))
            .set("seal", seals[seal])
            .set("matter", matter)
            .set("copies", rng.between(1, 4))
            .set("applicant", random_name(rng, Gender::Male, 1980))
            .set("applied_on", applied.to_string());
        if state == "used" {
            row = row.set("used_on", (applied + days(1)).to_string());
        }
        row.state = Some(state);
        uses.push(row);
    }
    insert(conn, town, &SEAL_USES, uses).await?;
    Ok(())
}
