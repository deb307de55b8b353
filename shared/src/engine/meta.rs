//! What a register's pages need to know of it, as the server sends it: its fields (declared,
//! then the custom fields an administrator added) with their labels in the user's language,
//! the options of its choice fields, its list and filters, its workflow's states and steps,
//! and what this user may do.
//!
//! The pages render from this description, never from the declarations: a custom field
//! added a minute ago appears on every page without a rebuild, and the browser's wasm carries
//! neither the declarations nor the registers' texts (they stay on the server).

use serde::{Deserialize, Serialize};

use super::declare::Place;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterMeta {
    pub module: String,
    pub name: String,
    /// The module's title (the breadcrumb) and the register's, in the user's language.
    pub module_title: String,
    pub title: String,
    pub place: Place,
    /// Declared fields in their declared order, then custom fields by position.
    pub fields: Vec<FieldMeta>,
    /// The list's columns: field names or standard columns (`number`, `state`, `place`).
    pub list: Vec<String>,
    /// The list's filters: field names or standard columns.
    pub filters: Vec<String>,
    /// The workflow's states, in declared order (none without a workflow).
    pub states: Vec<Code>,
    pub steps: Vec<StepMeta>,
    /// The actions this user may take: `view`, `create`, `edit`, `delete`, `export`, `import`,
    /// `configure` and the names of workflow steps (`Action::name`).
    pub actions: Vec<String>,
    /// The register is a layer of the map (its records have a place drawn there).
    pub mapped: bool,
    /// The list's search box finds records by the start of a text field (the first declared
    /// one, else the first custom one); without one the box is not shown.
    pub searchable: bool,
}

impl RegisterMeta {
    pub fn field(&self, name: &str) -> Option<&FieldMeta> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// Whether the user may take the action named (`Action::name`).
    pub fn may(&self, action: &str) -> bool {
        self.actions.iter().any(|granted| granted == action)
    }

    pub fn state_label(&self, state: &str) -> String {
        self.states.iter().find(|s| s.code == state).map(|s| s.label.clone()).unwrap_or_else(|| state.to_owned())
    }

    /// The list's path (`/m/party/members`).
    pub fn path(&self) -> String {
        format!("/m/{}/{}", self.module, self.name)
    }
}

/// One field as a page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMeta {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Added at run time: its value lives in the record's `extra` (`form[extra][name]`).
    pub custom: bool,
}

/// A field's kind with what its control needs (`declare::Kind`, resolved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldKind {
    Text { max: u16 },
    LongText,
    Integer { min: i64, max: i64 },
    Decimal { scale: u8 },
    Money,
    Date,
    DateTime,
    Boolean,
    Choice(Vec<Code>),
    MultiChoice(Vec<Code>),
    Reference,
    User,
    Users,
    Point,
    Line,
    Polygon,
    Photos,
    Files,
}

impl FieldKind {
    /// Whether a list may be ordered by it (the service's `sort_column` is the rule that
    /// counts; this keeps the page from offering another order).
    pub fn sortable(&self) -> bool {
        matches!(
            self,
            FieldKind::Text { .. }
                | FieldKind::Choice(_)
                | FieldKind::Integer { .. }
                | FieldKind::User
                | FieldKind::Reference
                | FieldKind::Decimal { .. }
                | FieldKind::Money
                | FieldKind::Date
                | FieldKind::DateTime
                | FieldKind::Boolean
        )
    }

    /// The options of a choice field.
    pub fn codes(&self) -> &[Code] {
        match self {
            FieldKind::Choice(codes) | FieldKind::MultiChoice(codes) => codes,
            _ => &[],
        }
    }
}

/// A code and its label (a choice's option, a workflow state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    pub code: String,
    pub label: String,
}

/// A workflow step as its button shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepMeta {
    pub name: String,
    pub label: String,
    pub from: Vec<String>,
    pub to: String,
    pub reason_required: bool,
    pub attachment_required: bool,
    /// More than one person must agree (会签, N of M): the button records an approval.
    pub several: bool,
}

/// What one permission code grants, as the role editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantMeta {
    /// `m.<module>.<register>.<action>`.
    pub code: String,
    pub label: String,
}

/// A register's grants, under its module's title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterGrants {
    pub module_title: String,
    pub title: String,
    pub grants: Vec<GrantMeta>,
}
