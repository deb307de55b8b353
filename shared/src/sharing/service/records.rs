//! The registers of the data catalogue as shared datasets: which the key may read
//! ([`datasets`], from each register's declared sharing level), and each one's feed
//! ([`records`], the engine's `feed` read as the key's reader). What leaves the platform is
//! decided field by field here:
//!
//! - a declared field marked personal (`Field::personal`) is masked ([`mask::personal`]) when
//!   it is text and left out when it is not (a birth date, an income), unless the key may
//!   read personal data;
//! - users and attachments are never shared (staff accounts and files stay inside);
//! - a custom field an administrator added at run time was never reviewed as a declaration
//!   is: its free text is treated as personal, its numbers, dates and choices are shared.

use serde_json::{Map, Value as Json};

use super::super::{Cursor, FeedQuery, RecordFeed, SharedCode, SharedDataset, SharedField, SharedRecord, mask};
use crate::accounts::SessionUser;
use crate::engine::custom::CustomKind;
use crate::engine::declare::{Field, Kind};
use crate::engine::record::Action;
use crate::engine::service::feed::{FeedFrom, feed};
use crate::engine::service::{Translate, custom_fields};
use crate::engine::value::Value;
use crate::error::{AppError, ErrorCode};
use crate::permissions::Permission;
use diesel_async::AsyncPgConnection;

/// The registers the reader may read, in the catalogue's order, with their shared fields.
pub async fn datasets(
    conn: &mut AsyncPgConnection,
    reader: &SessionUser,
    translate: Translate<'_>,
) -> Result<Vec<SharedDataset>, AppError> {
    let mut datasets = Vec::new();
    for register in crate::modules::registers().filter(|register| reader.may(register, Action::View)) {
        let clause = crate::modules::MODULES
            .iter()
            .find(|module| module.name == register.module)
            .map_or(crate::engine::runtime::RUNTIME_CLAUSE, |module| module.clause);
        let declared = register.fields.iter().filter_map(|field| {
            let kind = kind_name(field.kind)?;
            let codes = match field.kind {
                Kind::Choice(table) | Kind::MultiChoice(table) => table
                    .codes
                    .iter()
                    .map(|code| SharedCode { code: (*code).to_owned(), label: translate(&table.label_key(code)) })
                    .collect(),
                _ => Vec::new(),
            };
            Some(SharedField {
                name: field.name.to_owned(),
                label: translate(&register.label_key(field.name)),
                kind: kind.to_owned(),
                personal: field.personal,
                custom: false,
                codes,
            })
        });
        let custom = custom_fields(conn, register).await?;
        let added = custom.iter().map(|field| SharedField {
            name: field.key.clone(),
            label: field.label_zh.clone(),
            kind: custom_kind_name(field.kind).to_owned(),
            personal: custom_is_personal(field.kind),
            custom: true,
            codes: field
                .options
                .iter()
                .map(|option| SharedCode { code: option.clone(), label: option.clone() })
                .collect(),
        });
        datasets.push(SharedDataset {
            key: register.key(),
            title: crate::engine::service::runtime::titles(register)
                .map_or_else(|| translate(&register.title_key()), |title| title.zh),
            module: translate(&register.module_key()),
            clause: clause.to_owned(),
            owner: translate(register.owner_department),
            update_frequency: register.update_frequency.code().to_owned(),
            sharing: register.sharing.code().to_owned(),
            fields: declared.chain(added).collect(),
        });
    }
    Ok(datasets)
}

