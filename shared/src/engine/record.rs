//! What the engine's pages and server functions exchange: records, list queries and pages,
//! history versions, and the actions a role may be granted on a register.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::declare::Register;
use super::value::Values;

/// A register named by its module and name, as the menu and links need it (the declaration
/// itself stays on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterLink {
    pub module: String,
    pub name: String,
    /// The user configures the register's fields but may not see its records (a system
    /// administrator): the link opens the fields page.
    pub fields_only: bool,
    /// A run-time register's title (an administrator's, not in the translations).
    pub title: Option<super::runtime::RuntimeTitle>,
}

impl RegisterLink {
    /// The page the menu opens: its list (`/m/party/members`), or its custom fields
    /// (`/m/party/members/fields`) for a user who only configures it.
    pub fn path(&self) -> String {
        let list = format!("/m/{}/{}", self.module, self.name);
        if self.fields_only { format!("{list}/fields") } else { list }
    }

    /// The translation key of its title (`reg.party.members`).
    pub fn title_key(&self) -> String {
        format!("reg.{}.{}", self.module, self.name)
    }

    /// The translation key of its module's menu section (`module.party`).
    pub fn section_key(&self) -> String {
        format!("module.{}", self.module)
    }
}

/// One record as the detail page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: i64,
    pub version: i32,
    /// The naming series' number, once given.
    pub number: Option<String>,
    /// The workflow state, for a register with a workflow.
    pub state: Option<String>,
    /// The deadline of the state, when it has one, and how the record stands against it.
    pub state_due: Option<DateTime<Utc>>,
    pub deadline: Option<crate::events::DeadlineStatus>,
    pub village_id: Option<i32>,
    pub grid_id: Option<i32>,
    /// The place's names ("梅李村 · 第3网格").
    pub place: String,
    pub values: Values,
    /// The names of what reference, user and place fields point at, by field name, so the
    /// page shows "城东党支部", not 17.
    pub labels: BTreeMap<String, String>,
    /// Custom fields added at run time (key → value as text).
    pub extra: BTreeMap<String, String>,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub updated_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_by: String,
    /// The approvals (会签, 或签, N of M) given on the record, oldest first (the newest 100).
    pub approvals: Vec<ApprovalGiven>,
}

/// One approval of a record's step: who approved and, when a colleague approved for them
/// while they were away, who gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalGiven {
    /// The step's name (`sign`), labelled by the register's description.
    pub step: String,
    pub approver: String,
    pub acted_by: Option<String>,
    pub reason: Option<String>,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub at: DateTime<Utc>,
}

/// A list request: filters by field (the text as a form sends it), a search of the
/// register's first text field by prefix, the sort, and the keyset cursor of the page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
// Every part may be absent from a form (an empty map or an unset option sends no key).
#[serde(default)]
pub struct ListQuery {
    pub filters: BTreeMap<String, String>,
    pub q: String,
    /// A list column or standard column; empty: the register's default order.
    pub sort: String,
    pub descending: Option<bool>,
    /// Where the previous page ended (opaque to the browser).
    pub after: Option<String>,
    /// Rows per page, 1–100 (0: 50).
    pub limit: u16,
}

impl ListQuery {
    /// The query of a list page's URL parameters (`q`, `sort`, `dir`, and each filter by its
    /// field's name), as an export of that page receives them. Every other name is taken as
    /// a filter, so an undeclared one is refused by the list rather than ignored: a file
    /// never holds something else than was asked.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> ListQuery {
        let mut query = ListQuery::default();
        for (name, value) in params {
            match name {
                "q" => query.q = value.to_owned(),
                "sort" => query.sort = value.to_owned(),
                "dir" => query.descending = Some(value == "desc"),
                // A page's position means nothing to a whole export.
                "after" | "limit" => {}
                _ => {
                    query.filters.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        query
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub rows: Vec<ListRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    pub count: Count,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: i64,
    pub number: Option<String>,
    pub state: Option<String>,
    pub place: String,
    /// The list columns' values.
    pub values: Values,
    pub labels: BTreeMap<String, String>,
    /// The custom fields shown in the list (key → value as text).
    pub extra: BTreeMap<String, String>,
}

/// How many records match. Counting stops at a threshold: a list of a million records
/// never counts them all to show "1,000+".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Count {
    Exact(u64),
    AtLeast(u64),
}

/// Records of one register that refer to a record through one of their fields (the seal uses
/// of an outgoing document): shown on the record's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Referrers {
    pub module: String,
    pub register: String,
    /// The referring field.
    pub field: String,
    /// The register's title and the field's label, in the user's language.
    pub title: String,
    pub field_label: String,
    /// The field is one of its list's filters: "all of them" is that list, filtered.
    pub filterable: bool,
    pub count: Count,
    /// The newest of them.
    pub rows: Vec<Referrer>,
}

impl Referrers {
    /// Its list filtered to the records referring to `id`, when the field is a filter.
    pub fn list_path(&self, id: i64) -> Option<String> {
        self.filterable.then(|| format!("/m/{}/{}?{}={id}", self.module, self.register, self.field))
    }

