//! Run-time registers (专项台账): a simple register an administrator creates in the UI for a
//! campaign's ledger (R-8.7.3, "a new module … by configuration"), with no code and no DDL.
//! It has a name, a title in both languages and the place its records belong to; its fields
//! are custom fields (`crate::engine::custom`), added on its fields page. Every run-time
//! register shares one table, `reg.ledger_records`, keyed by the register's name, with the
//! engine's standard columns and the values in `extra`; so it gets every generic page, the
//! permissions in the role editor, history, import and export, statistics and the data
//! catalogue — what a declared register gets — except a workflow, a map layer and hand-written
//! views. A developer promotes one into a declared register when it outgrows this
//! (`tongguan schema promote`, which writes the migration that moves its records and history).

use serde::{Deserialize, Serialize};

use super::declare::Place;
use crate::error::{ErrorCode, Validator};

/// The module every run-time register belongs to: paths `/m/ledger/<name>`, permission codes
/// `m.ledger.<name>.<action>`, history keys `ledger.<name>`. No declared module has this name.
pub const RUNTIME_MODULE: &str = "ledger";
/// The table all run-time registers share, in the schema `reg`.
pub const RUNTIME_TABLE: &str = "ledger_records";
/// The clause the data catalogue lists them under.
pub const RUNTIME_CLAUSE: &str = "8.7.3";
/// The most run-time registers of a deployment: a campaign's ledger, not a second schema.
pub const MAX_REGISTERS: i64 = 100;
/// The longest name (lower-case ASCII, as a custom field's key).
pub const NAME_MAX: usize = 40;
/// The longest title, in characters.
pub const TITLE_MAX: usize = 40;

/// A run-time register's title in both languages (an administrator writes both, as for a
/// custom field's label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeTitle {
    pub zh: String,
    pub en: String,
}

impl RuntimeTitle {
    /// The title in the language whose code is `locale` (`zh-CN`, `en`).
    pub fn in_locale(&self, locale: &str) -> &str {
        if locale.starts_with("zh") { &self.zh } else { &self.en }
    }
}

/// A run-time register as the administrator's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeRegister {
    pub name: String,
    pub title: RuntimeTitle,
    pub place: Place,
    /// Its custom fields in use.
    pub fields: i64,
    pub created_by: String,
    #[serde(with = "chrono::serde::ts_seconds")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl RuntimeRegister {
    /// Its list page.
    pub fn path(&self) -> String {
        format!("/m/{RUNTIME_MODULE}/{}", self.name)
    }
}

/// A new run-time register as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeRegisterForm {
    pub name: String,
    pub title_zh: String,
    pub title_en: String,
    /// `township`, `village` or `grid`.
    pub place: String,
}

/// A checked [`RuntimeRegisterForm`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRuntimeRegister {
    pub name: String,
    pub title: RuntimeTitle,
    pub place: Place,
}

impl RuntimeRegisterForm {
    /// Checks every field at once: a name of lower-case ASCII letters, digits and `_` that
    /// starts with a letter (it is a path segment and a permission code), two titles, a place.
    /// Whether the name is taken, the service checks.
    pub fn check(&self) -> Result<NewRuntimeRegister, crate::AppError> {
        let mut errors = Validator::new();
        let name = self.name.trim();
        errors.check("name", valid_name(name));
        errors.check("title_zh", valid_title(&self.title_zh));
        errors.check("title_en", valid_title(&self.title_en));
        let place = Place::parse(self.place.trim());
        errors.check("place", place.map(|_| ()).ok_or(ErrorCode::FieldNotAChoice));
        errors.finish()?;
        Ok(NewRuntimeRegister {
            name: name.to_owned(),
            title: RuntimeTitle { zh: self.title_zh.trim().to_owned(), en: self.title_en.trim().to_owned() },
            place: place.unwrap_or(Place::Township),
        })
    }
}

/// New titles of a run-time register as its form sends them. Its name stays: it is the
/// register's address, its permission codes and its history's key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeTitleForm {
    pub title_zh: String,
    pub title_en: String,
}

