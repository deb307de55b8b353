//! Import of a file into a register (R-import): each row becomes a [`RecordForm`]'s values,
//! checked by the one parser ([`parse_form`]), with its place (village and grid by name or
//! id, in the user's scope, as [`check_place`] checks a form's) and its unique fields (in
//! the township and within the file). Every problem of every row is reported — the row as the
//! user sees it in the file, the column as its header says it, and why — and nothing is
//! written until the user commits a file without any; then every record goes through the
//! write path of a new record ([`insert`]: history, naming series, audit) in one transaction,
//! so a file is imported whole or not at all.
//!
//! The file's format is the caller's: `server` reads CSV, Excel and GeoJSON into a [`Table`]
//! of texts. Cells are taken as a person types them: a choice by its code or its label in
//! either language, "是"/"否", a reference or a user by id or by name, several items
//! separated by commas or "、", a point as "longitude, latitude" or GeoJSON.
//!
//! [`RecordForm`]: crate::engine::value::RecordForm

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::place::{Places, check_place};
use super::write::{NewRecord, audit_created, insert};
use super::{Language, Translate, require};
use crate::accounts::SessionUser;
use crate::engine::custom::{CustomField, CustomKind, parse_extra};
use crate::engine::declare::{Field, Kind, Place, Register};
use crate::engine::record::Action;
use crate::engine::transfer::{MAX_ERRORS, MAX_ROWS, RowError};
use crate::engine::value::{Value, parse_form, parse_value};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::scope::ScopeFilter;

mod columns;
mod resolve;

use columns::Target;
pub use columns::TemplateColumn;
use resolve::{References, pieces, taken};

/// A file's cells as text: the header row and the data rows, each with its number as the
/// user sees it in the file (a spreadsheet's row, a GeoJSON feature's position).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The header's row number (0 for a GeoJSON file, whose properties name its columns).
    pub header_row: u32,
    pub header: Vec<String>,
    pub rows: Vec<(u32, Vec<String>)>,
}

/// A checked file: its problems, and the records a commit writes.
pub struct Checked {
    /// Data rows in the file.
    pub total: u32,
    /// Rows with at least one problem.
    pub bad_rows: u32,
    /// The problems, the first [`MAX_ERRORS`].
    pub errors: Vec<RowError>,
    records: Vec<NewRecord>,
}

impl Checked {
    /// Rows without a problem.
    pub fn good(&self) -> u32 {
        self.records.len() as u32
    }
}

/// Records written between two reports of progress.
pub const PROGRESS_EVERY: usize = 500;

