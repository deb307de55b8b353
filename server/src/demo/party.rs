//! The party module's demo data (`shared::party`): the township's 党委, a 党总支 or 党支部 in
//! every village and community with their 党小组, about 3 % of the residents as members, a
//! year of 三会一课 with attendance (some branches fall behind), a year of dues with some
//! arrears, a dozen people at each stage of the development pipeline, relation transfers,
//! study sessions, and the 新时代文明实践 所 and 站 with the services residents ordered.
//!
//! Deterministic: the seed and `today` give the same records (dates count back from `today`
//! so the demo always shows the last twelve months).

use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use diesel_async::AsyncPgConnection;
use shared::party::rules::{self, DuesBasis};
use shared::party::*;

use super::TOWNSHIP_NAME;
use super::people::{Gender, random_name};
use super::registers::{Resident, Row, Town, at, insert, point};
use super::rng::Rng;

/// Members per resident: about 3 %.
const MEMBERS_PER_RESIDENT: f64 = 0.03;
/// 第一 … 第十: branches of a 总支, groups of a branch.
const ORDINALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
/// A village's members are split into branches of a 党总支 above this.
const BRANCH_MAX: usize = 50;

pub async fn seed(conn: &mut AsyncPgConnection, township_id: i32, seed: u64, today: NaiveDate) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let town = Town::load(conn, township_id).await?;
    let mut rng = Rng::stream(seed, "party");
    let start = first_of_month(today - Months::new(11));
    let people = choose_people(&town, &mut rng, today);
    let orgs = organisations(conn, &town, &mut rng, &people, today).await?;
    let members = members(conn, &town, &mut rng, &orgs, today).await?;
    meetings(conn, &town, &mut rng, &orgs, &members, start, today).await?;
    dues(conn, &town, &mut rng, &members, start, today).await?;
    applicants(conn, &town, &mut rng, &people, &orgs, today).await?;
    transfers(conn, &town, &mut rng, &members, today).await?;
    studies(conn, &town, &mut rng, &orgs, start, today).await?;
    practice(conn, &town, &mut rng, start, today).await?;
    tracing::info!(
        members = members.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo party building seeded"
    );
    Ok(())
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// A day in `from..=until`.
fn day_between(rng: &mut Rng, from: NaiveDate, until: NaiveDate) -> NaiveDate {
    let days = (until - from).num_days().max(0) as usize;
    from + TimeDelta::days(rng.below(days + 1) as i64)
}

/// Who is who: members by village (resident indexes), the organ branch's members, and the
/// people on the development pipeline (kept apart from the members).
struct People {
    by_village: Vec<Vec<usize>>,
    organ: Vec<usize>,
    /// (resident, stage): 0 applicant … 3 probationary, 4 full, 5 rejected.
    pipeline: Vec<(usize, usize)>,
}

fn choose_people(town: &Town, rng: &mut Rng, today: NaiveDate) -> People {
    let mut by_village = vec![Vec::new(); town.villages.len()];
    let mut organ = Vec::new();
    let mut pipeline = Vec::new();
    let organ_size = ((town.residents.len() as f64 * 0.0015).round() as usize).max(4);
    for (index, resident) in town.residents.iter().enumerate() {
        let age = resident.age_on(today);
        if age < 20 {
            continue;
        }
        let village = town.villages.iter().position(|v| v.id == resident.village_id).expect("a village");
        // Members are more often men and older people, as in rural Jiangsu.
        let male = if resident.gender == "male" { 1.35 } else { 0.65 };
        let older = if age >= 50 { 1.3 } else { 0.85 };
        let p = MEMBERS_PER_RESIDENT * 1.2 * male * older;
        if rng.chance(p) {
            if organ.len() < organ_size && town.villages[village].kind == "community" && (25..55).contains(&age) {
                organ.push(index);
            } else {
                by_village[village].push(index);
            }
        } else if pipeline.len() < 63 && (18..40).contains(&age) && rng.chance(0.02) {
            // A dozen at each stage, and three who did not go on.
            pipeline.push((index, pipeline.len() / 12));
        }
    }
    People { by_village, organ, pipeline }
}

