//! What a register's values look like on a page, and the translation keys of what a
//! declaration names (the one place the key layout of the module locale files is spelt; the
//! register's title and field labels come from `Register::{title_key, label_key}`).
//!
//! Pure functions of a declaration and a value, so the list, the detail, the print view and
//! the form all say a value the same way (and a unit test can hold them to it).

use std::collections::BTreeMap;

use shared::engine::declare::{Field, Kind};
use shared::engine::{Register, Value};

use crate::i18n::Locale;

/// `module.<module>`: the module's title (its sidebar section).
pub fn module_key(module: &str) -> String {
    format!("module.{module}")
}

/// `reg.<module>.<register>.state.<state>`.
pub fn state_key(register: &Register, state: &str) -> String {
    format!("reg.{}.{}.state.{state}", register.module, register.name)
}

/// `reg.<module>.<register>.step.<transition>`.
pub fn step_key(register: &Register, transition: &str) -> String {
    format!("reg.{}.{}.step.{transition}", register.module, register.name)
}

/// `reg.<module>.<register>.counter.<name>`.
pub fn counter_key(register: &Register, counter: &str) -> String {
    format!("reg.{}.{}.counter.{counter}", register.module, register.name)
}

/// The label of a list column: a field's, or a standard column's (`engine.column.<name>`).
pub fn column_label(locale: Locale, register: &Register, column: &str) -> String {
    if register.field(column).is_some() {
        locale.t(&register.label_key(column))
    } else {
        locale.t(&format!("engine.column.{column}"))
    }
}

/// "¥1,234.50": yuan with two decimals and thousands separated.
pub fn yuan(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map(|rest| ("-", rest)).unwrap_or(("", text));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let fraction = format!("{fraction:0<2}");
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}¥{grouped}.{}", &fraction[..2])
}

/// A value as the detail page, the list and the print view show it. `label` is what the
/// server named the referenced record, user or place by (`Record.labels[field]`).
pub fn display(locale: Locale, field: &Field, value: Option<&Value>, label: Option<&String>) -> String {
    let Some(value) = value else {
        return match field.kind {
            Kind::Boolean => locale.t("engine.no"),
            _ => "—".to_owned(),
        };
    };
    match (value, field.kind) {
        (Value::Decimal(text), Kind::Money) => yuan(text),
        (Value::Text(text) | Value::Decimal(text), _) => text.clone(),
        (Value::Integer(number), _) => number.to_string(),
        (Value::Boolean(yes), _) => locale.t(if *yes { "engine.yes" } else { "engine.no" }),
        (Value::Date(date), _) => date.format("%Y-%m-%d").to_string(),
        (Value::DateTime(at), _) => shared::time::local(*at).format("%Y-%m-%d %H:%M").to_string(),
        (Value::Code(code), Kind::Choice(table) | Kind::MultiChoice(table)) => locale.t(&table.label_key(code)),
        (Value::Codes(codes), Kind::Choice(table) | Kind::MultiChoice(table)) => codes
            .iter()
            .map(|code| locale.t(&table.label_key(code)))
            .collect::<Vec<_>>()
            .join(&locale.t("engine.separator")),
        (Value::Code(code), _) => code.clone(),
        (Value::Codes(codes), _) => codes.join("、"),
        (Value::Id(id), _) => label.cloned().unwrap_or_else(|| format!("#{id}")),
        (Value::Ids(ids), _) => {
            label.cloned().unwrap_or_else(|| ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join("、"))
        }
        (Value::Geometry(json), Kind::Point) => point_text(json).unwrap_or_else(|| json.clone()),
        (Value::Geometry(_), _) => locale.t("engine.geometry"),
    }
}

