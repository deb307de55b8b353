//! A register's list as a file (R-import, R-3.2-eval's "exports that respect filters and
//! permissions"): exactly the records the list page shows the user — the same selection
//! ([`select`]: data scope, filters, search, sort) — with every declared field, as a person
//! reads them. The file's format is the caller's (CSV, Excel, GeoJSON in `server`); this
//! module gives the header and the rows, a batch at a time in keyset order, so an export of
//! 100,000 records never holds more than one batch of them. The custom fields an
//! administrator added follow the declared ones, headed by their labels.
//!
//! Texts come through `label` (a translation key in, the user's text out): the service does
//! not depend on the app's translations.

use std::collections::BTreeMap;

use diesel_async::AsyncPgConnection;
use serde_json::Value as Json;

use super::decode::{decode, extra};
use super::list::{Cursor, Selection, count_up_to, extra_of, read, select};
use super::{Language, Translate, require};
use crate::accounts::SessionUser;
use crate::engine::custom::{CustomField, CustomKind};
use crate::engine::declare::{Field, Kind, Register};
use crate::engine::record::{Action, ListQuery};
use crate::engine::transfer::MAX_ROWS;
use crate::engine::value::Value;
use crate::error::{AppError, ErrorCode, FieldError};

/// Records read per query.
pub const BATCH: i64 = 1_000;

/// Between the items of a multiple choice or a list of users in one cell (the import splits
/// on it, and on commas).
pub const SEPARATOR: &str = "、";

/// What a column holds, so that a spreadsheet can write numbers as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Text,
    Number,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header: the field's label in the user's language.
    pub title: String,
    pub kind: CellKind,
}

/// One record: a cell per column, and its geometry as GeoJSON (for a register with a
/// geometry field).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRow {
    pub cells: Vec<String>,
    pub geometry: Option<Json>,
}

/// What a column of the file is.
#[derive(Debug, Clone, Copy)]
enum Part {
    Number,
    State,
    Place,
    Field(&'static Field),
    /// A custom field, by its position among the register's.
    Custom(usize),
}

/// An export under way: its columns, and where its last batch ended.
pub struct Export {
    register: &'static Register,
    selection: Selection,
    parts: Vec<Part>,
    custom: Vec<CustomField>,
    columns: Vec<Column>,
    texts: Texts,
    geometry: Option<&'static Field>,
    after: Option<Cursor>,
    finished: bool,
    /// The number of records the file will hold.
    pub total: u64,
}

/// The translated texts of values, looked up once.
pub(super) struct Texts {
    yes: String,
    no: String,
    /// field name → code → label.
    codes: BTreeMap<&'static str, BTreeMap<&'static str, String>>,
    /// state → label.
    states: BTreeMap<&'static str, String>,
}

/// The field an export as GeoJSON takes its geometry from: the map layer's, else the first
/// point, line or polygon (`None`: the register has no geometry).
pub fn geometry_field(register: &Register) -> Option<&'static Field> {
    let declared = register.map.and_then(|layer| register.field(layer.geometry));
    declared.or_else(|| register.fields.iter().find(|field| is_geometry(field)))
}

fn is_geometry(field: &Field) -> bool {
    matches!(field.kind, Kind::Point | Kind::Line | Kind::Polygon)
}