/// The organisations: the 党委, per village a 支部 (or a 总支 with branches), the organ branch,
/// and the 党小组 of every branch.
struct Orgs {
    committee: i64,
    /// The branches members belong to: the organ's, each village's single branch, and the
    /// branches of the 总支.
    branches: Vec<Branch>,
    /// Every branch and general branch, for study records.
    all: Vec<i64>,
}

struct Branch {
    id: i64,
    /// Its short name (`徐家桥村党支部`), for the names of its groups and its minutes.
    name: String,
    /// None: the township organ's branch.
    village_id: Option<i32>,
    /// Its members, as indexes of `Town::residents`.
    residents: Vec<usize>,
    groups: Vec<i64>,
    /// It has a 支委会 (7 or more members).
    committee: bool,
    /// Falls behind on its meetings (the compliance board's red rows).
    lax: bool,
}

fn org(today: NaiveDate, rng: &mut Rng, name: String, kind: &str, parent: Option<i64>, village_id: Option<i32>) -> Row {
    // Terms of five years; a few end soon or are overdue for 换届.
    let ends = today + TimeDelta::days(i64::from(rng.between(0, 5 * 365)) - 40);
    let started = ends - Months::new(60);
    Row::new(at(started))
        .place(village_id, None)
        .set("name", name)
        .set("kind", kind)
        .set("parent", parent)
        .set("term_start", started.to_string())
        .set("term_end", ends.to_string())
}

async fn organisations(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    people: &People,
    today: NaiveDate,
) -> anyhow::Result<Orgs> {
    let name = |i: usize| town.residents[i].name.clone();
    let centre = super::geography::CENTRE;
    let committee_row = org(today, rng, format!("中共{TOWNSHIP_NAME}委员会"), "committee", None, None)
        .set("secretary", random_name(rng, Gender::Male, 1972))
        .set("deputy_secretary", random_name(rng, Gender::Male, 1978))
        .set("committee_size", 9)
        .set("location", point(centre.lon, centre.lat));
    let committee = insert(conn, town, &ORGANISATIONS, vec![committee_row]).await?[0];

    // Second level: the organ branch, then one 支部 or 总支 per village.
    let mut second = Vec::new();
    let mut plans: Vec<(Option<i32>, String, Vec<Vec<usize>>)> = Vec::new();
    plans.push((None, format!("{TOWNSHIP_NAME}机关"), vec![people.organ.clone()]));
    for (village, members) in town.villages.iter().zip(&people.by_village) {
        // A village of more than 50 members has a 总支 with branches of up to 30.
        let parts = if members.len() > BRANCH_MAX { members.len().div_ceil(30) } else { 1 };
        let split: Vec<Vec<usize>> =
            (0..parts).map(|p| members.iter().copied().skip(p).step_by(parts).collect()).collect();
        plans.push((Some(village.id), village.name.clone(), split));
    }
    for (village_id, place, split) in &plans {
        let (kind, title) = if split.len() > 1 { ("general_branch", "总支部") } else { ("branch", "支部") };
        let all: Vec<usize> = split.concat();
        let mut row = org(today, rng, format!("中共{place}{title}委员会"), kind, Some(committee), *village_id);
        row = with_committee(row, town, &all);
        if let Some(village_id) = village_id {
            let village = town.village(*village_id);
            row = row.set("location", point(village.lon, village.lat));
        }
        second.push(row);
    }
    let second_ids = insert(conn, town, &ORGANISATIONS, second).await?;

    // Third level: the branches of the general branches.
    let mut branches = Vec::new();
    let mut third = Vec::new();
    let mut third_plans = Vec::new();
    for ((village_id, place, split), &id) in plans.iter().zip(&second_ids) {
        if split.len() == 1 {
            branches.push((id, format!("{place}党支部"), *village_id, split[0].clone()));
        } else {
            for (k, part) in split.iter().enumerate() {
                let name_of = format!("{place}第{}党支部", ORDINALS[k.min(9)]);
                let row = org(today, rng, format!("中共{name_of}委员会"), "branch", Some(id), *village_id);
                third.push(with_committee(row, town, part));
                third_plans.push((name_of, *village_id, part.clone()));
            }
        }
    }
    for (id, plan) in insert(conn, town, &ORGANISATIONS, third).await?.into_iter().zip(third_plans) {
        branches.push((id, plan.0, plan.1, plan.2));
    }

    // The branches' committees (a branch of 7 or more 正式党员 has one) and their groups.
    let mut groups = Vec::new();
    let mut group_owner = Vec::new();
    for (index, (id, branch_name, village_id, residents)) in branches.iter().enumerate() {
        let count = match residents.len() {
            0..=12 => 1,
            13..=30 => 2,
            _ => 3,
        };
        for (g, ordinal) in ORDINALS.iter().enumerate().take(count) {
            groups.push(
                Row::new(at(today - Months::new(30)))
                    .place(*village_id, None)
                    .set("name", format!("{branch_name}第{ordinal}党小组"))
                    .set("kind", "group")
                    .set("parent", *id)
                    .set("secretary", residents.get(g + 1).map(|&r| name(r))),
            );
            group_owner.push(index);
        }
    }
    let group_ids = insert(conn, town, &ORGANISATIONS, groups).await?;
    let mut result: Vec<Branch> = branches
        .into_iter()
        .map(|(id, name, village_id, residents)| Branch {
            id,
            name,
            village_id,
            committee: residents.len() >= 7,
            residents,
            groups: Vec::new(),
            lax: rng.chance(0.3),
        })
        .collect();
    for (group, owner) in group_ids.into_iter().zip(group_owner) {
        result[owner].groups.push(group);
    }
    let mut all = second_ids;
    all.extend(result.iter().map(|branch| branch.id));
    all.sort_unstable();
    all.dedup();
    Ok(Orgs { committee, branches: result, all })
}