/// A value as the form shows it for editing: the text `parse_value` reads back to the same
/// value (`shared::engine::value::parse_form`).
pub fn form_text(value: &Value) -> String {
    match value {
        Value::Text(text) | Value::Decimal(text) | Value::Code(text) => text.clone(),
        Value::Integer(number) => number.to_string(),
        Value::Boolean(yes) => yes.to_string(),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        // What a datetime-local control holds: the township's wall clock.
        Value::DateTime(at) => shared::time::local(*at).format("%Y-%m-%dT%H:%M").to_string(),
        Value::Codes(codes) => codes.join(","),
        Value::Id(id) => id.to_string(),
        Value::Ids(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        Value::Geometry(json) => point_text(json).unwrap_or_else(|| json.clone()),
    }
}

/// Every declared field's form text of a record.
pub fn form_texts(register: &Register, values: &BTreeMap<String, Value>) -> BTreeMap<String, String> {
    register
        .fields
        .iter()
        .filter_map(|field| values.get(field.name).map(|value| (field.name.to_owned(), form_text(value))))
        .collect()
}

/// `"120.61,31.32"` out of a GeoJSON point (the text the point control takes).
fn point_text(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    if value.get("type")?.as_str()? != "Point" {
        return None;
    }
    let coordinates = value.get("coordinates")?.as_array()?;
    Some(format!("{},{}", coordinates.first()?.as_f64()?, coordinates.get(1)?.as_f64()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::engine::declare::CodeTable;
    use shared::engine::declare::fields::*;
    use shared::engine::value::parse_value;

    static STATUS: CodeTable = CodeTable { name: "political_status", codes: &["01", "02"] };

    #[test]
    fn money_has_the_yuan_sign_two_decimals_and_groups() {
        assert_eq!(yuan("1234.5"), "¥1,234.50");
        assert_eq!(yuan("12"), "¥12.00");
        assert_eq!(yuan("-1000000.25"), "-¥1,000,000.25");
        assert_eq!(yuan("0.05"), "¥0.05");
    }

    #[test]
    fn values_are_said_in_the_users_language() {
        let zh = Locale::ZhCn;
        assert_eq!(display(zh, &boolean("floating"), Some(&Value::Boolean(true)), None), "是");
        assert_eq!(display(zh, &boolean("floating"), None, None), "否");
        assert_eq!(display(zh, &text("name", 20), None, None), "—");
        assert_eq!(display(zh, &money("dues"), Some(&Value::Decimal("3.5".into())), None), "¥3.50");
        let org = reference("organisation", shared::engine::declare::Target::Register("party.organisations"));
        assert_eq!(display(zh, &org, Some(&Value::Id(7)), Some(&"城东党支部".to_owned())), "城东党支部");
        assert_eq!(display(zh, &org, Some(&Value::Id(7)), None), "#7");
        // A datetime is shown in China time.
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T16:30:00Z").expect("a time").to_utc();
        assert_eq!(display(zh, &datetime("at"), Some(&Value::DateTime(at)), None), "2026-11-29 00:30");
        let status = choice("political_status", &STATUS);
        assert_eq!(display(zh, &status, Some(&Value::Code("01".into())), None), zh.t("code.political_status.01"));
    }

    /// What the edit form shows is what the parser reads back to the same value.
    #[test]
    fn the_form_text_of_a_value_parses_back_to_it() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T06:30:00Z").expect("a time").to_utc();
        let cases = [
            (text("name", 20), Value::Text("张三".into())),
            (integer("count", 0, 10), Value::Integer(3)),
            (money("dues"), Value::Decimal("1234.5".into())),
            (date("on"), Value::Date(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date"))),
            (datetime("at"), Value::DateTime(at)),
            (boolean("floating"), Value::Boolean(false)),
            (choice("political_status", &STATUS), Value::Code("02".into())),
            (multi_choice("tags", &STATUS), Value::Codes(vec!["01".into(), "02".into()])),
            (users("people"), Value::Ids(vec![3, 4])),
            (point("at"), Value::Geometry(r#"{"type":"Point","coordinates":[120.61,31.32]}"#.into())),
        ];
        for (field, value) in cases {
            let text = form_text(&value);
            assert_eq!(parse_value(&field, &text), Ok(Some(value)), "{} as {text:?}", field.name);
        }
    }
}