    pub fn record_path(&self, id: i64) -> String {
        format!("/m/{}/{}/{id}", self.module, self.register)
    }
}

/// One referring record: its number if it has one, and its list columns as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub id: i64,
    pub number: Option<String>,
    pub summary: String,
}

/// The most versions one read of a record's history returns: a record edited every day for
/// years has thousands, and its page shows the newest, then older ones a page at a time.
pub const HISTORY_PAGE: usize = 50;

/// One version of a record in its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub version: i32,
    pub operation: Operation,
    pub actor: String,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub at: DateTime<Utc>,
    /// The fields this version changed.
    pub changed: Vec<String>,
    /// Moved to the history archive (past the register's online period); still restorable.
    pub archived: bool,
    /// The record as it was in this version.
    pub values: Values,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    Create,
    Edit,
    Delete,
    Restore,
    Step,
}

/// A record waiting for the user in "my tasks": a step the user may take from its state, or
/// an approval (会签, 或签, N of M) in which the user is named and has not yet approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRecord {
    pub module: String,
    pub register: String,
    /// The register's title in the user's language.
    pub register_title: String,
    pub id: i64,
    pub number: Option<String>,
    /// The value of the register's first text field (what names the record).
    pub title: String,
    /// The state's label in the user's language.
    pub state: String,
    /// The labels of the steps the user may take now.
    pub steps: Vec<String>,
    /// The user's approval is asked for.
    pub approval: bool,
    /// The approvers away for whom the user approves here (delegation while away), by name;
    /// empty when the record waits for the user in their own name only.
    pub on_behalf: Vec<String>,
    pub since: DateTime<Utc>,
    /// The state's deadline, when it has one.
    pub due: Option<DateTime<Utc>>,
    pub deadline: Option<crate::events::DeadlineStatus>,
}

impl PendingRecord {
    /// The record's page.
    pub fn path(&self) -> String {
        format!("/m/{}/{}/{}", self.module, self.register, self.id)
    }
}

/// The records waiting for the user, soonest deadline first, at most a page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRecords {
    pub rows: Vec<PendingRecord>,
    /// More are waiting than the page holds.
    pub more: bool,
}

/// A register as a layer of the map: its records' places (a point, or a point inside a
/// line or polygon), at most [`MAX_MAP_POINTS`] of those the list's filters select.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterMap {
    pub points: Vec<RecordPoint>,
    /// Folded into clusters when zoomed out (the layer's declaration).
    pub cluster: bool,
    /// More records matched than the map carries (narrow the filters).
    pub more: bool,
}

/// A register the town map can show as a layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedRegister {
    pub module: String,
    pub name: String,
    /// The register's title in the user's language.
    pub title: String,
}

/// The most records one register's map layer carries.
pub const MAX_MAP_POINTS: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordPoint {
    pub id: i64,
    pub lat: f64,
    pub lng: f64,
    /// The layer's label field's value (the popup's title).
    pub label: String,
    pub state: Option<String>,
}

/// One figure a register declares for the dashboard and the big screen, in the user's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterCounter {
    pub module: String,
    pub register: String,
    /// The module's title and the figure's label, in the user's language.
    pub module_title: String,
    pub label: String,
    /// A count, or a sum (which may have decimals).
    pub value: String,
    /// The list the figure drills down to.
    pub href: String,
    /// An alert that is not zero (supplies at their reorder level): shown as a warning.
    pub alert: bool,
}

/// What a workflow step did: moved the record, or recorded one approval of a step that
/// needs more (会签, N of M).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOutcome {
    /// The record is now in this state.
    Moved { to: String },
    /// The approval is recorded; `approvals` of the `needed` are in.
    Approved { approvals: u32, needed: u32 },
}

/// What a role may be granted on a register. The permission code is
/// `m.<module>.<register>.<action>` (`m.party.members.view`); a workflow transition's is
/// `m.<module>.<register>.<transition>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    Create,
    Edit,
    Delete,
    Export,
    Import,
    /// Add and change the register's custom fields.
    Configure,
    /// A workflow transition, by name.
    Step(&'static str),
}

impl Action {
    pub const FIXED: [Action; 7] =
        [Action::View, Action::Create, Action::Edit, Action::Delete, Action::Export, Action::Import, Action::Configure];

    pub fn name(self) -> &'static str {
        match self {
            Action::View => "view",
            Action::Create => "create",
            Action::Edit => "edit",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Import => "import",
            Action::Configure => "configure",
            Action::Step(name) => name,
        }
    }

    /// The permission code of this action on `register`.
    pub fn code(self, register: &Register) -> String {
        format!("m.{}.{}.{}", register.module, register.name, self.name())
    }

    /// Every action of a register: the fixed ones, then its workflow's transitions.
    pub fn of(register: &'static Register) -> impl Iterator<Item = Action> {
        let steps = register.workflow.map(|workflow| workflow.transitions).unwrap_or(&[]);
        Action::FIXED.into_iter().chain(steps.iter().map(|transition| Action::Step(transition.name)))
    }
}