/// The secretary, deputy and committee of an organisation of these members: a committee
/// of 3 (or 5 from 20 members) where there are 7 or more, else a secretary alone.
fn with_committee(row: Row, town: &Town, members: &[usize]) -> Row {
    let names: Vec<&str> = members.iter().map(|&r| town.residents[r].name.as_str()).collect();
    let size = match names.len() {
        0..7 => 0,
        7..20 => 3,
        _ => 5,
    };
    let row = row.set("secretary", names.first().copied());
    if size == 0 {
        return row;
    }
    row.set("deputy_secretary", names[1]).set("committee", names[..size].join("、")).set("committee_size", size as i32)
}

/// One member as inserted: the resident, the branch index, the dues basis and the base.
struct Member {
    id: i64,
    resident: usize,
    branch: usize,
    basis: DuesBasis,
    base_fen: i64,
    joined_on: NaiveDate,
}

async fn members(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    orgs: &Orgs,
    today: NaiveDate,
) -> anyhow::Result<Vec<Member>> {
    let mut rows = Vec::new();
    let mut plans = Vec::new();
    for (b, branch) in orgs.branches.iter().enumerate() {
        for &r in &branch.residents {
            let resident = &town.residents[r];
            let age = resident.age_on(today);
            let joined_age = rng.between(19, (age - 1).clamp(19, 45));
            let joined_on = (resident.birth_date + Months::new(joined_age * 12 + rng.between(0, 11))).min(today);
            let probationary = today - joined_on < TimeDelta::days(365);
            let rural = town.village(resident.village_id).kind == "village" && branch.village_id.is_some();
            let basis = match age {
                ..23 => DuesBasis::Student,
                60.. if rural && rng.chance(0.6) => DuesBasis::Rural,
                60.. => DuesBasis::Retired,
                _ if branch.village_id.is_none() => DuesBasis::Employed,
                _ if rural && rng.chance(0.35) => DuesBasis::Rural,
                _ if rng.chance(0.04) => DuesBasis::Unemployed,
                _ => DuesBasis::Employed,
            };
            let base_fen = match basis {
                DuesBasis::Employed => i64::from(rng.between(2_600, 13_000)) * 100 + i64::from(rng.between(0, 99)),
                DuesBasis::Retired => i64::from(rng.between(1_800, 7_500)) * 100,
                _ => 0,
            };
            let mut row = Row::new(at(joined_on.max(today - TimeDelta::days(900))))
                .place(Some(resident.village_id), Some(resident.grid_id))
                .set("name", resident.name.clone())
                .set("gender", resident.gender_code())
                .set("id_number", resident.id_number.clone())
                .set("mobile", resident.phone.clone())
                .set("political_status", if probationary { "02" } else { "01" })
                .set("organisation", branch.id)
                .set("joined_on", joined_on.to_string())
                .set("floating", rng.chance(0.05))
                .set("dues_basis", basis.code())
                .set("resident", resident.id);
            if !probationary {
                row = row.set("full_on", (joined_on + Months::new(12)).to_string());
            }
            if base_fen > 0 {
                row = row.set("monthly_income", rules::yuan(base_fen));
            }
            rows.push(row);
            plans.push((r, b, basis, base_fen, joined_on));
        }
    }
    let ids = insert(conn, town, &MEMBERS, rows).await?;
    Ok(ids
        .into_iter()
        .zip(plans)
        .map(|(id, (resident, branch, basis, base_fen, joined_on))| Member {
            id,
            resident,
            branch,
            basis,
            base_fen,
            joined_on,
        })
        .collect())
}

