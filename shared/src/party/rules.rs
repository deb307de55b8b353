//! The party's rules that are arithmetic on numbers and dates, as pure functions: the dues
//! of a month, the size of an organisation, the 三会一课 a branch owes, and the time limits
//! of the development pipeline. Pages and reports ask these; nothing here reads a database.

use chrono::{Datelike, Months, NaiveDate};

/// A member's dues basis: the codes of `DUES_BASIS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuesBasis {
    Employed,
    Retired,
    Rural,
    Student,
    Unemployed,
}

impl DuesBasis {
    pub const ALL: [DuesBasis; 5] =
        [DuesBasis::Employed, DuesBasis::Retired, DuesBasis::Rural, DuesBasis::Student, DuesBasis::Unemployed];

    pub fn code(self) -> &'static str {
        match self {
            DuesBasis::Employed => "employed",
            DuesBasis::Retired => "retired",
            DuesBasis::Rural => "rural",
            DuesBasis::Student => "student",
            DuesBasis::Unemployed => "unemployed",
        }
    }

    pub fn parse(code: &str) -> Option<DuesBasis> {
        DuesBasis::ALL.into_iter().find(|basis| basis.code() == code)
    }
}

/// One month's dues: the share of the base in tenths of a percent (5 = 0.5 %), when the
/// dues are a share, and the amount in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dues {
    pub per_mille: Option<u16>,
    pub amount_fen: i64,
}

/// The fixed monthly dues of a student, an unemployed member or one living on relief, and
/// the least a farmer pays: 0.2 yuan.
pub const FIXED_DUES_FEN: i64 = 20;

/// A month's dues by 中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号):
/// - 在职 (employed), of the monthly pay after tax and social insurance: up to 3,000 yuan
///   0.5 %, up to 5,000 yuan 1 %, up to 10,000 yuan 1.5 %, above 2 % (each bound inclusive);
/// - 离退休 (retired), of the pension: up to 5,000 yuan 0.5 %, above 1 %;
/// - 农民党员 0.2 to 1 yuan a month (the branch may ask more; this gives the 0.2 floor);
/// - 学生, 下岗失业, 依靠抚恤或救济生活 0.2 yuan a month.
///
/// The amount is rounded to the fen, halves up. `base_fen` is ignored for fixed amounts.
pub fn monthly_dues(basis: DuesBasis, base_fen: i64) -> Dues {
    let per_mille = match basis {
        DuesBasis::Employed if base_fen <= 300_000 => 5,
        DuesBasis::Employed if base_fen <= 500_000 => 10,
        DuesBasis::Employed if base_fen <= 1_000_000 => 15,
        DuesBasis::Employed => 20,
        DuesBasis::Retired if base_fen <= 500_000 => 5,
        DuesBasis::Retired => 10,
        DuesBasis::Rural | DuesBasis::Student | DuesBasis::Unemployed => {
            return Dues { per_mille: None, amount_fen: FIXED_DUES_FEN };
        }
    };
    let base = base_fen.max(0);
    Dues { per_mille: Some(per_mille), amount_fen: (base * i64::from(per_mille) + 500) / 1000 }
}

/// `1234` fen as `"12.34"`, the text of a money field.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// The months (their first days) from `from` to `until`, both included, for which no dues
/// were paid; `paid` holds any day of each paid month.
pub fn unpaid_months(paid: &[NaiveDate], from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let paid: Vec<NaiveDate> = paid.iter().map(|day| first_of_month(*day)).collect();
    months(first_of_month(from), until).filter(|month| !paid.contains(month)).collect()
}

/// 党章 第三十八条: six months in a row without paying dues and without good reason, a
/// member is regarded as having left the party (自行脱党); the branch must act before that.
pub const LAPSE_MONTHS: usize = 6;

/// The run of unpaid months from which the party board lists a member as behind on dues.
pub const ARREARS_SHOWN: usize = 3;