impl RuntimeTitleForm {
    /// Both titles checked at once, as a new register's are.
    pub fn check(&self) -> Result<RuntimeTitle, crate::AppError> {
        let mut errors = Validator::new();
        errors.check("title_zh", valid_title(&self.title_zh));
        errors.check("title_en", valid_title(&self.title_en));
        errors.finish()?;
        Ok(RuntimeTitle { zh: self.title_zh.trim().to_owned(), en: self.title_en.trim().to_owned() })
    }
}

/// Whether `text` (trimmed) may title a run-time register in one language.
fn valid_title(text: &str) -> Result<(), ErrorCode> {
    let text = text.trim();
    if text.is_empty() {
        Err(ErrorCode::Required)
    } else if text.chars().count() > TITLE_MAX {
        Err(ErrorCode::TooLong)
    } else if text.chars().any(char::is_control) {
        Err(ErrorCode::TextControlCharacters)
    } else {
        Ok(())
    }
}

/// Whether `name` may name a run-time register (the table's CHECK says the same).
pub fn valid_name(name: &str) -> Result<(), ErrorCode> {
    if name.is_empty() {
        return Err(ErrorCode::Required);
    }
    let mut bytes = name.bytes();
    let starts_with_letter = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
    let rest = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if starts_with_letter && rest && name.len() <= NAME_MAX { Ok(()) } else { Err(ErrorCode::RegisterNameInvalid) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AppError;

    fn form(name: &str, zh: &str, en: &str, place: &str) -> RuntimeRegisterForm {
        RuntimeRegisterForm { name: name.into(), title_zh: zh.into(), title_en: en.into(), place: place.into() }
    }

    fn codes(result: Result<NewRuntimeRegister, AppError>) -> Vec<(String, ErrorCode)> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_register_is_named_in_lower_case_ascii_and_titled_in_both_languages() {
        let checked = form(" flood_2026 ", " 防汛物资 ", "Flood supplies", "village").check().expect("valid");
        assert_eq!(checked.name, "flood_2026");
        assert_eq!(checked.title, RuntimeTitle { zh: "防汛物资".into(), en: "Flood supplies".into() });
        assert_eq!(checked.place, Place::Village);
        assert_eq!(checked.title.in_locale("zh-CN"), "防汛物资");
        assert_eq!(checked.title.in_locale("en"), "Flood supplies");
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let long = "长".repeat(TITLE_MAX + 1);
        assert_eq!(
            codes(form("2flood", "", &long, "county").check()),
            vec![
                ("name".into(), ErrorCode::RegisterNameInvalid),
                ("title_zh".into(), ErrorCode::Required),
                ("title_en".into(), ErrorCode::TooLong),
                ("place".into(), ErrorCode::FieldNotAChoice),
            ]
        );
        for bad in ["Flood", "flood-2026", "防汛", "a b", &"a".repeat(NAME_MAX + 1)] {
            assert_eq!(valid_name(bad), Err(ErrorCode::RegisterNameInvalid), "{bad}");
        }
        assert_eq!(valid_name(""), Err(ErrorCode::Required));
        assert_eq!(valid_name("a"), Ok(()));
    }

    #[test]
    fn new_titles_are_checked_as_a_new_registers_are() {
        let titles = RuntimeTitleForm { title_zh: " 防汛物资台账 ".into(), title_en: "Flood stock".into() };
        assert_eq!(
            titles.check().expect("valid"),
            RuntimeTitle { zh: "防汛物资台账".into(), en: "Flood stock".into() }
        );
        let wrong = RuntimeTitleForm { title_zh: "a\u{7}".into(), title_en: " ".into() };
        let Err(AppError::Validation(errors)) = wrong.check() else { panic!("refused") };
        let codes: Vec<(String, ErrorCode)> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![("title_zh".into(), ErrorCode::TextControlCharacters), ("title_en".into(), ErrorCode::Required)]
        );
    }
}