const TOPICS: &[(&str, &[&str])] = &[
    (
        "assembly",
        &["学习贯彻党的二十届四中全会精神", "讨论接收预备党员", "民主评议党员", "选举支部委员会", "审议年度工作计划"],
    ),
    (
        "committee",
        &["研究发展党员工作", "部署主题党日活动", "研究党费收缴情况", "研究困难党员帮扶", "讨论人居环境整治"],
    ),
    ("group", &["学习党章党规", "交流学习心得", "开展批评与自我批评", "讨论网格走访情况"]),
    (
        "lecture",
        &["书记讲党课：从严治党永远在路上", "弘扬伟大建党精神", "乡村振兴与基层治理", "学习《中国共产党纪律处分条例》"],
    ),
    ("theme_day", &["重温入党誓词", "志愿服务进网格", "红色教育基地参观", "垃圾分类宣传", "关爱独居老人走访"]),
];

fn topic(rng: &mut Rng, kind: &str) -> &'static str {
    let list = TOPICS.iter().find(|(k, _)| *k == kind).map(|(_, list)| *list).unwrap_or(&["组织生活"]);
    list[rng.below(list.len())]
}

async fn meetings(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    orgs: &Orgs,
    members: &[Member],
    start: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    // (meeting row, who was expected: member indexes).
    let mut rows = Vec::new();
    let mut expected: Vec<(NaiveDate, Vec<usize>)> = Vec::new();
    let by_branch = |b: usize| members.iter().enumerate().filter(move |(_, m)| m.branch == b).map(|(i, _)| i);
    let mut month = start;
    while month <= today {
        let month_end = (month + Months::new(1)).pred_opt().expect("valid").min(today);
        let quarter_month = month.month0().is_multiple_of(3);
        for (b, branch) in orgs.branches.iter().enumerate() {
            let everyone: Vec<usize> = by_branch(b).collect();
            let mut held = vec![("theme_day", None)];
            if branch.committee {
                held.push(("committee", None));
            }
            if quarter_month {
                held.push(("assembly", None));
                held.push(("lecture", None));
            }
            for (g, &group) in branch.groups.iter().enumerate() {
                held.push(("group", Some((g, group))));
            }
            for (kind, group) in held {
                let skip = if branch.lax { 0.3 } else { 0.03 };
                if rng.chance(skip) {
                    continue;
                }
                // A quarter's meeting is held in any of its months.
                let until = if quarter_month && matches!(kind, "assembly" | "lecture") {
                    (month + Months::new(3)).pred_opt().expect("valid").min(today)
                } else {
                    month_end
                };
                let held_on = day_between(rng, month, until);
                let (organisation, attendees): (i64, Vec<usize>) = match (kind, group) {
                    ("group", Some((g, id))) => {
                        (id, everyone.iter().copied().skip(g).step_by(branch.groups.len()).collect())
                    }
                    ("committee", _) => (branch.id, everyone.iter().copied().take(5).collect()),
                    _ => (branch.id, everyone.clone()),
                };
                let topic = topic(rng, kind);
                rows.push(
                    Row::new(at(held_on))
                        .place(branch.village_id, None)
                        .set("topic", topic)
                        .set("kind", kind)
                        .set("organisation", organisation)
                        .set("held_on", held_on.to_string())
                        .set("venue", if branch.village_id.is_some() { "党群服务中心" } else { "镇机关会议室" })
                        .set("host", attendees.first().map(|&m| town.residents[members[m].resident].name.clone()))
                        .set("agenda", format!("一、{topic}；二、通报近期工作；三、布置下阶段任务。"))
                        .set(
                            "minutes",
                            format!(
                                "{}召开{}，应到{}人。会议围绕“{topic}”进行了学习讨论，与会党员结合实际谈了体会。",
                                branch.name,
                                meeting_name(kind),
                                attendees.len()
                            ),
                        ),
                );
                // Attendance is recorded for the branch's own meetings; a 党小组会's stays with
                // the group (it would triple the demo's rows and its seeding time).
                expected.push((held_on, if kind == "group" { Vec::new() } else { attendees }));
            }
        }
        month = month + Months::new(1);
    }
    let ids = insert(conn, town, &MEETINGS, rows).await?;

    let reasons = ["外出务工", "因病请假", "因公出差", "家中有事"];
    let mut attendance = Vec::new();
    for (meeting, (held_on, attendees)) in ids.iter().zip(&expected) {
        for &m in attendees {
            let member = &members[m];
            let present = rng.chance(0.88);
            let branch = &orgs.branches[member.branch];
            let mut row =
                Row::new(at(*held_on)).place(branch.village_id, None).set("member", member.id).set("present", present);
            row.parent_id = Some(*meeting);
            if !present {
                row = row.set("absence_reason", *rng.pick(&reasons));
            }
            attendance.push(row);
        }
    }
    insert(conn, town, &MEETING_ATTENDANCE, attendance).await?;
    Ok(())
}