/// A page of the feed of the dataset `key` (`module.register`): `NotFound` for a dataset
/// that does not exist or that the key may not read alike (a partner learns nothing of
/// registers it is not granted).
pub async fn records(
    conn: &mut AsyncPgConnection,
    reader: &SessionUser,
    key: &str,
    query: &FeedQuery,
) -> Result<RecordFeed, AppError> {
    let unknown = || AppError::field("dataset", ErrorCode::SharingDatasetUnknown);
    let register = key
        .split_once('.')
        .and_then(|(module, name)| crate::modules::register(module, name))
        .filter(|register| reader.may(register, Action::View))
        .ok_or_else(unknown)?;
    let from = FeedFrom {
        since: query.updated_since,
        after: query.after.map(|cursor| (cursor.at, cursor.id)),
        // One row more than asked: whether there is a next page.
        limit: query.limit + 1,
    };
    let mut rows = feed(conn, reader, register, from).await?;
    let next = super::next_page(&mut rows, query.limit, |row| Cursor { at: row.updated_at, id: row.id });
    let personal = reader.can(Permission::PersonalDataView);
    let custom = custom_fields(conn, register).await?;
    let data = rows
        .into_iter()
        .map(|row| {
            let mut values = Map::new();
            for field in register.fields {
                if let Some(json) = row.values.get(field.name).and_then(|value| shared_value(field, value, personal)) {
                    values.insert(field.name.to_owned(), json);
                }
            }
            for field in &custom {
                let Some(json) = row.extra.get(&field.key).filter(|json| !json.is_null()) else { continue };
                let json = match (custom_is_personal(field.kind) && !personal, json) {
                    (false, json) => json.clone(),
                    (true, Json::String(text)) => Json::String(mask::personal(text)),
                    (true, _) => continue,
                };
                values.insert(field.key.clone(), json);
            }
            SharedRecord {
                id: row.id,
                number: row.number,
                state: row.state,
                village: row.village,
                grid: row.grid,
                values,
                updated_at: row.updated_at,
                deleted_at: row.deleted_at,
            }
        })
        .collect();
    Ok(RecordFeed { data, next })
}

/// The type a field is shared as, or `None` for what is never shared (users, attachments).
fn kind_name(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Text { .. } | Kind::LongText => "text",
        Kind::Integer { .. } => "integer",
        Kind::Decimal { .. } | Kind::Money => "decimal",
        Kind::Date => "date",
        Kind::DateTime => "datetime",
        Kind::Boolean => "boolean",
        Kind::Choice(_) => "code",
        Kind::MultiChoice(_) => "codes",
        Kind::Reference(_) => "reference",
        Kind::Point | Kind::Line | Kind::Polygon => "geometry",
        Kind::User | Kind::Users | Kind::Photos | Kind::Files => return None,
    })
}

fn custom_kind_name(kind: CustomKind) -> &'static str {
    match kind {
        CustomKind::Text | CustomKind::LongText => "text",
        CustomKind::Integer => "integer",
        CustomKind::Decimal => "decimal",
        CustomKind::Date => "date",
        CustomKind::Boolean => "boolean",
        CustomKind::Choice => "code",
    }
}

/// A custom field's free text may hold anything, a person's name included.
fn custom_is_personal(kind: CustomKind) -> bool {
    matches!(kind, CustomKind::Text | CustomKind::LongText)
}

/// A declared field's value as the partner reads it (`None`: not shared).
fn shared_value(field: &Field, value: &Value, personal: bool) -> Option<Json> {
    kind_name(field.kind)?;
    if field.personal && !personal {
        return match value {
            Value::Text(text) => Some(Json::String(mask::personal(text))),
            _ => None,
        };
    }
    crate::engine::service::to_json(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::declare::fields::*;

    #[test]
    fn personal_fields_are_masked_or_left_out_unless_granted() {
        let name = text("name", 20).personal();
        let income = money("income").personal();
        let value = Value::Text("张三丰".into());
        assert_eq!(shared_value(&name, &value, false), Some(Json::from("张**")));
        assert_eq!(shared_value(&name, &value, true), Some(Json::from("张三丰")));
        assert_eq!(shared_value(&income, &Value::Decimal("3000.00".into()), false), None);
        assert_eq!(shared_value(&income, &Value::Decimal("3000.00".into()), true), Some(Json::from("3000.00")));
        assert_eq!(shared_value(&user("handler"), &Value::Id(3), true), None);
        let spot = point("at");
        let geometry = Value::Geometry(r#"{"type":"Point","coordinates":[120.9,31.65]}"#.into());
        assert_eq!(
            shared_value(&spot, &geometry, false).and_then(|g| g.get("type").cloned()),
            Some(Json::from("Point"))
        );
    }
}
