//! The party board (`board::PartyBoard`) from the party registers: the organisations, the
//! members and the meetings the user may see (the engine's one data-scope predicate), read
//! in three grouped queries bounded by the township's size — never a row per member — and
//! judged by the rules of the party's regulations ([`super::rules`]); and, for those who may
//! view dues, the members behind on them (one row per member, with the months they paid).

use std::collections::{BTreeMap, HashMap};

use chrono::{Months, NaiveDate};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::board::{
    Arrears, ArrearsRow, Attendance, Compliance, MAX_ARREARS_ROWS, MAX_PIPELINE_ROWS, OrganisationRow, PartyBoard,
    Pipeline, PipelineRow, VillageRow,
};
use super::rules::{
    ARREARS_SHOWN, Development, LAPSE_MONTHS, MeetingKind, OrganisationKind, OrganisationSize, OrganisationWarning,
    TermReminder, development_issues, longest_arrears, meeting_shortfalls, organisation_warnings, term_reminder,
    unpaid_months,
};
use super::{APPLICANTS, DUES, MEETINGS, MEMBERS, ORGANISATIONS};
use crate::accounts::SessionUser;
use crate::engine::Action;
use crate::engine::service::{Translate, visible};
use crate::error::AppError;
use crate::sql::Sql;

/// The most organisations a board shows (a township has a few hundred at most).
const MAX_ORGANISATIONS: i64 = 2_000;

/// The board for `user` on `today`: a 403 without the view of organisations, members and
/// meetings.
pub async fn board(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    today: NaiveDate,
    translate: Translate<'_>,
) -> Result<PartyBoard, AppError> {
    if ![&ORGANISATIONS, &MEMBERS, &MEETINGS].iter().all(|register| user.may(register, Action::View)) {
        return Err(AppError::Forbidden);
    }
    // Twelve whole months before the current one.
    let this_month = MeetingKind::Committee.period_of(today);
    let from = this_month.checked_sub_months(Months::new(12)).unwrap_or(this_month);
    let organisations = organisations(conn, user).await?;
    let members = members(conn, user).await?;
    let meetings = meetings(conn, user, from).await?;
    let attendance = attendance(conn, user, from).await?;

    let ids: HashMap<i64, usize> = organisations.iter().enumerate().map(|(at, o)| (o.id, at)).collect();
    let order = tree_order(&organisations, &ids);
    // Members of each organisation and of those below it.
    let mut counted = vec![(0u32, 0u32); organisations.len()];
    for group in &members {
        let Some(mut at) = group.organisation.and_then(|id| ids.get(&id).copied()) else { continue };
        let mut hops = 0;
        loop {
            let (full, probationary) = &mut counted[at];
            if group.political_status == "02" {
                *probationary += group.n as u32;
            } else {
                *full += group.n as u32;
            }
            match organisations[at].parent.and_then(|id| ids.get(&id).copied()) {
                // A cycle in the stored tree must not loop: no tree is deeper than this.
                Some(parent) if hops < 16 => {
                    at = parent;
                    hops += 1;
                }
                _ => break,
            }
        }
    }
    let mut held: HashMap<i64, Vec<(MeetingKind, NaiveDate)>> = HashMap::new();
    for meeting in &meetings {
        if let Some(kind) = MeetingKind::parse(&meeting.kind) {
            held.entry(meeting.organisation).or_default().push((kind, meeting.held_on));
        }
    }

    let rows: Vec<OrganisationRow> = order
        .iter()
        .map(|&(at, depth)| {
            let organisation = &organisations[at];
            let kind = OrganisationKind::parse(&organisation.kind);
            let (full_members, probationary_members) = counted[at];
            let warnings = kind
                .map(|kind| {
                    organisation_warnings(&OrganisationSize {
                        kind,
                        full_members,
                        probationary_members,
                        committee: organisation.committee_size.unwrap_or(0).max(0) as u32,
                    })
                })
                .unwrap_or_default()
                .into_iter()
                .map(|warning| translate(&format!("party_board.warning.{}", warning_code(warning))))
                .collect();
            let term = organisation.term_end.and_then(|end| term_reminder(end, today)).map(|reminder| {
                let code = match reminder {
                    TermReminder::Soon => "soon",
                    TermReminder::Overdue => "overdue",
                };
                (code.to_owned(), translate(&format!("party_board.term.{code}")))
            });
            let owed = owed(kind, organisation.committee_size.unwrap_or(0));
            let held = held.get(&organisation.id).map(Vec::as_slice).unwrap_or_default();
            let meetings = MeetingKind::ALL
                .iter()
                .map(|&kind| owed.contains(&kind).then(|| compliance(kind, held, from, today)))
                .collect();
            OrganisationRow {
                id: organisation.id,
                name: organisation.name.clone(),
                kind: organisation.kind.clone(),
                kind_label: translate(&format!("code.organisation_kind.{}", organisation.kind)),
                depth,
                village: organisation.village.clone().unwrap_or_default(),
                secretary: organisation.secretary.clone().unwrap_or_default(),
                term_end: organisation.term_end,
                full_members,
                probationary_members,
                warnings,
                term,
                meetings,
                attendance: attendance.get(&organisation.id).copied(),
            }
        })
        .collect();

    let villages = villages(&organisations, &rows, &members, &meetings);
    let arrears = if user.may(&DUES, Action::View) {
        // Up to the last month that has ended: this month's dues are not late yet.
        let until = this_month.pred_opt().unwrap_or(this_month);
        Some(arrears(conn, user, from, until).await?)
    } else {
        None
    };
    let pipeline =
        if user.may(&APPLICANTS, Action::View) { Some(pipeline(conn, user, today, translate).await?) } else { None };
    Ok(PartyBoard {
        today,
        from,
        pipeline,
        organisations: rows,
        meeting_kinds: MeetingKind::ALL
            .iter()
            .map(|kind| (kind.code().to_owned(), translate(&format!("code.meeting_kind.{}", kind.code()))))
            .collect(),
        villages,
        arrears,
    })
}