fn meeting_name(kind: &str) -> &'static str {
    match kind {
        "assembly" => "支部党员大会",
        "committee" => "支委会",
        "group" => "党小组会",
        "lecture" => "党课",
        _ => "主题党日活动",
    }
}

async fn dues(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    members: &[Member],
    start: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for member in members {
        // Most pay every month; some fall behind for the last months (arrears).
        let behind = if rng.chance(0.06) { rng.between(1, 7) } else { 0 };
        let resident = &town.residents[member.resident];
        let dues = rules::monthly_dues(member.basis, member.base_fen);
        let mut month = start.max(first_of_month(member.joined_on));
        while month <= today {
            let months_left = (today.year() - month.year()) * 12 + today.month() as i32 - month.month() as i32;
            let paid = months_left >= behind as i32 && !(months_left == 0 && rng.chance(0.4));
            let mut row = Row::new(at(month))
                .place(Some(resident.village_id), None)
                .set("member", member.id)
                .set("month", month.to_string())
                .set("amount", rules::yuan(dues.amount_fen));
            if let Some(per_mille) = dues.per_mille {
                row = row
                    .set("base", rules::yuan(member.base_fen))
                    .set("rate", format!("{}.{}", per_mille / 10, per_mille % 10));
            }
            if paid {
                let last = (month + Months::new(1)).pred_opt().expect("valid").min(today);
                row = row.set("paid_on", day_between(rng, month, last).to_string());
            }
            rows.push(row);
            month = month + Months::new(1);
        }
    }
    insert(conn, town, &DUES, rows).await?;
    Ok(())
}

