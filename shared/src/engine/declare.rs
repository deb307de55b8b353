//! The declarations a module writes: its registers (台账), their fields, list, workflow and
//! map layer, as typed `const` values. Everything else — the table, the migration, the pages,
//! the permissions, the history, import and export — is derived from these by the engine.
//!
//! A declaration reads like the register's paper form:
//!
//! ```ignore
//! pub const MEMBERS: Register = Register {
//!     fields: &[
//!         text("name", 40).required(),
//!         text("id_number", 18).required().unique().check(codes::id_number::validate),
//!         choice("political_status", &POLITICAL_STATUS).required(),
//!         date("joined_on"),
//!     ],
//!     list: &["name", "political_status", "joined_on"],
//!     filters: &["political_status"],
//!     sort: Sort::desc("joined_on"),
//!     ..Register::new("party", "members", "party_members")
//! };
//! ```

use crate::error::ErrorCode;

/// A module: one folder under `shared/src/`, one line in [`crate::modules::MODULES`].
#[derive(Debug)]
pub struct Module {
    /// The module's name in paths (`/m/party/...`), permission codes and translation keys.
    pub name: &'static str,
    /// The clause of DB3205/T 1107—2024 the module implements ("8.1").
    pub clause: &'static str,
    pub registers: &'static [&'static Register],
}

/// One register: a real PostgreSQL table with the engine's standard columns
/// ([`STANDARD_COLUMNS`]) plus one column per declared field.
#[derive(Debug)]
pub struct Register {
    /// The module it belongs to (its `Module::name`).
    pub module: &'static str,
    /// The register's name in paths and permission codes (`members`).
    pub name: &'static str,
    /// Its table: `<module>_<name>` (a test checks the rule; written out so a `grep` finds it).
    pub table: &'static str,
    pub fields: &'static [Field],
    /// The list's columns, in order (field names).
    pub list: &'static [&'static str],
    /// The fields a list can be filtered by (choice, reference, date, boolean fields; text
    /// fields are searched by prefix).
    pub filters: &'static [&'static str],
    /// The list's default order.
    pub sort: Sort,
    /// The narrowest place a record belongs to, which the form asks for and the data scope
    /// reads (every table has `township_id`, `village_id` and `grid_id`; see [`Place`]).
    pub place: Place,
    /// Who owns the data, for the data catalogue (R-7.3): a translation key of a department.
    pub owner_department: &'static str,
    /// How often the data changes, for the catalogue.
    pub update_frequency: UpdateFrequency,
    /// How widely the data may be shared, for the catalogue and the data-sharing API.
    pub sharing: Sharing,
    /// A human-readable number for each record (`梅委发〔2026〕12号`), gap-free per year.
    pub naming: Option<NamingSeries>,
    /// The record's workflow; without one a record has no state.
    pub workflow: Option<&'static Workflow>,
    /// The register as a layer of the town map (its geometry field).
    pub map: Option<MapLayer>,
    /// Figures the dashboard and the big screen can show.
    pub counters: &'static [Counter],
    /// Running totals in another register that this register's records move (stock moved
    /// by stock movements), never below zero.
    pub tallies: &'static [Tally],
    /// The register this one is a child table of (`"party.meetings"`): its records belong to
    /// one record there (`parent_id`), and are edited inside the parent's form.
    pub parent: Option<&'static str>,
    /// The table's former name, when the register was renamed (the generator renames the
    /// table instead of creating a new one; nothing is ever dropped).
    pub renamed_from: Option<&'static str>,
    /// How long its history stays online and is kept, unless an administrator changed it.
    pub history: super::retention::Retention,
    /// Whose records they are: the township's business, or the platform's own operation.
    pub domain: Domain,
    /// A check of a record's values together, once each field passed its own: what one
    /// field's value asks of another (an indicator read from a station names the station).
    pub check: Option<RecordCheck>,
}

impl Register {
    /// A register with no fields and the defaults: the starting point of a declaration's
    /// `..Register::new(…)`.
    pub const fn new(module: &'static str, name: &'static str, table: &'static str) -> Register {
        Register {
            module,
            name,
            table,
            fields: &[],
            list: &[],
            filters: &[],
            sort: Sort::desc("created_at"),
            place: Place::Township,
            owner_department: "dept.office",
            update_frequency: UpdateFrequency::Daily,
            sharing: Sharing::Conditional,
            naming: None,
            workflow: None,
            map: None,
            counters: &[],
            tallies: &[],
            parent: None,
            renamed_from: None,
            history: super::retention::Retention::DEFAULT,
            domain: Domain::Business,
            check: None,
        }
    }