/// Checks every row of `table`; writes nothing. `languages` translate labels: the user's
/// language first (its labels name the problems; `language` is which it is, for the custom
/// fields' labels), then the others a header or a choice may be written in.
pub async fn check(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    table: &Table,
    languages: &[Translate<'_>],
    language: Language,
) -> Result<Checked, AppError> {
    require(user, register, Action::Import)?;
    // A child table's rows are entered inside their parent's form.
    if register.parent.is_some() {
        return Err(AppError::NotFound);
    }
    // (A template's row of keys is not a data row.)
    if table.rows.len() > MAX_ROWS + 1 {
        return Err(AppError::field("file", ErrorCode::ImportTooManyRows));
    }
    let places = match register.place {
        // A village or grid worker would not see a record of the whole township.
        Place::Township => {
            check_place(user, register, &Places::default(), None, None)?.map_err(AppError::Validation)?;
            Places::default()
        }
        _ => Places::of_township(conn, user.township_id).await?,
    };
    let (custom, retired) = super::custom::in_use_and_retired_fields(conn, register).await?;
    let first = table.rows.first().map(|(_, cells)| cells.as_slice());
    let mapped = columns::map(register, (&custom, &retired), &table.header, first, languages, language);
    let columns::Mapped { targets, keys_row } = match mapped {
        Ok(mapped) => mapped,
        Err(problems) => {
            let errors =
                problems.into_iter().map(|(field, code)| RowError { row: table.header_row, field, code }).collect();
            return Ok(Checked { total: table.rows.len() as u32, bad_rows: 0, errors, records: Vec::new() });
        }
    };
    let rows = &table.rows[usize::from(keys_row)..];
    if rows.is_empty() {
        return Err(AppError::field("file", ErrorCode::ImportEmpty));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::field("file", ErrorCode::ImportTooManyRows));
    }
    let label = |key: &str| languages.first().map(|label| label(key)).unwrap_or_else(|| key.to_owned());
    let columns = Columns::new(register, &custom, &table.header, &targets, &label, language);
    let reference_columns = columns
        .fields
        .iter()
        .filter(|(_, field)| matches!(field.kind, Kind::Reference(_) | Kind::User | Kind::Users))
        .map(|(index, field)| {
            (*field, rows.iter().filter_map(|(_, cells)| cells.get(*index)).map(|c| c.trim()).collect())
        })
        .collect();
    let references = References::load(conn, user, register, reference_columns).await?;
    let texts = Texts::new(register, languages);

    // First every row on its own, then the unique fields across rows and the township.
    let mut parsed = Vec::with_capacity(rows.len());
    for (number, cells) in rows {
        parsed.push(columns.row(user, register, &places, &references, &texts, *number, cells)?);
    }
    let mut taken_values = HashMap::new();
    for field in register.fields.iter().filter(|field| field.unique) {
        let values = parsed.iter().filter_map(|row| row.uniques.get(field.name).cloned()).collect();
        taken_values.insert(field.name, taken(conn, register, user.township_id, field, values).await?);
    }
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    let mut checked = Checked { total: rows.len() as u32, bad_rows: 0, errors: Vec::new(), records: Vec::new() };
    for mut row in parsed {
        for field in register.fields.iter().filter(|field| field.unique) {
            let Some(text) = row.uniques.get(field.name).cloned() else { continue };
            let code = if taken_values.get(field.name).is_some_and(|taken| taken.contains(&text)) {
                ErrorCode::FieldTaken
            } else if !seen.insert((field.name, text)) {
                ErrorCode::ImportDuplicateInFile
            } else {
                continue;
            };
            row.errors.push(RowError { row: row.number, field: columns.title(field.name), code });
        }
        match row.place {
            Some(place) if row.errors.is_empty() => {
                checked.records.push(NewRecord { values: row.values, extra: row.extra, place })
            }
            _ => {
                checked.bad_rows += 1;
                let room = MAX_ERRORS.saturating_sub(checked.errors.len());
                checked.errors.extend(row.errors.into_iter().take(room));
            }
        }
    }
    Ok(checked)
}

/// Writes a checked file's records in one transaction; `progress` hears how many are written
/// every [`PROGRESS_EVERY`]. Any refusal (the database's too: a unique value taken since the
/// check) rolls the whole file back.
pub async fn commit(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    checked: &Checked,
    progress: &(dyn Fn(u32) + Send + Sync),
) -> Result<(), AppError> {
    require(user, register, Action::Import)?;
    if checked.bad_rows > 0 || !checked.errors.is_empty() || checked.records.is_empty() {
        return Err(AppError::Conflict(ErrorCode::ImportHasErrors));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let mut ids = Vec::with_capacity(checked.records.len());
        for chunk in checked.records.chunks(PROGRESS_EVERY) {
            ids.extend(insert(conn, user, register, user.township_id, chunk).await?);
            progress(ids.len() as u32);
        }
        audit_created(conn, user, register, user.township_id, &ids).await
    })
    .await
}