/// The pipeline, each person with dates consistent with the stage reached (and a few late
/// talks, for the warnings).
async fn applicants(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    people: &People,
    orgs: &Orgs,
    today: NaiveDate,
) -> anyhow::Result<()> {
    const STATES: [&str; 6] = ["applicant", "activist", "candidate", "probationary", "full", "rejected"];
    let mut rows = Vec::new();
    for &(r, stage) in &people.pipeline {
        let resident: &Resident = &town.residents[r];
        // How long ago they applied: later stages started earlier.
        let back = match stage {
            0 => rng.between(10, 200),
            1 => rng.between(200, 500),
            2 => rng.between(640, 800),
            3 => rng.between(800, 1000),
            4 => rng.between(1200, 1500),
            _ => rng.between(60, 400),
        };
        let applied = today - TimeDelta::days(i64::from(back));
        let talk_late = rng.chance(0.15);
        let talked = applied + TimeDelta::days(if talk_late { 40 } else { i64::from(rng.between(5, 28)) });
        let branch =
            orgs.branches.iter().find(|b| b.village_id == Some(resident.village_id)).unwrap_or(&orgs.branches[0]);
        let mut row = Row::new(at(applied))
            .place(Some(resident.village_id), None)
            .set("name", resident.name.clone())
            .set("gender", resident.gender_code())
            .set("id_number", resident.id_number.clone())
            .set("organisation", branch.id)
            .set("applied_on", applied.to_string());
        row.state = Some(STATES[stage]);
        if talked <= today {
            row = row.set("talked_on", talked.to_string());
        }
        if (1..=4).contains(&stage) {
            let activist = applied + TimeDelta::days(i64::from(rng.between(90, 180)));
            row = row.set("activist_on", activist.to_string());
            if stage >= 2 {
                let candidate = activist + Months::new(12) + TimeDelta::days(i64::from(rng.between(0, 60)));
                row = row.set("candidate_on", candidate.to_string()).set(
                    "introducers",
                    format!("{}、{}", random_name(rng, Gender::Male, 1975), random_name(rng, Gender::Female, 1980)),
                );
                if stage >= 3 {
                    let admitted =
                        (candidate + TimeDelta::days(i64::from(rng.between(60, 120)))).min(today - TimeDelta::days(20));
                    let approved = admitted + TimeDelta::days(i64::from(rng.between(20, 80)));
                    row = row.set("admitted_on", admitted.to_string());
                    if approved <= today {
                        row = row.set("approved_on", approved.to_string());
                    }
                    if stage == 4 {
                        row = row.set("full_on", rules::probation_ends(admitted).to_string());
                    }
                }
            }
        }
        rows.push(row);
    }
    insert(conn, town, &APPLICANTS, rows).await?;
    Ok(())
}

async fn transfers(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    members: &[Member],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let elsewhere = [
        "中共常熟市虞山街道党工委",
        "中共常熟市碧溪街道党工委",
        "中共张家港市塘桥镇委员会",
        "中共苏州工业园区娄葑街道工委",
        "中共昆山市玉山镇委员会",
    ];
    let mut rows = Vec::new();
    for k in 0..members.len().min(16) {
        let member = &members[rng.below(members.len())];
        let resident = &town.residents[member.resident];
        let issued = today - TimeDelta::days(i64::from(rng.between(5, 300)));
        let valid_until = rules::transfer_valid_until(issued);
        let (direction, from, to) = if k % 3 == 2 {
            ("in", rng.pick(&elsewhere).to_string(), format!("中共{TOWNSHIP_NAME}委员会"))
        } else {
            ("out", format!("中共{TOWNSHIP_NAME}委员会"), rng.pick(&elsewhere).to_string())
        };
        let returned = issued + TimeDelta::days(i64::from(rng.between(7, 120)));
        let (state, receipt) = match (returned <= valid_until.min(today), valid_until < today) {
            (true, _) => ("received", Some(returned)),
            (false, true) => ("expired", None),
            (false, false) => ("issued", None),
        };
        let mut row = Row::new(at(issued))
            .place(Some(resident.village_id), None)
            .set("member", member.id)
            .set("direction", direction)
            .set("from_organisation", from)
            .set("to_organisation", to)
            .set("letter_number", format!("梅组转〔{}〕{}号", issued.year(), k + 1))
            .set("issued_on", issued.to_string())
            .set("valid_until", valid_until.to_string());
        row.state = Some(state);
        if let Some(receipt) = receipt {
            row = row.set("receipt_returned_on", receipt.to_string());
        }
        rows.push(row);
    }
    insert(conn, town, &TRANSFERS, rows).await?;
    Ok(())
}