    /// Whether an administrator made it at run time (`crate::engine::runtime`): its records
    /// are the rows of the shared table with its name.
    pub fn is_runtime(&self) -> bool {
        self.module == super::runtime::RUNTIME_MODULE
    }

    /// `module.name`, the register's key in paths, permission codes and history.
    pub fn key(&self) -> String {
        format!("{}.{}", self.module, self.name)
    }

    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The translation key of the register's title: `reg.<module>.<name>`.
    pub fn title_key(&self) -> String {
        format!("reg.{}.{}", self.module, self.name)
    }

    /// The translation key of a field's label: `reg.<module>.<register>.<field>`.
    pub fn label_key(&self, field: &str) -> String {
        format!("reg.{}.{}.{}", self.module, self.name, field)
    }

    /// `reg.<module>.<register>.state.<state>`.
    pub fn state_key(&self, state: &str) -> String {
        format!("reg.{}.{}.state.{state}", self.module, self.name)
    }

    /// `reg.<module>.<register>.step.<transition>`.
    pub fn step_key(&self, step: &str) -> String {
        format!("reg.{}.{}.step.{step}", self.module, self.name)
    }

    /// `reg.<module>.<register>.counter.<name>`.
    pub fn counter_key(&self, counter: &str) -> String {
        format!("reg.{}.{}.counter.{counter}", self.module, self.name)
    }

    /// `module.<module>`: the title of the register's module (its menu section).
    pub fn module_key(&self) -> String {
        format!("module.{}", self.module)
    }
}

/// The columns every register table has, before its own (`migrations` are generated with
/// them; the engine's queries rely on them):
///
/// | column | type | meaning |
/// |---|---|---|
/// | `id` | `bigint` identity | the record |
/// | `township_id` | `integer NOT NULL` → townships | the data scope's first level |
/// | `village_id` | `integer NULL` → villages | set when the register's [`Place`] is Village or Grid |
/// | `grid_id` | `integer NULL` → grids | set when it is Grid |
/// | `owner_id` | `bigint NULL` → users | the person responsible ("my records") |
/// | `number` | `text NULL` | the naming series' number |
/// | `state` | `text NULL` | the workflow state |
/// | `state_since` | `timestamptz NULL` | when the record entered its state |
/// | `state_due` | `timestamptz NULL` | the state's deadline ([`State::deadline_days`] working days), if it has one |
/// | `version` | `integer NOT NULL DEFAULT 1` | optimistic locking: an edit names the version it saw |
/// | `extra` | `jsonb NOT NULL DEFAULT '{}'` | the custom fields an administrator added at run time |
/// | `created_by`, `updated_by` | `bigint` → users | |
/// | `created_at`, `updated_at` | `timestamptz NOT NULL` | |
/// | `deleted_at` | `timestamptz NULL` | soft delete: the record stays in history and can be restored |
/// | `parent_id` | `bigint NOT NULL` → the parent's table | only in child tables |
pub const STANDARD_COLUMNS: &[&str] = &[
    "id",
    "township_id",
    "village_id",
    "grid_id",
    "owner_id",
    "number",
    "state",
    "state_since",
    "state_due",
    "version",
    "extra",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "deleted_at",
];

/// Whose records a register keeps, which decides the built-in roles it is granted to
/// (`crate::accounts::builtin_roles::RecordGrants`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// The township's work (party building, office work): its staff keep the records.
    Business,
    /// The platform's own operation (clause 9.4: inspections, faults, emergency plans and
    /// drills): the system administrator keeps the records, the township's leaders read
    /// them, and its business roles do not see them.
    Operations,
}

/// The narrowest place a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Place {
    /// The township as a whole (an office's documents): village and grid users see none.
    Township,
    /// A village or community (the form asks which).
    Village,
    /// A grid (the form asks which; the village follows from it).
    Grid,
}

impl Place {
    pub const ALL: [Place; 3] = [Place::Township, Place::Village, Place::Grid];