impl Export {
    /// Checks the permission and the query (every problem at once, as the list does) and
    /// counts the records: more than [`MAX_ROWS`] is refused before anything is read. The
    /// headers are in the language `label` translates to, `language`.
    pub async fn start(
        conn: &mut AsyncPgConnection,
        user: &SessionUser,
        register: &'static Register,
        query: &ListQuery,
        label: Translate<'_>,
        language: Language,
    ) -> Result<Export, AppError> {
        require(user, register, Action::Export)?;
        let mut problems = Vec::new();
        let custom = super::custom::custom_fields(conn, register).await?;
        let selection = select(user, register, &custom, query, &mut problems);
        let Some(mut selection) = selection.filter(|_| problems.is_empty()) else {
            return Err(AppError::Validation(problems));
        };
        // Every custom field, not only those the list shows.
        selection.listed = extra_of(custom.iter());
        let counted = count_up_to(conn, register, selection.matching.clone(), None, MAX_ROWS as i64 + 1).await?;
        if counted > MAX_ROWS as i64 {
            return Err(AppError::Validation(vec![FieldError::new("export", ErrorCode::ExportTooManyRows)]));
        }
        let mut parts = Vec::new();
        if register.naming.is_some() {
            parts.push(Part::Number);
        }
        if register.workflow.is_some() {
            parts.push(Part::State);
        }
        parts.push(Part::Place);
        parts.extend(register.fields.iter().map(Part::Field));
        parts.extend((0..custom.len()).map(Part::Custom));
        let columns = parts
            .iter()
            .map(|part| match part {
                Part::Number => Column { title: label("engine.column.number"), kind: CellKind::Text },
                Part::State => Column { title: label("engine.column.state"), kind: CellKind::Text },
                Part::Place => Column { title: label("engine.column.place"), kind: CellKind::Text },
                Part::Field(field) => Column {
                    title: label(&register.label_key(field.name)),
                    kind: match field.kind {
                        Kind::Integer { .. } | Kind::Decimal { .. } | Kind::Money => CellKind::Number,
                        _ => CellKind::Text,
                    },
                },
                Part::Custom(index) => Column {
                    title: custom[*index].label(language).to_owned(),
                    kind: match custom[*index].kind {
                        CustomKind::Integer | CustomKind::Decimal => CellKind::Number,
                        _ => CellKind::Text,
                    },
                },
            })
            .collect();
        Ok(Export {
            register,
            selection,
            parts,
            custom,
            columns,
            texts: Texts::new(register, label),
            geometry: geometry_field(register),
            after: None,
            finished: false,
            total: counted as u64,
        })
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column holding the geometry field (a GeoJSON file keeps it as the geometry, not
    /// as a property).
    pub fn geometry_column(&self) -> Option<usize> {
        let geometry = self.geometry?;
        self.parts.iter().position(|part| matches!(part, Part::Field(field) if field.name == geometry.name))
    }

    /// The next batch of rows in the list's order; `None` once all are read.
    pub async fn next_batch(&mut self, conn: &mut AsyncPgConnection) -> Result<Option<Vec<ExportRow>>, AppError> {
        if self.finished {
            return Ok(None);
        }
        let fields: Vec<&'static Field> = self.register.fields.iter().collect();
        let rows = read(conn, self.register, &self.selection, self.after.as_ref(), &fields, BATCH).await?;
        if (rows.len() as i64) < BATCH {
            self.finished = true;
        }
        let Some(last) = rows.last() else { return Ok(None) };
        self.after = Some(Cursor::after(last));
        let batch = rows
            .into_iter()
            .map(|row| {
                let values = decode(self.register, &row.data);
                let labels = extra(&row.labels);
                let cells = self
                    .parts
                    .iter()
                    .map(|part| match part {
                        Part::Number => row.number.clone().unwrap_or_default(),
                        Part::State => row
                            .state
                            .as_deref()
                            .map(|state| self.texts.states.get(state).cloned().unwrap_or_else(|| state.to_owned()))
                            .unwrap_or_default(),
                        Part::Place => row.place.clone(),
                        Part::Field(field) => self.texts.cell(field, values.get(field.name), labels.get(field.name)),
                        Part::Custom(index) => {
                            let key = &self.custom[*index].key;
                            self.texts.custom_cell(row.extra.get(key))
                        }
                    })
                    .collect();
                let geometry = self.geometry.and_then(|field| match values.get(field.name) {
                    Some(Value::Geometry(text)) => serde_json::from_str(text).ok(),
                    _ => None,
                });
                ExportRow { cells, geometry }
            })
            .collect();
        Ok(Some(batch))
    }
}

impl Texts {
    pub(super) fn new(register: &Register, label: Translate<'_>) -> Texts {
        let codes = register
            .fields
            .iter()
            .filter_map(|field| match field.kind {
                Kind::Choice(table) | Kind::MultiChoice(table) => {
                    Some((field.name, table.codes.iter().map(|code| (*code, label(&table.label_key(code)))).collect()))
                }
                _ => None,
            })
            .collect();
        let states = register
            .workflow
            .map(|workflow| {
                workflow
                    .states
                    .iter()
                    .map(|state| (state.name, label(&format!("{}.state.{}", register.title_key(), state.name))))
                    .collect()
            })
            .unwrap_or_default();
        Texts { yes: label("engine.yes"), no: label("engine.no"), codes, states }
    }

    /// A custom field's value: its text, number or yes or no (a choice keeps its option's
    /// own text).
    fn custom_cell(&self, value: Option<&Json>) -> String {
        match value {
            None | Some(Json::Null) => String::new(),
            Some(Json::Bool(flag)) => if *flag { &self.yes } else { &self.no }.clone(),
            Some(other) => CustomField::index_text(other),
        }
    }

    fn code(&self, field: &Field, code: &str) -> String {
        self.codes.get(field.name).and_then(|codes| codes.get(code)).cloned().unwrap_or_else(|| code.to_owned())
    }

    /// A value as a person reads it: codes as their labels, references as the names of what
    /// they point at (`label`, from the list query), a point as "longitude, latitude" (as the
    /// form and the import take it).
    pub(super) fn cell(&self, field: &Field, value: Option<&Value>, label: Option<&String>) -> String {
        let Some(value) = value else { return String::new() };
        let ids = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        match value {
            Value::Text(text) | Value::Decimal(text) => text.clone(),
            Value::Integer(number) => number.to_string(),
            Value::Date(date) => date.format("%Y-%m-%d").to_string(),
            Value::DateTime(at) => crate::time::local(*at).format("%Y-%m-%d %H:%M").to_string(),
            Value::Boolean(flag) => if *flag { &self.yes } else { &self.no }.clone(),
            Value::Code(code) => self.code(field, code),
            Value::Codes(codes) => codes.iter().map(|code| self.code(field, code)).collect::<Vec<_>>().join(SEPARATOR),
            Value::Id(id) => label.cloned().unwrap_or_else(|| id.to_string()),
            Value::Ids(list) => match field.kind {
                Kind::Users => label.cloned().unwrap_or_else(|| ids(list)),
                _ => ids(list),
            },
            Value::Geometry(text) => point_text(text).unwrap_or_else(|| text.clone()),
        }
    }
}

/// A GeoJSON point as "longitude, latitude".
fn point_text(geometry: &str) -> Option<String> {
    let json: Json = serde_json::from_str(geometry).ok()?;
    if json.get("type")?.as_str()? != "Point" {
        return None;
    }
    let coordinates = json.get("coordinates")?.as_array()?;
    Some(format!("{}, {}", coordinates.first()?.as_f64()?, coordinates.get(1)?.as_f64()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::fields::*;
    use crate::engine::declare::{CodeTable, MapLayer};

    static COLOURS: CodeTable = CodeTable { name: "colours", codes: &["red", "blue"] };
    static SHEDS: Register = Register {
        fields: &[
            text("name", 20),
            multi_choice("colours", &COLOURS),
            boolean("open"),
            point("door"),
            polygon("yard"),
            users("keepers"),
        ],
        map: Some(MapLayer { geometry: "yard", label: "name", cluster: false }),
        ..Register::new("farm", "sheds", "farm_sheds")
    };

    fn texts() -> Texts {
        Texts::new(&SHEDS, &|key: &str| format!("<{key}>"))
    }

    #[test]
    fn values_read_as_a_person_reads_them() {
        let texts = texts();
        let field = |name| SHEDS.field(name).expect("declared");
        let colours = Value::Codes(vec!["red".into(), "blue".into()]);
        assert_eq!(texts.cell(field("colours"), Some(&colours), None), "<code.colours.red>、<code.colours.blue>");
        assert_eq!(texts.cell(field("open"), Some(&Value::Boolean(true)), None), "<engine.yes>");
        let door = Value::Geometry(r#"{"type":"Point","coordinates":[120.61,31.32]}"#.into());
        assert_eq!(texts.cell(field("door"), Some(&door), None), "120.61, 31.32");
        let keepers = Value::Ids(vec![3, 4]);
        assert_eq!(texts.cell(field("keepers"), Some(&keepers), Some(&"张三、李四".to_owned())), "张三、李四");
        assert_eq!(texts.cell(field("keepers"), Some(&keepers), None), "3,4");
        assert_eq!(texts.cell(field("name"), None, None), "");
    }

    #[test]
    fn the_geometry_is_the_map_layers_else_the_first() {
        assert_eq!(geometry_field(&SHEDS).map(|field| field.name), Some("yard"));
        static PLAIN: Register = Register { fields: &[text("name", 20), point("at")], ..SHEDS_BASE };
        const SHEDS_BASE: Register = Register::new("farm", "plain", "farm_plain");
        assert_eq!(geometry_field(&PLAIN).map(|field| field.name), Some("at"));
        static NONE: Register = Register { fields: &[text("name", 20)], ..SHEDS_BASE };
        assert!(geometry_field(&NONE).is_none());
    }
}