/// The longest run of consecutive unpaid months in `unpaid` (sorted first days of months).
pub fn longest_arrears(unpaid: &[NaiveDate]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<NaiveDate> = None;
    for month in unpaid {
        run = match previous {
            Some(before) if before.checked_add_months(Months::new(1)) == Some(*month) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(*month);
    }
    longest
}

/// The kind of a party organisation: the codes of `ORGANISATION_KIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationKind {
    Committee,
    GeneralBranch,
    Branch,
    Group,
}

impl OrganisationKind {
    pub fn code(self) -> &'static str {
        match self {
            OrganisationKind::Committee => "committee",
            OrganisationKind::GeneralBranch => "general_branch",
            OrganisationKind::Branch => "branch",
            OrganisationKind::Group => "group",
        }
    }

    pub fn parse(code: &str) -> Option<OrganisationKind> {
        [Self::Committee, Self::GeneralBranch, Self::Branch, Self::Group].into_iter().find(|kind| kind.code() == code)
    }
}

/// What is counted of an organisation (members of it and of the organisations below it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrganisationSize {
    pub kind: OrganisationKind,
    /// 正式党员.
    pub full_members: u32,
    /// 预备党员.
    pub probationary_members: u32,
    /// Members of its committee (支委会, 总支委员会, 党委委员), 0 when it has none.
    pub committee: u32,
}

/// A rule of the organisation's size that is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationWarning {
    /// A 党支部 needs at least 3 正式党员 (党章 第三十条; 支部工作条例 第八条).
    BranchTooSmall,
    /// A branch of 7 or more 正式党员 elects a 支部委员会 (支部工作条例 第十四条).
    BranchWithoutCommittee,
    /// A 支部委员会 has 3 to 5 members, at most 7 (ibid.).
    CommitteeSize,
    /// A branch is generally at most 50 members; a larger one becomes a 总支 or is divided
    /// (支部工作条例 第九条).
    BranchTooLarge,
    /// A 党总支 is set up for 50 to 100 members (党和国家机关基层组织工作条例 and the
    /// 支部工作条例's practice).
    GeneralBranchSize,
    /// A 基层党委 is set up for 100 or more members (党章 第三十条, 基层组织选举工作条例).
    CommitteeTooSmall,
}

/// The size rules an organisation breaks. (The issue's "a 支部委员会 ≥ 7" is read as the
/// rule that a branch of 7 or more 正式党员 must have a committee, which is what the 2018
/// 中国共产党支部工作条例(试行) says; the committee itself has 3 to 7 members.)
pub fn organisation_warnings(size: &OrganisationSize) -> Vec<OrganisationWarning> {
    use OrganisationWarning::*;
    let members = size.full_members + size.probationary_members;
    let mut warnings = Vec::new();
    match size.kind {
        OrganisationKind::Branch => {
            if size.full_members < 3 {
                warnings.push(BranchTooSmall);
            }
            if size.full_members >= 7 && size.committee == 0 {
                warnings.push(BranchWithoutCommittee);
            }
            if size.committee > 0 && !(3..=7).contains(&size.committee) {
                warnings.push(CommitteeSize);
            }
            if members > 50 {
                warnings.push(BranchTooLarge);
            }
        }
        OrganisationKind::GeneralBranch if !(50..=100).contains(&members) => warnings.push(GeneralBranchSize),
        OrganisationKind::Committee if members < 100 => warnings.push(CommitteeTooSmall),
        _ => {}
    }
    warnings
}

/// How far an organisation's term end is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermReminder {
    /// The term ends within [`TERM_REMINDER_DAYS`]: prepare the 换届选举.
    Soon,
    /// The term has ended without an election.
    Overdue,
}

/// How early a coming term end is shown (the election must be reported to the higher
/// committee and prepared: three months).
pub const TERM_REMINDER_DAYS: i64 = 90;

pub fn term_reminder(term_end: NaiveDate, today: NaiveDate) -> Option<TermReminder> {
    let days = (term_end - today).num_days();
    if days < 0 {
        Some(TermReminder::Overdue)
    } else if days <= TERM_REMINDER_DAYS {
        Some(TermReminder::Soon)
    } else {
        None
    }
}

/// 三会一课 and 主题党日: the codes of `MEETING_KIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MeetingKind {
    Assembly,
    Committee,
    Group,
    Lecture,
    ThemeDay,
}