    /// Its code in forms and in `runtime_registers.place`.
    pub const fn code(self) -> &'static str {
        match self {
            Place::Township => "township",
            Place::Village => "village",
            Place::Grid => "grid",
        }
    }

    pub fn parse(code: &str) -> Option<Place> {
        Self::ALL.into_iter().find(|place| place.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateFrequency {
    RealTime,
    Daily,
    Monthly,
    Yearly,
}

impl UpdateFrequency {
    /// Its code in the catalogue and the data-sharing API.
    pub const fn code(self) -> &'static str {
        match self {
            UpdateFrequency::RealTime => "real_time",
            UpdateFrequency::Daily => "daily",
            UpdateFrequency::Monthly => "monthly",
            UpdateFrequency::Yearly => "yearly",
        }
    }
}

/// The sharing levels of the national government data-sharing rules (无条件 / 有条件 / 不予共享).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    Open,
    Conditional,
    None,
}

impl Sharing {
    /// Its code in the catalogue and the data-sharing API.
    pub const fn code(self) -> &'static str {
        match self {
            Sharing::Open => "open",
            Sharing::Conditional => "conditional",
            Sharing::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// A field name or a standard column.
    pub column: &'static str,
    pub descending: bool,
}

impl Sort {
    pub const fn asc(column: &'static str) -> Sort {
        Sort { column, descending: false }
    }
    pub const fn desc(column: &'static str) -> Sort {
        Sort { column, descending: true }
    }
}

/// One field: a column of the register's table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The column name (lower-case ASCII, digits and `_`); its label is the translation key
    /// `reg.<module>.<register>.<name>`.
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// No two live records of a township have the same value (a unique partial index).
    pub unique: bool,
    /// A check of the text as entered (the GB 11643 ID number, GB 32100 credit code and mobile
    /// number validators of `crate::codes`, or the module's own).
    pub check: Option<Check>,
    /// The column's former name, when the field was renamed.
    pub renamed_from: Option<&'static str>,
    /// Personal data (GB/T 35273): a person's name, ID number, phone, income. The
    /// data-sharing API masks it unless the key is granted personal data (`crate::sharing`).
    pub personal: bool,
}

impl Field {
    pub const fn new(name: &'static str, kind: Kind) -> Field {
        Field { name, kind, required: false, unique: false, check: None, renamed_from: None, personal: false }
    }
    pub const fn personal(self) -> Field {
        Field { personal: true, ..self }
    }
    pub const fn required(self) -> Field {
        Field { required: true, ..self }
    }
    pub const fn unique(self) -> Field {
        Field { unique: true, ..self }
    }
    pub const fn check(self, check: Check) -> Field {
        Field { check: Some(check), ..self }
    }
    pub const fn renamed_from(self, old: &'static str) -> Field {
        Field { renamed_from: Some(old), ..self }
    }
}

/// A check of a field's text as entered: the reason it is refused, if it is.
pub type Check = fn(&str) -> Result<(), ErrorCode>;

/// A check of a record's typed values together: every problem, each named by its field.
/// Forms and import rows both pass through it (`super::value::parse_form`).
pub type RecordCheck = fn(&super::value::Values) -> Vec<crate::error::FieldError>;

/// What a field holds, and so its column type, its form control, its filter and its
/// validation.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One line of text, at most `max` characters.
    Text {
        max: u16,
    },
    /// Paragraphs (minutes, a document's body).
    LongText,
    /// A whole number within the range.
    Integer {
        min: i64,
        max: i64,
    },
    /// A decimal number with `scale` digits after the point.
    Decimal {
        scale: u8,
    },
    /// Yuan and fen.
    Money,
    Date,
    DateTime,
    Boolean,
    /// One code of a code table.
    Choice(&'static CodeTable),
    /// Several codes of a code table.
    MultiChoice(&'static CodeTable),
    /// A record of another register or of the base data.
    Reference(Target),
    /// A user of the platform.
    User,
    /// Several users (the approvers of a 会签 step, a meeting's attendance).
    Users,
    Point,
    Line,
    Polygon,
    /// Photos (attachment ids).
    Photos,
    /// Files (attachment ids).
    Files,
}

/// What a reference field points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A register, by key (`"party.organisations"`).
    Register(&'static str),
    Resident,
    Enterprise,
    House,
    Village,
    Grid,
    /// A category of the events' catalogue (what an alarm becomes when it is filed as an
    /// event): any active category, the catalogue being the same for every township.
    EventCategory,
    /// A department of the township (who owns an indicator and hears of its alarms).
    Department,
}

/// A closed list of codes with their labels (translation keys `code.<table>.<code>`), e.g.
/// GB/T 4762's political status.
#[derive(Debug)]
pub struct CodeTable {
    pub name: &'static str,
    pub codes: &'static [&'static str],
}

