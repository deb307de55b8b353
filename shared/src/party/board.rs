//! 党建概况: what the party office and the village secretaries look at first — the
//! organisation tree with its size and term warnings, the 三会一课 compliance of every
//! branch and group over the last twelve months, and the figures by village. Computed on
//! the server from the registers by `service::board` with the rules of [`super::rules`];
//! labels come translated.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The board as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyBoard {
    pub today: NaiveDate,
    /// The first day of the window the compliance is judged over (twelve whole months).
    pub from: NaiveDate,
    /// The organisations in tree order (each after its parent), with their depth.
    pub organisations: Vec<OrganisationRow>,
    /// The meeting kinds of the compliance columns, with their labels.
    pub meeting_kinds: Vec<(String, String)>,
    /// The figures by village, then the township's total (its `village` is empty).
    pub villages: Vec<VillageRow>,
    /// The members behind on their dues over the window, longest run first (`None`: the
    /// user may not view dues).
    pub arrears: Option<Arrears>,
    /// The development pipeline's time rules broken or due, overdue first (`None`: the user
    /// may not view applicants).
    pub pipeline: Option<Pipeline>,
}

/// The people in the development pipeline (not yet 正式党员, not rejected) whose time rules
/// (`rules::development_issues`) are broken or coming due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// All of them (the rows stop at [`MAX_PIPELINE_ROWS`]).
    pub total: u32,
    /// Of them, the rules already broken or past their day.
    pub overdue: u32,
    pub rows: Vec<PipelineRow>,
}

/// The most pipeline issues the board lists.
pub const MAX_PIPELINE_ROWS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRow {
    pub applicant: i64,
    pub name: String,
    pub organisation: String,
    /// The stage (the workflow state's label).
    pub stage: String,
    pub issue: super::rules::DevelopmentIssue,
}

/// Members who have not paid their dues for [`super::rules::ARREARS_SHOWN`] months in a row
/// or more over the window (counted from when they joined, up to the last month that ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrears {
    /// All of them (the rows stop at [`MAX_ARREARS_ROWS`]).
    pub total: u32,
    /// Of them, those at [`super::rules::LAPSE_MONTHS`] or more: 党章 第三十八条 asks the
    /// branch to act.
    pub lapsing: u32,
    pub rows: Vec<ArrearsRow>,
}

/// The most members the board lists as behind on dues.
pub const MAX_ARREARS_ROWS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrearsRow {
    pub member: i64,
    pub name: String,
    pub organisation: String,
    pub village: String,
    /// Months of the window without dues paid.
    pub unpaid: u32,
    /// The longest run of them.
    pub longest: u32,
    pub last_paid: Option<NaiveDate>,
    /// `longest` has reached [`super::rules::LAPSE_MONTHS`].
    pub lapsing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    /// `committee`, `general_branch`, `branch` or `group`, and its label.
    pub kind: String,
    pub kind_label: String,
    /// 0 for the tree's roots.
    pub depth: u8,
    pub village: String,
    pub secretary: String,
    pub term_end: Option<NaiveDate>,
    /// 正式党员 and 预备党员 of it and of the organisations below it.
    pub full_members: u32,
    pub probationary_members: u32,
    /// The size rules it breaks, as sentences.
    pub warnings: Vec<String>,
    /// The term: ending soon (`soon`) or ended without an election (`overdue`), said.
    pub term: Option<(String, String)>,
    /// Its 三会一课 over the window, one per kind of [`PartyBoard::meeting_kinds`]: `None`
    /// where it owes no such meeting.
    pub meetings: Vec<Option<Compliance>>,
    /// Attendance at its own meetings over the window, where any was recorded.
    pub attendance: Option<Attendance>,
}

/// Attendance recorded at an organisation's meetings (出席率).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// Members recorded present, summed over the meetings.
    pub present: u32,
    /// Members recorded at all (present or absent).
    pub recorded: u32,
}

impl Attendance {
    /// Present of recorded, in whole percent (rounded down: 99.6 % is not everyone).
    pub fn percent(self) -> u32 {
        if self.recorded == 0 { 0 } else { (u64::from(self.present) * 100 / u64::from(self.recorded)) as u32 }
    }
}

impl OrganisationRow {
    /// It missed a meeting it owed in the last period that has ended.
    pub fn behind(&self) -> bool {
        self.meetings.iter().flatten().any(|compliance| compliance.missed_last)
    }
}

/// One kind of meeting of one organisation over the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// Meetings held in the window.
    pub held: u32,
    /// Months or quarters of the window without one.
    pub missed: u32,
    /// The last month or quarter that has ended had none.
    pub missed_last: bool,
    pub last_held: Option<NaiveDate>,
}

/// One village's party figures (or the township's, with `village` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageRow {
    pub village: String,
    pub organisations: u32,
    pub full_members: u32,
    pub probationary_members: u32,
    pub floating_members: u32,
    /// Meetings held in the window.
    pub meetings: u32,
    /// Branches and groups behind on their meetings.
    pub behind: u32,
}
