//! What a register's values look like on a page: pure functions of the register's
//! description (`RegisterMeta`, labels already in the user's language) and a value, so the
//! list, the detail, the print view and the form all say a value the same way (and a unit
//! test can hold them to it).

use std::collections::BTreeMap;

use shared::engine::{FieldKind, FieldMeta, RegisterMeta, Value};

use crate::i18n::Locale;

/// The label of a list column: a field's, or a standard column's (`engine.column.<name>`).
pub fn column_label(locale: Locale, meta: &RegisterMeta, column: &str) -> String {
    match meta.field(column) {
        Some(field) => field.label.clone(),
        None => locale.t(&format!("engine.column.{column}")),
    }
}

/// The label of a choice's code (the code itself if the description has none).
fn code_label(field: &FieldMeta, code: &str) -> String {
    field.kind.codes().iter().find(|c| c.code == code).map(|c| c.label.clone()).unwrap_or_else(|| code.to_owned())
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
pub fn display(locale: Locale, field: &FieldMeta, value: Option<&Value>, label: Option<&String>) -> String {
    let Some(value) = value else {
        return match field.kind {
            FieldKind::Boolean => locale.t("engine.no"),
            _ => "—".to_owned(),
        };
    };
    match (value, &field.kind) {
        (Value::Decimal(text), FieldKind::Money) => yuan(text),
        (Value::Text(text) | Value::Decimal(text), _) => text.clone(),
        (Value::Integer(number), _) => number.to_string(),
        (Value::Boolean(yes), _) => locale.t(if *yes { "engine.yes" } else { "engine.no" }),
        (Value::Date(date), _) => date.format("%Y-%m-%d").to_string(),
        (Value::DateTime(at), _) => shared::time::local(*at).format("%Y-%m-%d %H:%M").to_string(),
        (Value::Code(code), _) if !field.kind.codes().is_empty() => code_label(field, code),
        (Value::Codes(codes), _) if !field.kind.codes().is_empty() => {
            codes.iter().map(|code| code_label(field, code)).collect::<Vec<_>>().join(&locale.t("engine.separator"))
        }
        (Value::Code(code), _) => code.clone(),
        (Value::Codes(codes), _) => codes.join("、"),
        (Value::Id(id), _) => label.cloned().unwrap_or_else(|| format!("#{id}")),
        (Value::Ids(ids), _) => {
            label.cloned().unwrap_or_else(|| ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join("、"))
        }
        (Value::Geometry(json), FieldKind::Point) => point_text(json).unwrap_or_else(|| json.clone()),
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

/// A custom field's value (the text `extra` holds) as the pages show it.
pub fn display_custom(locale: Locale, field: &FieldMeta, text: Option<&String>) -> String {
    match (text.map(String::as_str), &field.kind) {
        (None | Some(""), FieldKind::Boolean) => locale.t("engine.no"),
        (None | Some(""), _) => "—".to_owned(),
        (Some("true"), FieldKind::Boolean) => locale.t("engine.yes"),
        (Some(_), FieldKind::Boolean) => locale.t("engine.no"),
        (Some(text), FieldKind::Choice(_)) => code_label(field, text),
        (Some(text), _) => text.to_owned(),
    }
}

/// Any field's value on a record or a list row: a declared field's from its values, a custom
/// field's from its `extra`.
pub fn display_any(
    locale: Locale,
    field: &FieldMeta,
    values: &BTreeMap<String, Value>,
    labels: &BTreeMap<String, String>,
    extra: &BTreeMap<String, String>,
) -> String {
    if field.custom {
        display_custom(locale, field, extra.get(&field.name))
    } else {
        display(locale, field, values.get(&field.name), labels.get(&field.name))
    }
}

/// Every field's form text of a record: declared fields from their values, custom fields as
/// `extra` holds them.
pub fn form_texts(
    meta: &RegisterMeta,
    values: &BTreeMap<String, Value>,
    extra: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    meta.fields
        .iter()
        .filter_map(|field| {
            let text =
                if field.custom { extra.get(&field.name).cloned() } else { values.get(&field.name).map(form_text) };
            Some((field.name.clone(), text?))
        })
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
    use shared::engine::meta::Code;
    use shared::engine::value::parse_value;

    fn field(name: &str, kind: FieldKind) -> FieldMeta {
        FieldMeta { name: name.into(), label: name.into(), kind, required: false, custom: false }
    }

    fn status() -> FieldKind {
        FieldKind::Choice(vec![
            Code { code: "01".into(), label: "中共党员".into() },
            Code { code: "02".into(), label: "中共预备党员".into() },
        ])
    }

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
        assert_eq!(display(zh, &field("floating", FieldKind::Boolean), Some(&Value::Boolean(true)), None), "是");
        assert_eq!(display(zh, &field("floating", FieldKind::Boolean), None, None), "否");
        assert_eq!(display(zh, &field("name", FieldKind::Text { max: 20 }), None, None), "—");
        assert_eq!(display(zh, &field("dues", FieldKind::Money), Some(&Value::Decimal("3.5".into())), None), "¥3.50");
        let org = field("organisation", FieldKind::Reference);
        assert_eq!(display(zh, &org, Some(&Value::Id(7)), Some(&"城东党支部".to_owned())), "城东党支部");
        assert_eq!(display(zh, &org, Some(&Value::Id(7)), None), "#7");
        // A datetime is shown in China time.
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T16:30:00Z").expect("a time").to_utc();
        assert_eq!(
            display(zh, &field("at", FieldKind::DateTime), Some(&Value::DateTime(at)), None),
            "2026-11-29 00:30"
        );
        let political = field("political_status", status());
        assert_eq!(display(zh, &political, Some(&Value::Code("01".into())), None), "中共党员");
        let tags = field("tags", FieldKind::MultiChoice(status().codes().to_vec()));
        assert_eq!(
            display(zh, &tags, Some(&Value::Codes(vec!["01".into(), "02".into()])), None),
            "中共党员、中共预备党员"
        );
    }

    #[test]
    fn custom_values_are_said_by_their_kind() {
        let zh = Locale::ZhCn;
        let flag = FieldMeta { custom: true, ..field("flag", FieldKind::Boolean) };
        assert_eq!(display_custom(zh, &flag, Some(&"true".to_owned())), "是");
        assert_eq!(display_custom(zh, &flag, None), "否");
        let note = FieldMeta { custom: true, ..field("note", FieldKind::Text { max: 200 }) };
        assert_eq!(display_custom(zh, &note, Some(&"三楼".to_owned())), "三楼");
        assert_eq!(display_custom(zh, &note, None), "—");
    }

    /// What the edit form shows is what the parser reads back to the same value.
    #[test]
    fn the_form_text_of_a_value_parses_back_to_it() {
        use shared::engine::declare::CodeTable;
        use shared::engine::declare::fields::*;
        static STATUS: CodeTable = CodeTable { name: "political_status", codes: &["01", "02"] };
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