impl CodeTable {
    pub fn contains(&self, code: &str) -> bool {
        self.codes.contains(&code)
    }
    pub fn label_key(&self, code: &str) -> String {
        format!("code.{}.{}", self.name, code)
    }
}

/// Field constructors, so a declaration reads as a list of fields.
pub mod fields {
    use super::{CodeTable, Field, Kind, Target};

    pub const fn text(name: &'static str, max: u16) -> Field {
        Field::new(name, Kind::Text { max })
    }
    pub const fn long_text(name: &'static str) -> Field {
        Field::new(name, Kind::LongText)
    }
    pub const fn integer(name: &'static str, min: i64, max: i64) -> Field {
        Field::new(name, Kind::Integer { min, max })
    }
    pub const fn decimal(name: &'static str, scale: u8) -> Field {
        Field::new(name, Kind::Decimal { scale })
    }
    pub const fn money(name: &'static str) -> Field {
        Field::new(name, Kind::Money)
    }
    pub const fn date(name: &'static str) -> Field {
        Field::new(name, Kind::Date)
    }
    pub const fn datetime(name: &'static str) -> Field {
        Field::new(name, Kind::DateTime)
    }
    pub const fn boolean(name: &'static str) -> Field {
        Field::new(name, Kind::Boolean)
    }
    pub const fn choice(name: &'static str, table: &'static CodeTable) -> Field {
        Field::new(name, Kind::Choice(table))
    }
    pub const fn multi_choice(name: &'static str, table: &'static CodeTable) -> Field {
        Field::new(name, Kind::MultiChoice(table))
    }
    pub const fn reference(name: &'static str, target: Target) -> Field {
        Field::new(name, Kind::Reference(target))
    }
    pub const fn user(name: &'static str) -> Field {
        Field::new(name, Kind::User)
    }
    pub const fn users(name: &'static str) -> Field {
        Field::new(name, Kind::Users)
    }
    pub const fn point(name: &'static str) -> Field {
        Field::new(name, Kind::Point)
    }
    pub const fn line(name: &'static str) -> Field {
        Field::new(name, Kind::Line)
    }
    pub const fn polygon(name: &'static str) -> Field {
        Field::new(name, Kind::Polygon)
    }
    pub const fn photos(name: &'static str) -> Field {
        Field::new(name, Kind::Photos)
    }
    pub const fn files(name: &'static str) -> Field {
        Field::new(name, Kind::Files)
    }
}

/// A number for each record, gap-free per year: `prefix〔YYYY〕N suffix`, e.g. prefix `梅委发`
/// and suffix `号` give `梅委发〔2026〕12号`. The counter is a row per register and year,
/// taken in the record's own transaction, so a number is never skipped or given twice.
#[derive(Debug, Clone, Copy)]
pub struct NamingSeries {
    pub prefix: &'static str,
    pub suffix: &'static str,
    /// When the number is given: at creation, or on entering this workflow state (a
    /// document gets its 发文字号 when it is signed, not when it is drafted).
    pub on_state: Option<&'static str>,
}

/// A declared workflow: states, and the transitions between them with who may take them.
#[derive(Debug)]
pub struct Workflow {
    /// The state of a new record.
    pub initial: &'static str,
    pub states: &'static [State],
    pub transitions: &'static [Transition],
}

#[derive(Debug, Clone, Copy)]
pub struct State {
    /// Its code (stored in `state`); label `reg.<module>.<register>.state.<name>`.
    pub name: &'static str,
    /// No transition leaves it.
    pub terminal: bool,
    /// How long a record may stay in it, in working days of the working calendar (warning at
    /// three quarters, then overdue).
    pub deadline_days: Option<u16>,
}

impl State {
    pub const fn new(name: &'static str) -> State {
        State { name, terminal: false, deadline_days: None }
    }
    pub const fn terminal(self) -> State {
        State { terminal: true, ..self }
    }
    pub const fn within(self, working_days: u16) -> State {
        State { deadline_days: Some(working_days), ..self }
    }
}