/// The most people in the pipeline the board reads (a township has tens).
const MAX_PIPELINE: i64 = 5_000;

/// The pipeline's states in which its time rules still run.
const IN_PIPELINE: [&str; 4] = ["applicant", "activist", "candidate", "probationary"];

/// The people in the development pipeline the user may see whose time rules are broken or
/// coming due on `today`: those broken or past their day first, then by the day they are due.
async fn pipeline(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    today: NaiveDate,
    translate: Translate<'_>,
) -> Result<Pipeline, AppError> {
    #[derive(QueryableByName)]
    struct Applicant {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        organisation: String,
        #[diesel(sql_type = Text)]
        state: String,
        #[diesel(sql_type = Nullable<Date>)]
        applied_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        talked_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        activist_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        candidate_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        admitted_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        approved_on: Option<NaiveDate>,
        #[diesel(sql_type = Nullable<Date>)]
        full_on: Option<NaiveDate>,
    }
    let states: Vec<String> = IN_PIPELINE.iter().map(|state| (*state).to_owned()).collect();
    let applicants: Vec<Applicant> = Sql::new(
        "SELECT a.id, a.name, coalesce(o.name, '') AS organisation, a.state, a.applied_on, a.talked_on, a.activist_on, \
         a.candidate_on, a.admitted_on, a.approved_on, a.full_on FROM reg.party_applicants a \
         LEFT JOIN reg.party_organisations o ON o.id = a.organisation WHERE a.deleted_at IS NULL AND a.state = ANY (",
    )
    .bind(states)
    .push(") AND ")
    .append(visible(user, "a"))
    .push(" ORDER BY a.applied_on, a.id LIMIT ")
    .bind(MAX_PIPELINE)
    .query()
    .load(conn)
    .await?;
    let mut rows: Vec<PipelineRow> = applicants
        .into_iter()
        .flat_map(|a| {
            let dates = Development {
                applied_on: a.applied_on,
                talked_on: a.talked_on,
                activist_on: a.activist_on,
                candidate_on: a.candidate_on,
                admitted_on: a.admitted_on,
                approved_on: a.approved_on,
                full_on: a.full_on,
            };
            let stage = translate(&APPLICANTS.state_key(&a.state));
            development_issues(&dates, today)
                .into_iter()
                .map(|issue| PipelineRow {
                    applicant: a.id,
                    name: a.name.clone(),
                    organisation: a.organisation.clone(),
                    stage: stage.clone(),
                    issue,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    rows.sort_by(|a, b| {
        let overdue = |row: &PipelineRow| row.issue.overdue(today);
        overdue(b).cmp(&overdue(a)).then(a.issue.due().cmp(&b.issue.due())).then_with(|| a.name.cmp(&b.name))
    });
    let total = rows.len() as u32;
    let overdue = rows.iter().filter(|row| row.issue.overdue(today)).count() as u32;
    rows.truncate(MAX_PIPELINE_ROWS);
    Ok(Pipeline { total, overdue, rows })
}

#[derive(QueryableByName)]
struct Payer {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    organisation: String,
    #[diesel(sql_type = Text)]
    village: String,
    #[diesel(sql_type = Date)]
    joined_on: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Array<Date>)]
    paid: Vec<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    last_paid: Option<NaiveDate>,
}

/// The members (正式 and 预备) the user may see who have not paid dues for
/// [`ARREARS_SHOWN`] months in a row or more between `from` (or the month they joined) and
/// `until`: one row per member with the months of the window they paid.
async fn arrears(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Arrears, AppError> {
    let payers: Vec<Payer> = Sql::new(
        "SELECT m.id, m.name, coalesce(o.name, '') AS organisation, coalesce(v.name, '') AS village, m.joined_on, \
         coalesce(array_agg(d.month) FILTER (WHERE d.paid_on IS NOT NULL), '{}') AS paid, \
         max(d.paid_on) AS last_paid FROM reg.party_members m \
         LEFT JOIN reg.party_organisations o ON o.id = m.organisation \
         LEFT JOIN villages v ON v.id = m.village_id \
         LEFT JOIN reg.party_dues d ON d.member = m.id AND d.deleted_at IS NULL AND d.month >= ",
    )
    .bind(from)
    .push(" WHERE m.deleted_at IS NULL AND m.political_status IN ('01', '02') AND ")
    .append(visible(user, "m"))
    .push(" GROUP BY m.id, o.name, v.name")
    .query()
    .load(conn)
    .await?;
    let mut rows: Vec<ArrearsRow> = payers
        .into_iter()
        .filter_map(|payer| {
            let unpaid = unpaid_months(&payer.paid, from.max(payer.joined_on), until);
            let longest = longest_arrears(&unpaid);
            (longest >= ARREARS_SHOWN).then_some(ArrearsRow {
                member: payer.id,
                name: payer.name,
                organisation: payer.organisation,
                village: payer.village,
                unpaid: unpaid.len() as u32,
                longest: longest as u32,
                last_paid: payer.last_paid,
                lapsing: longest >= LAPSE_MONTHS,
            })
        })
        .collect();
    rows.sort_by(|a, b| b.longest.cmp(&a.longest).then(b.unpaid.cmp(&a.unpaid)).then_with(|| a.name.cmp(&b.name)));
    let total = rows.len() as u32;
    let lapsing = rows.iter().filter(|row| row.lapsing).count() as u32;
    rows.truncate(MAX_ARREARS_ROWS);
    Ok(Arrears { total, lapsing, rows })
}

/// The meetings an organisation owes (支部工作条例 第十九条): a branch its 党员大会, 党课
/// and 主题党日, and its 支委会 when it has a committee; a group its 党小组会. A 党委 or
/// 总支 is judged by its branches.
fn owed(kind: Option<OrganisationKind>, committee_size: i32) -> Vec<MeetingKind> {
    match kind {
        Some(OrganisationKind::Branch) => {
            let mut kinds = vec![MeetingKind::Assembly, MeetingKind::Lecture, MeetingKind::ThemeDay];
            if committee_size > 0 {
                kinds.push(MeetingKind::Committee);
            }
            kinds
        }
        Some(OrganisationKind::Group) => vec![MeetingKind::Group],
        _ => Vec::new(),
    }
}

fn compliance(kind: MeetingKind, held: &[(MeetingKind, NaiveDate)], from: NaiveDate, today: NaiveDate) -> Compliance {
    let shortfalls = meeting_shortfalls(&[kind], held, from, today);
    let last = kind.last_ended_period(today);
    let of_kind = held.iter().filter(|(k, _)| *k == kind);
    Compliance {
        held: of_kind.clone().count() as u32,
        missed: shortfalls.len() as u32,
        missed_last: shortfalls.iter().any(|shortfall| shortfall.period == last),
        last_held: of_kind.map(|(_, on)| *on).max(),
    }
}

fn warning_code(warning: OrganisationWarning) -> &'static str {
    match warning {
        OrganisationWarning::BranchTooSmall => "branch_too_small",
        OrganisationWarning::BranchWithoutCommittee => "branch_without_committee",
        OrganisationWarning::CommitteeSize => "committee_size",
        OrganisationWarning::BranchTooLarge => "branch_too_large",
        OrganisationWarning::GeneralBranchSize => "general_branch_size",
        OrganisationWarning::CommitteeTooSmall => "committee_too_small",
    }
}

/// Each organisation after its parent, children by kind (党委 first) and name, with depth;
/// one whose parent the user cannot see (or that has none) is a root.
fn tree_order(organisations: &[Organisation], ids: &HashMap<i64, usize>) -> Vec<(usize, u8)> {
    let rank = |at: usize| {
        let kind = organisations[at].kind.as_str();
        let rank = ["committee", "general_branch", "branch", "group"].iter().position(|k| *k == kind).unwrap_or(4);
        (rank, organisations[at].name.clone())
    };
    let mut children: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (at, organisation) in organisations.iter().enumerate() {
        let parent = organisation.parent.and_then(|id| ids.get(&id).copied()).filter(|parent| *parent != at);
        children.entry(parent).or_default().push(at);
    }
    for list in children.values_mut() {
        list.sort_by_key(|at| rank(*at));
    }
    let mut order = Vec::with_capacity(organisations.len());
    let mut seen = vec![false; organisations.len()];
    let mut stack: Vec<(usize, u8)> = children.get(&None).into_iter().flatten().rev().map(|at| (*at, 0)).collect();
    while let Some((at, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        order.push((at, depth));
        if let Some(below) = children.get(&Some(at)) {
            stack.extend(below.iter().rev().map(|child| (*child, depth.saturating_add(1))));
        }
    }
    // Organisations in a cycle of parents are reached from no root: listed last, as roots.
    order.extend((0..organisations.len()).filter(|at| !seen[*at]).map(|at| (at, 0)));
    order
}

fn villages(
    organisations: &[Organisation],
    rows: &[OrganisationRow],
    members: &[MemberGroup],
    meetings: &[Meeting],
) -> Vec<VillageRow> {
    let empty = |village: String| VillageRow {
        village,
        organisations: 0,
        full_members: 0,
        probationary_members: 0,
        floating_members: 0,
        meetings: 0,
        behind: 0,
    };
    let mut by_village: BTreeMap<String, VillageRow> = BTreeMap::new();
    fn entry<'a>(
        by_village: &'a mut BTreeMap<String, VillageRow>,
        empty: &dyn Fn(String) -> VillageRow,
        village: &Option<String>,
    ) -> &'a mut VillageRow {
        let name = village.clone().unwrap_or_default();
        by_village.entry(name.clone()).or_insert_with(|| empty(name))
    }
    let village_of: HashMap<i64, &Option<String>> = organisations.iter().map(|o| (o.id, &o.village)).collect();
    for row in rows {
        let village = entry(&mut by_village, &empty, village_of.get(&row.id).copied().unwrap_or(&None));
        village.organisations += 1;
        village.behind += u32::from(row.behind());
    }
    for group in members {
        let (village, n) = (entry(&mut by_village, &empty, &group.village), group.n as u32);
        if group.political_status == "02" {
            village.probationary_members += n;
        } else {
            village.full_members += n;
        }
        if group.floating {
            village.floating_members += n;
        }
    }
    for meeting in meetings {
        let village = village_of.get(&meeting.organisation).copied().unwrap_or(&None);
        entry(&mut by_village, &empty, village).meetings += 1;
    }
    // The township's own organisations (the 党委) belong to no village: counted in the total.
    let mut total = empty(String::new());
    for row in by_village.values() {
        total.organisations += row.organisations;
        total.full_members += row.full_members;
        total.probationary_members += row.probationary_members;
        total.floating_members += row.floating_members;
        total.meetings += row.meetings;
        total.behind += row.behind;
    }
    let mut rows: Vec<VillageRow> = by_village.into_values().filter(|row| !row.village.is_empty()).collect();
    rows.push(total);
    rows
}

#[derive(QueryableByName)]
struct Organisation {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    parent: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    village: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    secretary: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    term_end: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Integer>)]
    committee_size: Option<i32>,
}