/// The columns of a register's import template, its custom fields' labels in `language`; the
/// place columns offer the villages and grids the user may put records in.
pub async fn template(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    label: Translate<'_>,
    language: Language,
) -> Result<Vec<TemplateColumn>, AppError> {
    require(user, register, Action::Import)?;
    if register.parent.is_some() {
        return Err(AppError::NotFound);
    }
    let (villages, grids) = if register.place == Place::Township {
        (Vec::new(), Vec::new())
    } else {
        let places = Places::of_township(conn, user.township_id).await?;
        let scope = ScopeFilter::for_user(user);
        let villages = places
            .villages
            .iter()
            .filter(|(id, _)| scope.village_id.is_none_or(|mine| mine == *id))
            .map(|(_, name)| name.clone())
            .collect();
        let grids = places
            .grids
            .iter()
            .filter(|(id, village, _)| {
                scope.village_id.is_none_or(|mine| mine == *village) && scope.grid_id.is_none_or(|mine| mine == *id)
            })
            .map(|(_, _, name)| name.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        (villages, grids)
    };
    let custom = super::custom::custom_fields(conn, register).await?;
    Ok(columns::template_columns(register, &custom, label, language, villages, grids))
}

/// A unique value as the database's text of it (what [`taken`] compares).
fn unique_text(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) | Value::Code(text) | Value::Decimal(text) => Some(text.clone()),
        Value::Integer(number) | Value::Id(number) => Some(number.to_string()),
        Value::Date(date) => Some(date.format("%Y-%m-%d").to_string()),
        _ => None,
    }
}

/// The translated texts a cell may hold for a code or a yes or no, in every language.
struct Texts {
    /// field name → label → code.
    codes: HashMap<&'static str, HashMap<String, &'static str>>,
    yes: Vec<String>,
    no: Vec<String>,
}