/// How often a kind of meeting is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 5] = [
        MeetingKind::Assembly,
        MeetingKind::Committee,
        MeetingKind::Group,
        MeetingKind::Lecture,
        MeetingKind::ThemeDay,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MeetingKind::Assembly => "assembly",
            MeetingKind::Committee => "committee",
            MeetingKind::Group => "group",
            MeetingKind::Lecture => "lecture",
            MeetingKind::ThemeDay => "theme_day",
        }
    }

    pub fn parse(code: &str) -> Option<MeetingKind> {
        MeetingKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The month or quarter this kind is judged by that holds `day` (its first day).
    pub fn period_of(self, day: NaiveDate) -> NaiveDate {
        period_start(day, self.months())
    }

    /// The month or quarter before the one that holds `day`: the last that has ended.
    pub fn last_ended_period(self, day: NaiveDate) -> NaiveDate {
        let current = self.period_of(day);
        current.checked_sub_months(Months::new(self.months())).unwrap_or(current)
    }

    fn months(self) -> u32 {
        match self.due_every() {
            Period::Month => 1,
            Period::Quarter => 3,
        }
    }

    /// 中国共产党支部工作条例(试行) 第十九条: 支部党员大会 once a quarter, 支委会 once a month,
    /// 党小组会 once a month, 党课 once a quarter; 主题党日 once a month.
    pub fn due_every(self) -> Period {
        match self {
            MeetingKind::Assembly | MeetingKind::Lecture => Period::Quarter,
            MeetingKind::Committee | MeetingKind::Group | MeetingKind::ThemeDay => Period::Month,
        }
    }
}

/// A period in which a meeting that was due was not held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub kind: MeetingKind,
    /// The first day of the month or quarter.
    pub period: NaiveDate,
}

/// The meetings of `kinds` an organisation missed: every month or quarter that began on or
/// after `from` and ended before `today` (a running period is not missed yet) without a
/// meeting of that kind in it. `kinds` are the ones the organisation owes (a branch without
/// a committee owes no 支委会; 党小组会 are owed by groups).
pub fn meeting_shortfalls(
    kinds: &[MeetingKind],
    held: &[(MeetingKind, NaiveDate)],
    from: NaiveDate,
    today: NaiveDate,
) -> Vec<Shortfall> {
    let mut shortfalls = Vec::new();
    for &kind in kinds {
        let step = kind.months();
        let mut start = period_start(from, step);
        if start < from {
            start = start.checked_add_months(Months::new(step)).expect("in range");
        }
        while let Some(end) = start.checked_add_months(Months::new(step)) {
            if end > today {
                break;
            }
            if !held.iter().any(|(k, on)| *k == kind && (start..end).contains(on)) {
                shortfalls.push(Shortfall { kind, period: start });
            }
            start = end;
        }
    }
    shortfalls
}

/// The dates of one person's development (发展党员工作细则), as far as they have come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Development {
    pub applied_on: Option<NaiveDate>,
    pub talked_on: Option<NaiveDate>,
    pub activist_on: Option<NaiveDate>,
    pub candidate_on: Option<NaiveDate>,
    /// The 支部大会 that accepted them as a 预备党员.
    pub admitted_on: Option<NaiveDate>,
    /// The higher committee's approval of that.
    pub approved_on: Option<NaiveDate>,
    pub full_on: Option<NaiveDate>,
}

/// A time rule of the pipeline that is broken, or about to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DevelopmentIssue {
    /// 细则 第六条: someone talks with the applicant within one month of the application.
    TalkDue {
        by: NaiveDate,
    },
    TalkLate,
    /// 细则 第十三条: at least one year of training as an activist before becoming a
    /// 发展对象.
    ActivistTooShort {
        earliest: NaiveDate,
    },
    /// 细则 第二十五条: the higher committee approves within three months of the branch
    /// meeting.
    ApprovalDue {
        by: NaiveDate,
    },
    ApprovalLate,
    /// 细则 第二十九条: the 预备期 is one year from the branch meeting; the branch then
    /// discusses 转正 in time.
    ConfirmationDue {
        on: NaiveDate,
    },
    ConfirmedEarly,
}