/// A step from one of `from` to `to`. Its permission code is
/// `m.<module>.<register>.<name>`; who may take it is everyone holding that code, or, for an
/// approval, the users named in the record's `approvers` field.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub name: &'static str,
    pub from: &'static [&'static str],
    pub to: &'static str,
    pub approval: Approval,
    /// The person taking the step must give a reason (a return, a rejection).
    pub reason_required: bool,
    /// The step must carry at least one attachment (the signed page, the receipt).
    pub attachment_required: bool,
}

impl Transition {
    pub const fn new(name: &'static str, from: &'static [&'static str], to: &'static str) -> Transition {
        Transition { name, from, to, approval: Approval::One, reason_required: false, attachment_required: false }
    }
    pub const fn approval(self, approval: Approval) -> Transition {
        Transition { approval, ..self }
    }
    pub const fn with_reason(self) -> Transition {
        Transition { reason_required: true, ..self }
    }
    pub const fn with_attachment(self) -> Transition {
        Transition { attachment_required: true, ..self }
    }
}

/// How many must agree before a transition happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// One person holding the permission takes the step.
    One,
    /// 会签: every user named in the field must approve.
    All { approvers: &'static str },
    /// 或签: any one of the users named in the field.
    Any { approvers: &'static str },
    /// N of the users named in the field.
    Quorum { approvers: &'static str, needed: u8 },
}

/// The register as a layer of the town map.
#[derive(Debug, Clone, Copy)]
pub struct MapLayer {
    /// The geometry field drawn.
    pub geometry: &'static str,
    /// The field whose value names the feature in its popup.
    pub label: &'static str,
    /// Many points: folded into clusters when zoomed out. A layer of few, each of which
    /// matters (the party's organisations), is drawn point by point at every zoom.
    pub cluster: bool,
}

/// A running total kept in an integer field of another register (a supply's `stock`), moved
/// by this register's records (`quantity`) in the same transaction as the record, and never
/// below zero: a record that would take it there is refused, however many are written at
/// once (the total's row is locked by the conditional update that moves it). A record that
/// has moved the total is an entry of a ledger: it cannot be deleted, and the fields that
/// moved it cannot be changed — it is corrected by another record, as a ledger is.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    /// This register's reference field naming the record whose total moves.
    pub target: &'static str,
    /// The referenced register's integer field that holds the total.
    pub total: &'static str,
    /// This register's integer field by which the total moves.
    pub quantity: &'static str,
    pub when: TallyWhen,
}

/// When a record moves its tally.
#[derive(Debug, Clone, Copy)]
pub enum TallyWhen {
    /// On creation, up or down by the value of a choice field (入库 / 出库).
    Created { field: &'static str, up: &'static str, down: &'static str },
    /// On entering a workflow state, down (a requisition issued).
    EnteringDown { state: &'static str },
}

/// A figure for the dashboard and the big screen: the number of live records, optionally of
/// one choice value or state, or the sum of a number field — or an alert: the number of
/// records at or below their own limit (supplies at their reorder level), flagged when any.
#[derive(Debug, Clone, Copy)]
pub struct Counter {
    /// Its translation key suffix: `reg.<module>.<register>.counter.<name>`.
    pub name: &'static str,
    pub measure: Measure,
}

#[derive(Debug, Clone, Copy)]
pub enum Measure {
    Count,
    CountWhere {
        field: &'static str,
        value: &'static str,
    },
    CountInState(&'static str),
    Sum(&'static str),
    /// Records whose integer `field` is at or below their own integer `limit` field (an empty
    /// limit: none): an alert, shown as a warning while it is not zero.
    AtOrBelow {
        field: &'static str,
        limit: &'static str,
    },
}

impl Measure {
    /// Whether the figure calls for attention while it is not zero.
    pub fn is_alert(self) -> bool {
        matches!(self, Measure::AtOrBelow { .. })
    }

    /// The fields the figure reads (the declaration check finds each declared).
    pub fn fields(self) -> Vec<&'static str> {
        match self {
            Measure::Count | Measure::CountInState(_) => vec![],
            Measure::CountWhere { field, .. } | Measure::Sum(field) => vec![field],
            Measure::AtOrBelow { field, limit } => vec![field, limit],
        }
    }
}