async fn organisations(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<Organisation>, AppError> {
    Ok(Sql::new(
        "SELECT r.id, r.name, r.kind, r.parent, v.name AS village, r.secretary, r.term_end, \
         r.committee_size::integer AS committee_size FROM reg.party_organisations r \
         LEFT JOIN villages v ON v.id = r.village_id WHERE r.deleted_at IS NULL AND ",
    )
    .append(visible(user, "r"))
    .push(" ORDER BY r.id LIMIT ")
    .bind(MAX_ORGANISATIONS)
    .query()
    .load(conn)
    .await?)
}

/// Members counted by organisation, status, village and 流动党员.
#[derive(QueryableByName)]
struct MemberGroup {
    #[diesel(sql_type = Nullable<BigInt>)]
    organisation: Option<i64>,
    #[diesel(sql_type = Text)]
    political_status: String,
    #[diesel(sql_type = Nullable<Text>)]
    village: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    floating: bool,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn members(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<MemberGroup>, AppError> {
    Ok(Sql::new(
        "SELECT r.organisation, r.political_status, v.name AS village, coalesce(r.floating, false) AS floating, \
         count(*) AS n FROM reg.party_members r LEFT JOIN villages v ON v.id = r.village_id \
         WHERE r.deleted_at IS NULL AND ",
    )
    .append(visible(user, "r"))
    .push(" GROUP BY 1, 2, 3, 4")
    .query()
    .load(conn)
    .await?)
}

#[derive(QueryableByName)]
struct Meeting {
    #[diesel(sql_type = BigInt)]
    organisation: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Date)]
    held_on: NaiveDate,
}

/// Attendance recorded at each organisation's meetings held since `from` (the meetings the
/// user may see), one grouped row per organisation.
async fn attendance(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    from: NaiveDate,
) -> Result<HashMap<i64, Attendance>, AppError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        organisation: i64,
        #[diesel(sql_type = BigInt)]
        present: i64,
        #[diesel(sql_type = BigInt)]
        recorded: i64,
    }
    let rows: Vec<Row> = Sql::new(
        "SELECT r.organisation, count(*) FILTER (WHERE a.present) AS present, count(*) AS recorded \
         FROM reg.party_meetings r JOIN reg.party_meeting_attendance a ON a.parent_id = r.id AND a.deleted_at IS NULL \
         WHERE r.deleted_at IS NULL AND r.held_on >= ",
    )
    .bind(from)
    .push(" AND ")
    .append(visible(user, "r"))
    .push(" GROUP BY r.organisation")
    .query()
    .load(conn)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(rows
        .into_iter()
        .map(|row| (row.organisation, Attendance { present: count(row.present), recorded: count(row.recorded) }))
        .collect())
}

/// The meetings held since `from`, one row each (a township holds a few thousand a year).
async fn meetings(conn: &mut AsyncPgConnection, user: &SessionUser, from: NaiveDate) -> Result<Vec<Meeting>, AppError> {
    Ok(Sql::new(
        "SELECT r.organisation, r.kind, r.held_on FROM reg.party_meetings r \
         WHERE r.deleted_at IS NULL AND r.held_on >= ",
    )
    .bind(from)
    .push(" AND ")
    .append(visible(user, "r"))
    .query()
    .load(conn)
    .await?)
}