impl DevelopmentIssue {
    /// Already broken (not merely due).
    pub fn broken(self) -> bool {
        matches!(
            self,
            DevelopmentIssue::TalkLate
                | DevelopmentIssue::ActivistTooShort { .. }
                | DevelopmentIssue::ApprovalLate
                | DevelopmentIssue::ConfirmedEarly
        )
    }

    /// Broken, or due on a day that has passed: what the branch must act on first.
    pub fn overdue(self, today: NaiveDate) -> bool {
        match self {
            DevelopmentIssue::TalkDue { by } | DevelopmentIssue::ApprovalDue { by } => by < today,
            DevelopmentIssue::ConfirmationDue { on } => on < today,
            _ => self.broken(),
        }
    }

    /// The day it is due by or on, for one that is due.
    pub fn due(self) -> Option<NaiveDate> {
        match self {
            DevelopmentIssue::TalkDue { by } | DevelopmentIssue::ApprovalDue { by } => Some(by),
            DevelopmentIssue::ConfirmationDue { on } => Some(on),
            DevelopmentIssue::ActivistTooShort { earliest } => Some(earliest),
            _ => None,
        }
    }

    /// Its name in texts (`party.board.pipeline.<code>`).
    pub fn code(self) -> &'static str {
        match self {
            DevelopmentIssue::TalkDue { .. } => "talk_due",
            DevelopmentIssue::TalkLate => "talk_late",
            DevelopmentIssue::ActivistTooShort { .. } => "activist_too_short",
            DevelopmentIssue::ApprovalDue { .. } => "approval_due",
            DevelopmentIssue::ApprovalLate => "approval_late",
            DevelopmentIssue::ConfirmationDue { .. } => "confirmation_due",
            DevelopmentIssue::ConfirmedEarly => "confirmed_early",
        }
    }
}

pub fn months_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).expect("dates of people are far from chrono's limits")
}

/// The day a 预备期 ends.
pub fn probation_ends(admitted_on: NaiveDate) -> NaiveDate {
    months_after(admitted_on, 12)
}

/// A transfer letter is valid for three months from its issue (组织关系介绍信有效期).
pub fn transfer_valid_until(issued_on: NaiveDate) -> NaiveDate {
    months_after(issued_on, 3)
}

/// The time rules `d` breaks or must meet soon, as of `today`.
pub fn development_issues(d: &Development, today: NaiveDate) -> Vec<DevelopmentIssue> {
    use DevelopmentIssue::*;
    let mut issues = Vec::new();
    if let Some(applied) = d.applied_on {
        let by = months_after(applied, 1);
        match d.talked_on {
            Some(talked) if talked > by => issues.push(TalkLate),
            Some(_) => {}
            None if d.activist_on.is_none() => issues.push(TalkDue { by }),
            None => {}
        }
    }
    if let Some(activist) = d.activist_on {
        let earliest = months_after(activist, 12);
        if d.candidate_on.is_some_and(|candidate| candidate < earliest) {
            issues.push(ActivistTooShort { earliest });
        }
    }
    if let Some(admitted) = d.admitted_on {
        let by = months_after(admitted, 3);
        match d.approved_on {
            Some(approved) if approved > by => issues.push(ApprovalLate),
            Some(_) => {}
            None => issues.push(ApprovalDue { by }),
        }
        let ends = probation_ends(admitted);
        match d.full_on {
            Some(full) if full < ends => issues.push(ConfirmedEarly),
            Some(_) => {}
            None if (ends - today).num_days() <= 30 => issues.push(ConfirmationDue { on: ends }),
            None => {}
        }
    }
    issues
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// The first day of the month (`step` 1) or quarter (`step` 3) holding `day`.
fn period_start(day: NaiveDate, step: u32) -> NaiveDate {
    let month0 = (day.month0() / step) * step;
    NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).expect("valid month")
}