impl Texts {
    fn new(register: &Register, languages: &[Translate<'_>]) -> Texts {
        let mut codes: HashMap<&'static str, HashMap<String, &'static str>> = HashMap::new();
        for field in register.fields {
            if let Kind::Choice(table) | Kind::MultiChoice(table) = field.kind {
                let labels = codes.entry(field.name).or_default();
                for label in languages {
                    for code in table.codes {
                        labels.insert(label(&table.label_key(code)), code);
                    }
                }
            }
        }
        let yes = languages.iter().map(|label| label("engine.yes")).collect();
        let no = languages.iter().map(|label| label("engine.no")).collect();
        Texts { codes, yes, no }
    }

    fn code(&self, field: &Field, text: &str) -> String {
        match self.codes.get(field.name).and_then(|labels| labels.get(text)) {
            Some(code) => (*code).to_owned(),
            None => text.to_owned(),
        }
    }
}

/// One row as checked on its own.
struct Row {
    number: u32,
    values: crate::engine::value::Values,
    /// The custom fields' values.
    extra: serde_json::Map<String, serde_json::Value>,
    /// The unique fields' values as text, even when another cell of the row is refused (so
    /// that a repeated ID number is said at once, not after the row's other mistakes).
    uniques: HashMap<&'static str, String>,
    place: Option<super::place::Located>,
    errors: Vec<RowError>,
}

/// The file's columns by what they fill, with the titles that name them in errors.
struct Columns<'t> {
    fields: Vec<(usize, &'static Field)>,
    /// (column, custom field).
    custom: Vec<(usize, &'t CustomField)>,
    /// Every custom field of the register (a required one may have no column).
    all_custom: &'t [CustomField],
    village: Option<usize>,
    grid: Option<usize>,
    place: Option<usize>,
    /// field name, custom key (or `village_id`, `grid_id`) → the header of its column, or
    /// its label.
    titles: HashMap<String, String>,
    header: &'t [String],
}

impl<'t> Columns<'t> {
    fn new(
        register: &'static Register,
        custom: &'t [CustomField],
        header: &'t [String],
        targets: &[Option<Target>],
        label: &dyn Fn(&str) -> String,
        language: Language,
    ) -> Columns<'t> {
        let mut columns = Columns {
            fields: Vec::new(),
            custom: Vec::new(),
            all_custom: custom,
            village: None,
            grid: None,
            place: None,
            titles: HashMap::new(),
            header,
        };
        for field in register.fields {
            columns.titles.insert(field.name.to_owned(), label(&register.label_key(field.name)));
        }
        for field in custom {
            columns.titles.insert(field.key.clone(), field.label(language).to_owned());
        }
        columns.titles.insert("village_id".to_owned(), label("engine.village"));
        columns.titles.insert("grid_id".to_owned(), label("engine.grid"));
        for (index, target) in targets.iter().enumerate() {
            let Some(target) = target else { continue };
            let key = match target {
                Target::Field(field) => {
                    columns.fields.push((index, field));
                    field.name
                }
                Target::Custom(position) => {
                    let field = &custom[*position];
                    columns.custom.push((index, field));
                    field.key.as_str()
                }
                Target::Village => {
                    columns.village = Some(index);
                    "village_id"
                }
                Target::Grid => {
                    columns.grid = Some(index);
                    "grid_id"
                }
                Target::Place => {
                    columns.place = Some(index);
                    continue;
                }
                Target::Ignored => continue,
            };
            if let Some(title) = header.get(index).map(|title| columns::shown(title)).filter(|t| !t.is_empty()) {
                columns.titles.insert(key.to_owned(), title);
            }
        }
        columns
    }

    fn title(&self, key: &str) -> String {
        self.titles.get(key).cloned().unwrap_or_else(|| key.to_owned())
    }

    fn place_title(&self) -> String {
        self.place.and_then(|index| self.header.get(index)).map(|title| columns::shown(title)).unwrap_or_default()
    }

    /// One row's values, place and problems.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &self,
        user: &SessionUser,
        register: &'static Register,
        places: &Places,
        references: &References,
        texts: &Texts,
        number: u32,
        cells: &[String],
    ) -> Result<Row, AppError> {
        let cell = |index: usize| cells.get(index).map(|cell| cell.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let mut refused = |key: &str, title: String, code| errors.push((key.to_owned(), title, code));
        let mut form = BTreeMap::new();
        for &(index, field) in &self.fields {
            let text = cell(index);
            if text.is_empty() {
                continue;
            }
            match normalized(field, text, texts, references) {
                Ok(text) => {
                    form.insert(field.name.to_owned(), text);
                }
                Err(code) => refused(field.name, self.title(field.name), code),
            }
        }
        // The place: its own columns, or an export's "village · grid".
        let (mut village_text, mut grid_text) = (self.village.map(cell), self.grid.map(cell));
        if let Some(place) = self.place.map(cell).filter(|place| !place.is_empty()) {
            let mut parts = place.splitn(2, '·').map(str::trim);
            village_text = village_text.filter(|text| !text.is_empty()).or(parts.next());
            grid_text = grid_text.filter(|text| !text.is_empty()).or(parts.next());
        }
        let village = match village_text.filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => match places.village_named(text) {
                Ok(id) => Some(id),
                Err(code) => {
                    refused("village_id", self.place_or("village_id"), code);
                    None
                }
            },
        };
        let grid = match grid_text.filter(|text| !text.is_empty()) {
            None => None,
            Some(text) => match places.grid_named(text, village) {
                Ok(id) => Some(id),
                Err(code) => {
                    refused("grid_id", self.place_or("grid_id"), code);
                    None
                }
            },
        };
        let custom_form: BTreeMap<String, String> = self
            .custom
            .iter()
            .map(|&(index, field)| (field.key.clone(), custom_normalized(field, cell(index), texts)))
            .collect();
        let extra = parse_extra(self.all_custom, &custom_form).unwrap_or_else(|problems| {
            for FieldError { field, code } in problems {
                let title = self.title(&field);
                errors.push((field, title, code));
            }
            serde_json::Map::new()
        });
        let uniques = register
            .fields
            .iter()
            .filter(|field| field.unique)
            .filter_map(|field| {
                let text = form.get(field.name)?;
                let value = parse_value(field, text).ok()??;
                Some((field.name, unique_text(&value)?))
            })
            .collect();
        let failed: HashSet<String> = errors.iter().map(|(key, _, _)| key.clone()).collect();
        let values = match parse_form(register, &form) {
            Ok(values) => Some(values),
            Err(problems) => {
                for FieldError { field, code } in problems {
                    // A cell already refused is not said to be missing too.
                    if !failed.contains(&field) {
                        let title = self.title(&field);
                        errors.push((field, title, code));
                    }
                }
                None
            }
        };
        let place = if failed.contains("village_id") || failed.contains("grid_id") {
            None
        } else {
            match check_place(user, register, places, village, grid)? {
                Ok(place) => Some(place),
                Err(problems) => {
                    for FieldError { field, code } in problems {
                        let title = self.place_or(&field);
                        errors.push((field, title, code));
                    }
                    None
                }
            }
        };
        let errors: Vec<RowError> =
            errors.into_iter().map(|(_, field, code)| RowError { row: number, field, code }).collect();
        Ok(Row {
            number,
            values: values.unwrap_or_default(),
            extra,
            uniques,
            place: place.filter(|_| errors.is_empty()),
            errors,
        })
    }

