//! An import file's columns: each header mapped to a field (by its label in either language,
//! or by its name), to the record's place, or to a column an export writes that an import
//! leaves to the system (number, state); and the template's columns, which map back.
//!
//! A template's second row holds the columns' keys (the field names, `extra.<key>` for a
//! custom field; hidden in Excel): when a file has such a row, the columns are mapped by it,
//! so a header renamed by hand still maps. Custom fields an administrator added are columns
//! like the declared ones: by their key, or their label in either language.

use std::collections::HashMap;

use crate::engine::custom::{CustomField, CustomKind, DECIMAL_SCALE, TEXT_MAX};
use crate::engine::declare::{Field, Kind, Place, Register};
use crate::engine::service::{Language, Translate};
use crate::error::ErrorCode;

/// What a column of a file fills.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Field(&'static Field),
    /// A custom field, by its position among the register's custom fields.
    Custom(usize),
    /// The village, by name or id.
    Village,
    /// The grid, by name or id.
    Grid,
    /// The place as an export writes it: "village · grid".
    Place,
    /// Written by the system (number, state) or not importable (photos, files): read past.
    Ignored,
}

/// Fields are the same column when they have the same name (a register's names are unique).
impl PartialEq for Target {
    fn eq(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::Field(a), Target::Field(b)) => a.name == b.name,
            (Target::Custom(a), Target::Custom(b)) => a == b,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// The keys and label keys of the columns that are not fields.
const PLACE_COLUMNS: [(&str, &str, Target); 5] = [
    ("village_id", "engine.village", Target::Village),
    ("grid_id", "engine.grid", Target::Grid),
    ("place", "engine.column.place", Target::Place),
    ("number", "engine.column.number", Target::Ignored),
    ("state", "engine.column.state", Target::Ignored),
];

/// Fields a file can fill: not photos or files (attachments are uploaded, not typed).
pub(super) fn importable(field: &Field) -> bool {
    !matches!(field.kind, Kind::Photos | Kind::Files)
}

fn target_of(field: &'static Field) -> Target {
    if importable(field) { Target::Field(field) } else { Target::Ignored }
}

/// A header as compared: trimmed, without the template's required mark, ASCII in lower case.
fn normalized(header: &str) -> String {
    header.trim().trim_end_matches(['*', '＊']).trim().to_lowercase()
}

/// A header as an error names it: without the required mark.
pub(super) fn shown(header: &str) -> String {
    header.trim().trim_end_matches(['*', '＊']).trim().to_owned()
}

/// A custom field's key in a template's row of keys.
pub(super) fn custom_key(field: &CustomField) -> String {
    format!("extra.{}", field.key)
}

/// The register's custom fields: those in use, and those retired (a column of one, in a file
/// exported before it was retired, is read past).
pub(super) type Customs<'a> = (&'a [CustomField], &'a [CustomField]);

/// Every key of the register's columns (a custom field's also without its `extra.`: the
/// form checks that it is no declared field's name).
fn keys(register: &'static Register, (custom, retired): Customs<'_>) -> HashMap<String, Target> {
    let mut keys: HashMap<String, Target> =
        register.fields.iter().map(|field| (field.name.to_owned(), target_of(field))).collect();
    for (index, field) in custom.iter().enumerate() {
        keys.insert(custom_key(field), Target::Custom(index));
        keys.entry(field.key.clone()).or_insert(Target::Custom(index));
    }
    for field in retired {
        keys.entry(custom_key(field)).or_insert(Target::Ignored);
        keys.entry(field.key.clone()).or_insert(Target::Ignored);
    }
    for (key, _, target) in PLACE_COLUMNS {
        keys.insert(key.to_owned(), target);
    }
    keys
}

/// Every name a header may give a column: its key and its label in each language.
fn names(register: &'static Register, customs: Customs<'_>, languages: &[Translate<'_>]) -> HashMap<String, Target> {
    let mut names = keys(register, customs);
    let (custom, retired) = customs;
    for (index, field) in custom.iter().enumerate() {
        for label in [&field.label_zh, &field.label_en] {
            names.insert(normalized(label), Target::Custom(index));
        }
    }
    for field in retired {
        for label in [&field.label_zh, &field.label_en] {
            names.entry(normalized(label)).or_insert(Target::Ignored);
        }
    }
    for label in languages {
        for field in register.fields {
            names.insert(normalized(&label(&register.label_key(field.name))), target_of(field));
        }
        for (_, key, target) in PLACE_COLUMNS {
            names.insert(normalized(&label(key)), target);
        }
    }
    names
}

/// A file's columns as [`map`] finds them.
#[derive(Debug)]
pub(super) struct Mapped {
    /// What each column fills, by index (`None`: an empty header, read past).
    pub targets: Vec<Option<Target>>,
    /// The first data row is a template's row of keys.
    pub keys_row: bool,
}

/// The columns of a file, by index (`None`: an empty header, read past), and whether its
/// first data row is a template's row of keys; or every problem with its header: a column
/// not known or named twice (by its header), a required field without a column (by the
/// field's label in the first language, `language`).
pub(super) fn map(
    register: &'static Register,
    customs: Customs<'_>,
    header: &[String],
    first_row: Option<&[String]>,
    languages: &[Translate<'_>],
    language: Language,
) -> Result<Mapped, Vec<(String, ErrorCode)>> {
    let custom = customs.0;
    let keys = keys(register, customs);
    let keys_row = first_row.filter(|row| {
        let mut cells = row.iter().map(|cell| cell.trim()).filter(|cell| !cell.is_empty()).peekable();
        cells.peek().is_some() && cells.all(|cell| keys.contains_key(cell))
    });
    let (names, headers) = match keys_row {
        Some(row) => (keys, row),
        None => (names(register, customs, languages), header),
    };
    let mut problems = Vec::new();
    let mut targets = Vec::with_capacity(headers.len());
    let mut seen: Vec<Target> = Vec::new();
    for (index, text) in headers.iter().enumerate() {
        let shown = || shown(header.get(index).filter(|h| !h.trim().is_empty()).unwrap_or(text));
        let key = if keys_row.is_some() { text.trim().to_owned() } else { normalized(text) };
        if key.is_empty() {
            targets.push(None);
            continue;
        }
        match names.get(&key) {
            None => problems.push((shown(), ErrorCode::ImportColumnUnknown)),
            Some(&target) if target != Target::Ignored && seen.contains(&target) => {
                problems.push((shown(), ErrorCode::ImportColumnTwice))
            }
            Some(&target) => seen.push(target),
        }
        targets.push(names.get(&key).copied());
    }
    let label = |key: &str| languages.first().map(|label| label(key)).unwrap_or_else(|| key.to_owned());
    for field in register.fields.iter().filter(|field| field.required && importable(field)) {
        if !seen.contains(&Target::Field(field)) {
            problems.push((label(&register.label_key(field.name)), ErrorCode::ImportColumnMissing));
        }
    }
    for (index, field) in custom.iter().enumerate().filter(|(_, field)| field.required) {
        if !seen.contains(&Target::Custom(index)) {
            problems.push((field.label(language).to_owned(), ErrorCode::ImportColumnMissing));
        }
    }
    let has = |target| seen.contains(&target) || seen.contains(&Target::Place);
    match register.place {
        Place::Village if !has(Target::Village) => {
            problems.push((label("engine.village"), ErrorCode::ImportColumnMissing))
        }
        Place::Grid if !has(Target::Grid) => problems.push((label("engine.grid"), ErrorCode::ImportColumnMissing)),
        _ => {}
    }
    if problems.is_empty() { Ok(Mapped { targets, keys_row: keys_row.is_some() }) } else { Err(problems) }
}

/// One column of a register's import template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateColumn {
    /// The column's key (the field's name, `extra.<key>`, `village_id`, `grid_id`): the
    /// template's second row.
    pub key: String,
    /// The label, with `*` when the column is required.
    pub title: String,
    pub required: bool,
    /// How to fill it in.
    pub hint: String,
    /// The labels a choice may take (or the places a user may name).
    pub choices: Vec<String>,
    /// A cell may hold several of the choices.
    pub multiple: bool,
}

/// The template's columns: the place the register asks for, then every importable field,
/// then the custom fields. `villages` and `grids` are the names of the places the user may
/// put records in.
pub(super) fn template_columns(
    register: &'static Register,
    custom: &[CustomField],
    label: Translate<'_>,
    language: Language,
    villages: Vec<String>,
    grids: Vec<String>,
) -> Vec<TemplateColumn> {
    let column = |key: &str, title: String, required, hint: String, choices| TemplateColumn {
        key: key.to_owned(),
        title: if required { format!("{title}*") } else { title },
        required,
        hint,
        choices,
        multiple: false,
    };
    let mut columns = Vec::new();
    match register.place {
        Place::Township => {}
        Place::Village => {
            columns.push(column("village_id", label("engine.village"), true, label("transfer.hint.village"), villages))
        }
        Place::Grid => {
            columns.push(column(
                "village_id",
                label("engine.village"),
                false,
                label("transfer.hint.village"),
                villages,
            ));
            columns.push(column("grid_id", label("engine.grid"), true, label("transfer.hint.grid"), grids));
        }
    }
    for field in register.fields.iter().filter(|field| importable(field)) {
        let (hint, choices) = hint(field, label);
        let title = label(&register.label_key(field.name));
        let multiple = matches!(field.kind, Kind::MultiChoice(_));
        columns.push(TemplateColumn { multiple, ..column(field.name, title, field.required, hint, choices) });
    }
    for field in custom {
        let (hint, choices) = custom_hint(field, label);
        columns.push(column(&custom_key(field), field.label(language).to_owned(), field.required, hint, choices));
    }
    columns
}

/// How to fill in a custom field, and its choices.
fn custom_hint(field: &CustomField, label: Translate<'_>) -> (String, Vec<String>) {
    let text = |key: &str| label(&format!("transfer.hint.{key}"));
    match field.kind {
        CustomKind::Text => (text("text").replace("%{n}", &TEXT_MAX.to_string()), Vec::new()),
        CustomKind::LongText => (text("long_text"), Vec::new()),
        CustomKind::Integer => (text("whole_number"), Vec::new()),
        CustomKind::Decimal => (text("decimal").replace("%{n}", &DECIMAL_SCALE.to_string()), Vec::new()),
        CustomKind::Date => (text("date"), Vec::new()),
        CustomKind::Boolean => (text("boolean"), vec![label("engine.yes"), label("engine.no")]),
        CustomKind::Choice => (text("choice"), field.options.clone()),
    }
}

/// How to fill in a field, and the labels of its choices.
fn hint(field: &Field, label: Translate<'_>) -> (String, Vec<String>) {
    let text = |key: &str| label(&format!("transfer.hint.{key}"));
    let codes = |table: &crate::engine::declare::CodeTable| {
        table.codes.iter().map(|code| label(&table.label_key(code))).collect::<Vec<_>>()
    };
    match field.kind {
        Kind::Text { max } => (text("text").replace("%{n}", &max.to_string()), Vec::new()),
        Kind::LongText => (text("long_text"), Vec::new()),
        Kind::Integer { min, max } => {
            (text("integer").replace("%{min}", &min.to_string()).replace("%{max}", &max.to_string()), Vec::new())
        }
        Kind::Decimal { scale } => (text("decimal").replace("%{n}", &scale.to_string()), Vec::new()),
        Kind::Money => (text("money"), Vec::new()),
        Kind::Date => (text("date"), Vec::new()),
        Kind::DateTime => (text("datetime"), Vec::new()),
        Kind::Boolean => (text("boolean"), vec![label("engine.yes"), label("engine.no")]),
        Kind::Choice(table) => (text("choice"), codes(table)),
        Kind::MultiChoice(table) => (text("multi_choice"), codes(table)),
        Kind::Reference(_) => (text("reference"), Vec::new()),
        Kind::User => (text("user"), Vec::new()),
        Kind::Users => (text("users"), Vec::new()),
        Kind::Point => (text("point"), Vec::new()),
        Kind::Line | Kind::Polygon => (text("geometry"), Vec::new()),
        Kind::Photos | Kind::Files => (String::new(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::fields::*;
    use crate::engine::declare::{CodeTable, Place};

    static KIND: CodeTable = CodeTable { name: "kind", codes: &["cow", "pig"] };
    static SHEDS: Register = Register {
        fields: &[text("name", 20).required(), choice("kind", &KIND), photos("photos")],
        place: Place::Grid,
        ..Register::new("farm", "sheds", "farm_sheds")
    };

    fn zh(key: &str) -> String {
        match key {
            "reg.farm.sheds.name" => "名称".into(),
            "reg.farm.sheds.kind" => "类别".into(),
            "engine.grid" => "网格".into(),
            "engine.village" => "村（社区）".into(),
            other => other.into(),
        }
    }

    fn en(key: &str) -> String {
        match key {
            "reg.farm.sheds.name" => "Name".into(),
            other => other.into(),
        }
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| (*cell).to_owned()).collect()
    }

    #[test]
    fn headers_map_by_label_in_either_language_or_by_name() {
        let header = strings(&["名称*", " kind ", "网格", "", "photos"]);
        let Mapped { targets, keys_row } =
            map(&SHEDS, (&[], &[]), &header, None, &[&zh, &en], Language::Chinese).expect("mapped");
        assert!(!keys_row);
        assert_eq!(targets[0], Some(Target::Field(&SHEDS.fields[0])));
        assert_eq!(targets[1], Some(Target::Field(&SHEDS.fields[1])));
        assert_eq!(targets[2], Some(Target::Grid));
        assert_eq!(targets[3], None);
        assert_eq!(targets[4], Some(Target::Ignored));
        let english = strings(&["NAME", "grid_id"]);
        assert!(map(&SHEDS, (&[], &[]), &english, None, &[&zh, &en], Language::Chinese).is_ok());
    }

    #[test]
    fn a_row_of_keys_maps_renamed_headers() {
        let header = strings(&["我的名称", "我的网格"]);
        let keys = strings(&["name", "grid_id"]);
        let Mapped { targets, keys_row } =
            map(&SHEDS, (&[], &[]), &header, Some(&keys), &[&zh], Language::Chinese).expect("mapped by keys");
        assert!(keys_row);
        assert_eq!(targets, vec![Some(Target::Field(&SHEDS.fields[0])), Some(Target::Grid)]);
    }

    #[test]
    fn unknown_repeated_and_missing_columns_are_named() {
        let header = strings(&["类别", "颜色", "kind"]);
        let mut problems = map(&SHEDS, (&[], &[]), &header, None, &[&zh], Language::Chinese).expect_err("refused");
        problems.sort();
        let mut expected = vec![
            ("颜色".to_owned(), ErrorCode::ImportColumnUnknown),
            ("kind".to_owned(), ErrorCode::ImportColumnTwice),
            ("名称".to_owned(), ErrorCode::ImportColumnMissing),
            ("网格".to_owned(), ErrorCode::ImportColumnMissing),
        ];
        expected.sort();
        assert_eq!(problems, expected);
    }

    #[test]
    fn the_template_marks_required_columns_and_lists_choices() {
        let columns = template_columns(&SHEDS, &[], &zh, Language::Chinese, vec!["东村".into()], vec!["一格".into()]);
        let keys: Vec<&str> = columns.iter().map(|column| column.key.as_str()).collect();
        assert_eq!(keys, vec!["village_id", "grid_id", "name", "kind"]);
        assert_eq!(columns[1].title, "网格*");
        assert_eq!(columns[2].title, "名称*");
        assert_eq!(columns[3].choices, vec!["code.kind.cow".to_owned(), "code.kind.pig".to_owned()]);
        // The template's headers map back.
        let header: Vec<String> = columns.iter().map(|column| column.title.clone()).collect();
        assert!(map(&SHEDS, (&[], &[]), &header, None, &[&zh], Language::Chinese).is_ok());
    }

    fn beds() -> CustomField {
        CustomField {
            key: "beds".into(),
            kind: CustomKind::Choice,
            label_zh: "床位".into(),
            label_en: "Beds".into(),
            required: true,
            in_list: false,
            filterable: false,
            options: vec!["一".into(), "二".into()],
        }
    }

    #[test]
    fn custom_fields_are_columns_by_key_or_label_in_either_language() {
        let custom = [beds()];
        let columns = template_columns(&SHEDS, &custom, &zh, Language::English, Vec::new(), Vec::new());
        let last = columns.last().expect("a custom column");
        assert_eq!((last.key.as_str(), last.title.as_str()), ("extra.beds", "Beds*"));
        assert_eq!(last.choices, vec!["一".to_owned(), "二".to_owned()]);
        for title in ["床位", "Beds*", "beds"] {
            let header = strings(&["名称", "网格", title]);
            let Mapped { targets, .. } =
                map(&SHEDS, (&custom, &[]), &header, None, &[&zh], Language::Chinese).expect("mapped");
            assert_eq!(targets[2], Some(Target::Custom(0)), "{title}");
        }
        let keys = strings(&["name", "grid_id", "extra.beds"]);
        let mapped = map(&SHEDS, (&custom, &[]), &strings(&["a", "b", "c"]), Some(&keys), &[&zh], Language::Chinese);
        assert!(mapped.expect("by keys").keys_row);
        // A required custom field without its column is named in the user's language.
        let problems = map(&SHEDS, (&custom, &[]), &strings(&["名称", "网格"]), None, &[&zh], Language::Chinese)
            .expect_err("missing");
        assert_eq!(problems, vec![("床位".to_owned(), ErrorCode::ImportColumnMissing)]);
    }

    #[test]
    fn a_retired_fields_column_is_read_past() {
        let retired = [beds()];
        for title in ["床位", "Beds", "beds", "extra.beds"] {
            let header = strings(&["名称", "网格", title]);
            let Mapped { targets, .. } =
                map(&SHEDS, (&[], &retired), &header, None, &[&zh], Language::Chinese).expect("mapped");
            assert_eq!(targets[2], Some(Target::Ignored), "{title}");
        }
        // A field in use of the same label wins.
        let header = strings(&["名称", "网格", "床位"]);
        let Mapped { targets, .. } =
            map(&SHEDS, (&retired, &retired), &header, None, &[&zh], Language::Chinese).expect("mapped");
        assert_eq!(targets[2], Some(Target::Custom(0)));
    }
}