fn months(from: NaiveDate, until: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    std::iter::successors(Some(from), |month| month.checked_add_months(Months::new(1))).take_while(move |m| *m <= until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_is_overdue_once_broken_or_past_its_day() {
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date");
        let today = day("2026-11-29");
        assert!(DevelopmentIssue::TalkDue { by: day("2026-11-28") }.overdue(today));
        assert!(!DevelopmentIssue::TalkDue { by: day("2026-11-29") }.overdue(today));
        assert!(!DevelopmentIssue::ConfirmationDue { on: day("2026-12-20") }.overdue(today));
        assert!(DevelopmentIssue::ApprovalLate.overdue(today));
        assert!(DevelopmentIssue::ActivistTooShort { earliest: day("2027-05-01") }.overdue(today));
        assert_eq!(DevelopmentIssue::ConfirmationDue { on: day("2026-12-20") }.due(), Some(day("2026-12-20")));
        assert_eq!(DevelopmentIssue::TalkLate.due(), None);
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn dues_follow_the_2008_brackets_bounds_included() {
        let employed = |yuan: i64| monthly_dues(DuesBasis::Employed, yuan * 100);
        assert_eq!(employed(3000), Dues { per_mille: Some(5), amount_fen: 1500 });
        assert_eq!(employed(3001).per_mille, Some(10));
        assert_eq!(employed(5000), Dues { per_mille: Some(10), amount_fen: 5000 });
        assert_eq!(employed(5001).per_mille, Some(15));
        assert_eq!(employed(10_000), Dues { per_mille: Some(15), amount_fen: 15_000 });
        assert_eq!(employed(10_001), Dues { per_mille: Some(20), amount_fen: 20_002 });
        assert_eq!(monthly_dues(DuesBasis::Retired, 500_000), Dues { per_mille: Some(5), amount_fen: 2500 });
        assert_eq!(monthly_dues(DuesBasis::Retired, 500_100).per_mille, Some(10));
        for basis in [DuesBasis::Rural, DuesBasis::Student, DuesBasis::Unemployed] {
            assert_eq!(monthly_dues(basis, 900_000), Dues { per_mille: None, amount_fen: 20 });
        }
        // 4,321.07 × 1 % = 43.2107 → 43.21; 2,345.70 × 0.5 % = 11.7285 → 11.73 (half up).
        assert_eq!(monthly_dues(DuesBasis::Employed, 432_107).amount_fen, 4321);
        assert_eq!(monthly_dues(DuesBasis::Employed, 234_570).amount_fen, 1173);
        assert_eq!(yuan(1173), "11.73");
        assert_eq!(yuan(20), "0.20");
    }

    #[test]
    fn every_dues_code_is_a_basis() {
        for code in super::super::DUES_BASIS.codes {
            assert_eq!(DuesBasis::parse(code).map(DuesBasis::code), Some(*code));
        }
        for code in super::super::MEETING_KIND.codes {
            assert_eq!(MeetingKind::parse(code).map(MeetingKind::code), Some(*code));
        }
        for code in super::super::ORGANISATION_KIND.codes {
            assert_eq!(OrganisationKind::parse(code).map(OrganisationKind::code), Some(*code));
        }
    }

    #[test]
    fn arrears_are_the_unpaid_months_and_their_longest_run() {
        let paid = [day(2026, 1, 5), day(2026, 2, 28), day(2026, 6, 1)];
        let unpaid = unpaid_months(&paid, day(2026, 1, 1), day(2026, 11, 28));
        assert_eq!(unpaid.first(), Some(&day(2026, 3, 1)));
        assert_eq!(unpaid.len(), 8);
        assert_eq!(longest_arrears(&unpaid), 5); // July to November
        assert_eq!(longest_arrears(&[]), 0);
    }

    #[test]
    fn organisation_sizes_are_checked_by_kind() {
        use OrganisationWarning::*;
        let size = |kind, full_members, probationary_members, committee| OrganisationSize {
            kind,
            full_members,
            probationary_members,
            committee,
        };
        assert_eq!(organisation_warnings(&size(OrganisationKind::Branch, 2, 3, 0)), vec![BranchTooSmall]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Branch, 6, 0, 0)), vec![]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Branch, 7, 0, 0)), vec![BranchWithoutCommittee]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Branch, 30, 2, 5)), vec![]);
        assert_eq!(
            organisation_warnings(&size(OrganisationKind::Branch, 49, 2, 9)),
            vec![CommitteeSize, BranchTooLarge]
        );
        assert_eq!(organisation_warnings(&size(OrganisationKind::GeneralBranch, 40, 9, 5)), vec![GeneralBranchSize]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::GeneralBranch, 45, 5, 5)), vec![]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Committee, 95, 4, 9)), vec![CommitteeTooSmall]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Committee, 600, 20, 9)), vec![]);
        assert_eq!(organisation_warnings(&size(OrganisationKind::Group, 1, 0, 0)), vec![]);
    }

    #[test]
    fn a_term_end_is_reminded_ninety_days_ahead() {
        assert_eq!(term_reminder(day(2027, 3, 1), day(2026, 11, 28)), None);
        assert_eq!(term_reminder(day(2027, 2, 26), day(2026, 11, 28)), Some(TermReminder::Soon));
        assert_eq!(term_reminder(day(2026, 11, 27), day(2026, 11, 28)), Some(TermReminder::Overdue));
    }

    #[test]
    fn missed_meetings_are_counted_per_finished_period() {
        use MeetingKind::*;
        let held = [
            (Assembly, day(2026, 2, 10)),
            (Assembly, day(2026, 8, 1)),
            (ThemeDay, day(2026, 1, 15)),
            (ThemeDay, day(2026, 3, 31)),
            (Lecture, day(2026, 5, 5)),
        ];
        let missed = meeting_shortfalls(&[Assembly, ThemeDay, Lecture], &held, day(2026, 1, 1), day(2026, 5, 20));
        // Assembly: Q1 held, Q2 still running. Theme days: February and April missed, May running.
        // Lecture: Q1 missed.
        assert_eq!(
            missed,
            vec![
                Shortfall { kind: ThemeDay, period: day(2026, 2, 1) },
                Shortfall { kind: ThemeDay, period: day(2026, 4, 1) },
                Shortfall { kind: Lecture, period: day(2026, 1, 1) },
            ]
        );
        // A start inside a quarter counts from the next whole quarter.
        assert!(meeting_shortfalls(&[Assembly], &[], day(2026, 2, 1), day(2026, 6, 30)).is_empty());
        assert_eq!(meeting_shortfalls(&[Assembly], &[], day(2026, 2, 1), day(2026, 7, 1)).len(), 1);
    }

    #[test]
    fn the_pipeline_time_rules() {
        use DevelopmentIssue::*;
        let today = day(2026, 11, 28);
        let fresh = Development { applied_on: Some(day(2026, 11, 1)), ..Development::default() };
        assert_eq!(development_issues(&fresh, today), vec![TalkDue { by: day(2026, 12, 1) }]);
        let late = Development { talked_on: Some(day(2026, 12, 2)), ..fresh };
        assert_eq!(development_issues(&late, today), vec![TalkLate]);
        let hurried = Development {
            applied_on: Some(day(2024, 3, 1)),
            talked_on: Some(day(2024, 3, 20)),
            activist_on: Some(day(2024, 6, 1)),
            candidate_on: Some(day(2025, 5, 31)),
            ..Development::default()
        };
        assert_eq!(development_issues(&hurried, today), vec![ActivistTooShort { earliest: day(2025, 6, 1) }]);
        let probationary = Development {
            candidate_on: Some(day(2025, 6, 1)),
            admitted_on: Some(day(2025, 12, 20)),
            approved_on: None,
            ..hurried
        };
        assert_eq!(
            development_issues(&probationary, today),
            vec![ApprovalDue { by: day(2026, 3, 20) }, ConfirmationDue { on: day(2026, 12, 20) }]
        );
        let full = Development { approved_on: Some(day(2026, 4, 1)), full_on: Some(day(2026, 12, 1)), ..probationary };
        assert_eq!(development_issues(&full, today), vec![ApprovalLate, ConfirmedEarly]);
        assert_eq!(transfer_valid_until(day(2026, 11, 30)), day(2027, 2, 28));
    }
}