async fn studies(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    orgs: &Orgs,
    start: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let titles = [
        ("collective", "党的二十届四中全会精神专题学习"),
        ("training", "基层党务工作者培训班"),
        ("party_school", "镇党校入党积极分子培训班"),
        ("online", "“学习强国”专题学习"),
        ("collective", "《习近平谈治国理政》第五卷学习"),
        ("training", "网格化社会治理业务培训"),
    ];
    let mut rows = Vec::new();
    for &organisation in orgs.all.iter().chain([&orgs.committee]) {
        for _ in 0..rng.between(3, 7) {
            let (kind, title) = *rng.pick(&titles);
            let held_on = day_between(rng, start, today);
            rows.push(
                Row::new(at(held_on))
                    .set("title", title)
                    .set("kind", kind)
                    .set("organisation", organisation)
                    .set("held_on", held_on.to_string())
                    .set("hours", format!("{}.{}", rng.between(1, 4), if rng.chance(0.5) { 5 } else { 0 }))
                    .set("participants", rng.between(8, 60))
                    .set("lecturer", random_name(rng, Gender::Male, 1975))
                    .set("content", format!("{title}，围绕学习内容开展了交流研讨。")),
            );
        }
    }
    insert(conn, town, &STUDIES, rows).await?;
    Ok(())
}

/// The 实践所 at the township seat and a 站 in every other village and community, and the
/// services residents ordered from them over the year.
async fn practice(
    conn: &mut AsyncPgConnection,
    town: &Town,
    rng: &mut Rng,
    start: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (k, village) in town.villages.iter().enumerate() {
        let (level, name) = if k == 0 {
            ("institute", format!("{TOWNSHIP_NAME}新时代文明实践所"))
        } else {
            ("station", format!("{}新时代文明实践站", village.name))
        };
        rows.push(
            Row::new(at(today - TimeDelta::days(900)))
                .place(Some(village.id), None)
                .set("name", name)
                .set("level", level)
                .set("pioneer_post", k % 3 == 0)
                .set("address", format!("{TOWNSHIP_NAME}{}党群服务中心", village.name))
                .set("manager", random_name(rng, Gender::Female, 1985))
                .set("phone", format!("139{:08}", rng.below(100_000_000)))
                .set("opened_on", (today - TimeDelta::days(i64::from(rng.between(700, 2000)))).to_string())
                .set("location", point(village.lon, village.lat)),
        );
    }
    let stations = insert(conn, town, &STATIONS, rows).await?;

    let requests = [
        ("theory", "希望来村里讲讲新出台的惠农政策"),
        ("culture", "广场舞队需要老师指导排练"),
        ("elderly", "独居老人需要上门理发和打扫卫生"),
        ("environment", "河边有一片垃圾需要清理"),
        ("legal", "想咨询宅基地继承的法律问题"),
        ("health", "希望组织一次免费量血压和义诊"),
        ("tutoring", "孩子暑假需要作业辅导"),
        ("science", "想学习用手机防范电信诈骗"),
    ];
    let mut orders = Vec::new();
    for (village, &station) in town.villages.iter().zip(&stations) {
        let residents: Vec<&Resident> =
            town.residents.iter().filter(|r| r.village_id == village.id && r.age_on(today) >= 18).collect();
        for _ in 0..rng.between(20, 40) {
            let resident = *rng.pick(&residents);
            let (service, request) = *rng.pick(&requests);
            let ordered = day_between(rng, start, today);
            let age = (today - ordered).num_days();
            let state = match age {
                0..=2 => "ordered",
                3..=6 => "dispatched",
                7..=12 => "accepted",
                _ if rng.chance(0.04) => "cancelled",
                _ => "rated",
            };
            let mut row = Row::new(at(ordered))
                .place(Some(resident.village_id), Some(resident.grid_id))
                .set("station", station)
                .set("service", service)
                .set("resident", resident.id)
                .set("requester", resident.name.clone())
                .set("phone", resident.phone.clone())
                .set("request", request)
                .set("ordered_on", ordered.to_string());
            row.state = Some(state);
            if matches!(state, "accepted" | "rated") {
                row = row.set("volunteer", random_name(rng, Gender::Female, 1990));
            }
            if state == "rated" {
                row = row
                    .set("hours", format!("{}.{}", rng.between(1, 4), if rng.chance(0.5) { 5 } else { 0 }))
                    .set("rating", [5, 5, 5, 4, 4, 3][rng.below(6)])
                    .set("comment", *rng.pick(&["服务很周到", "志愿者很热心", "问题解决了，谢谢", "还可以"]));
            }
            orders.push(row);
        }
    }
    insert(conn, town, &SERVICE_ORDERS, orders).await?;
    Ok(())
}