    /// The title of a place column, or of the export's place column when that is the one.
    fn place_or(&self, key: &str) -> String {
        let own = match key {
            "village_id" => self.village,
            _ => self.grid,
        };
        if own.is_none() && self.place.is_some() { self.place_title() } else { self.title(key) }
    }
}

/// A cell's text as the parser takes it: codes for labels, ids for names, "true"/"false"
/// for yes and no, ISO dates for dates written with slashes, "longitude, latitude" for a
/// GeoJSON point.
fn normalized(field: &Field, text: &str, texts: &Texts, references: &References) -> Result<String, ErrorCode> {
    Ok(match field.kind {
        Kind::Choice(_) => texts.code(field, text),
        Kind::MultiChoice(_) => pieces(text).map(|piece| texts.code(field, piece)).collect::<Vec<_>>().join(","),
        Kind::Boolean if texts.yes.iter().any(|yes| yes.eq_ignore_ascii_case(text)) => "true".to_owned(),
        Kind::Boolean if texts.no.iter().any(|no| no.eq_ignore_ascii_case(text)) => "false".to_owned(),
        Kind::Date => text.replace(['/', '.'], "-"),
        Kind::Reference(_) | Kind::User => references.id(field, text)?.to_string(),
        Kind::Users => pieces(text)
            .map(|piece| references.id(field, piece).map(|id| id.to_string()))
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        Kind::Point if text.starts_with('{') => geojson_point(text).ok_or(ErrorCode::FieldNotAGeometry)?,
        _ => text.to_owned(),
    })
}

/// A custom field's cell as its parser takes it: yes and no in any language, dates with
/// slashes.
fn custom_normalized(field: &CustomField, text: &str, texts: &Texts) -> String {
    match field.kind {
        CustomKind::Boolean if texts.yes.iter().any(|yes| yes.eq_ignore_ascii_case(text)) => "true".to_owned(),
        CustomKind::Boolean if texts.no.iter().any(|no| no.eq_ignore_ascii_case(text)) => "false".to_owned(),
        CustomKind::Date => text.replace(['/', '.'], "-"),
        _ => text.to_owned(),
    }
}

/// `{"type":"Point","coordinates":[lon,lat]}` as "lon, lat".
fn geojson_point(text: &str) -> Option<String> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    if json.get("type")?.as_str()? != "Point" {
        return None;
    }
    let coordinates = json.get("coordinates")?.as_array()?;
    Some(format!("{}, {}", coordinates.first()?.as_f64()?, coordinates.get(1)?.as_f64()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_geojson_point_reads_as_typed() {
        assert_eq!(geojson_point(r#"{"type":"Point","coordinates":[120.61,31.32]}"#).as_deref(), Some("120.61, 31.32"));
        assert_eq!(geojson_point(r#"{"type":"LineString","coordinates":[[1,2],[3,4]]}"#), None);
    }
}
