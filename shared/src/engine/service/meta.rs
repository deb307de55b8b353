//! A register described for its pages (`crate::engine::meta`): the declaration, its custom
//! fields and the user's permissions, with every label in the user's language. The texts
//! are the app's (its translation tables); the service takes them as a function of the key,
//! so it never depends on the app.

use diesel_async::AsyncPgConnection;

use super::custom::custom_fields;
use super::require;
use crate::accounts::SessionUser;
use crate::engine::custom::{CustomField, CustomKind, DECIMAL_SCALE, TEXT_MAX};
use crate::engine::declare::{Field, Kind, Register};
use crate::engine::meta::{Code, FieldKind, FieldMeta, GrantMeta, RegisterGrants, RegisterMeta, StepMeta};
use crate::engine::record::Action;
use crate::error::AppError;

/// The text of a translation key in the user's language (the app's tables).
pub type Translate<'a> = &'a (dyn Fn(&str) -> String + Sync);

/// The language of a custom field's label (the administrator writes both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
}

/// The register as this user's pages show it, in `language`, with `translate` giving the
/// text of a translation key. For a user who may view the register's records or configure
/// its fields.
pub async fn describe(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    register: &'static Register,
    language: Language,
    translate: Translate<'_>,
) -> Result<RegisterMeta, AppError> {
    // An administrator who configures a register's fields may not see its records: the
    // description holds no record, so either permission shows it (each page checks its own).
    if !user.may(register, Action::View) {
        require(user, register, Action::Configure)?;
    }
    let custom = custom_fields(conn, register).await?;
    Ok(meta(user, register, &custom, language, translate))
}

/// [`describe`] once the custom fields are read.
pub(super) fn meta(
    user: &SessionUser,
    register: &'static Register,
    custom: &[CustomField],
    language: Language,
    translate: Translate<'_>,
) -> RegisterMeta {
    let declared = register.fields.iter().map(|field| FieldMeta {
        name: field.name.to_owned(),
        label: translate(&register.label_key(field.name)),
        kind: declared_kind(field, translate),
        required: field.required,
        custom: false,
    });
    let added = custom.iter().map(|field| FieldMeta {
        name: field.key.clone(),
        label: field.label(language).to_owned(),
        kind: custom_kind(field),
        required: field.required,
        custom: true,
    });
    let workflow = register.workflow;
    RegisterMeta {
        module: register.module.to_owned(),
        name: register.name.to_owned(),
        module_title: translate(&register.module_key()),
        title: translate(&register.title_key()),
        place: register.place,
        fields: declared.chain(added).collect(),
        list: register
            .list
            .iter()
            .map(|column| (*column).to_owned())
            .chain(custom.iter().filter(|field| field.in_list).map(|field| field.key.clone()))
            .collect(),
        filters: register
            .filters
            .iter()
            .map(|column| (*column).to_owned())
            .chain(custom.iter().filter(|field| field.filterable).map(|field| field.key.clone()))
            .collect(),
        states: workflow
            .map(|workflow| workflow.states)
            .unwrap_or(&[])
            .iter()
            .map(|state| Code { code: state.name.to_owned(), label: translate(&register.state_key(state.name)) })
            .collect(),
        steps: workflow
            .map(|workflow| workflow.transitions)
            .unwrap_or(&[])
            .iter()
            .map(|step| StepMeta {
                name: step.name.to_owned(),
                label: translate(&register.step_key(step.name)),
                from: step.from.iter().map(|state| (*state).to_owned()).collect(),
                to: step.to.to_owned(),
                reason_required: step.reason_required,
                attachment_required: step.attachment_required,
                several: !matches!(step.approval, crate::engine::declare::Approval::One),
            })
            .collect(),
        actions: Action::of(register)
            .filter(|action| user.may(register, *action))
            .map(|action| action.name().to_owned())
            .collect(),
        mapped: register.map.is_some(),
        searchable: super::search_field(register).is_some()
            || custom.iter().any(|field| field.kind == CustomKind::Text),
    }
}

fn declared_kind(field: &Field, translate: Translate<'_>) -> FieldKind {
    let codes = |table: &crate::engine::declare::CodeTable| {
        table
            .codes
            .iter()
            .map(|code| Code { code: (*code).to_owned(), label: translate(&table.label_key(code)) })
            .collect()
    };
    match field.kind {
        Kind::Text { max } => FieldKind::Text { max },
        Kind::LongText => FieldKind::LongText,
        Kind::Integer { min, max } => FieldKind::Integer { min, max },
        Kind::Decimal { scale } => FieldKind::Decimal { scale },
        Kind::Money => FieldKind::Money,
        Kind::Date => FieldKind::Date,
        Kind::DateTime => FieldKind::DateTime,
        Kind::Boolean => FieldKind::Boolean,
        Kind::Choice(table) => FieldKind::Choice(codes(table)),
        Kind::MultiChoice(table) => FieldKind::MultiChoice(codes(table)),
        Kind::Reference(_) => FieldKind::Reference,
        Kind::User => FieldKind::User,
        Kind::Users => FieldKind::Users,
        Kind::Point => FieldKind::Point,
        Kind::Line => FieldKind::Line,
        Kind::Polygon => FieldKind::Polygon,
        Kind::Photos => FieldKind::Photos,
        Kind::Files => FieldKind::Files,
    }
}

fn custom_kind(field: &CustomField) -> FieldKind {
    const SAFE: i64 = 1 << 53;
    match field.kind {
        CustomKind::Text => FieldKind::Text { max: TEXT_MAX },
        CustomKind::LongText => FieldKind::LongText,
        CustomKind::Integer => FieldKind::Integer { min: -SAFE, max: SAFE },
        CustomKind::Decimal => FieldKind::Decimal { scale: DECIMAL_SCALE },
        CustomKind::Date => FieldKind::Date,
        CustomKind::Boolean => FieldKind::Boolean,
        // An option is its own code: what the administrator wrote is what is stored.
        CustomKind::Choice => FieldKind::Choice(
            field.options.iter().map(|option| Code { code: option.clone(), label: option.clone() }).collect(),
        ),
    }
}

/// Every declared register's permission codes with their labels, module by module, for the
/// role editor: a register added to a module appears there without a change to the page.
pub fn grants(translate: Translate<'_>) -> Vec<RegisterGrants> {
    crate::modules::registers()
        .map(|register| RegisterGrants {
            module_title: translate(&register.module_key()),
            title: translate(&register.title_key()),
            grants: Action::of(register)
                .map(|action| GrantMeta {
                    code: action.code(register),
                    label: match action {
                        Action::Step(name) => translate(&register.step_key(name)),
                        fixed => translate(&format!("engine.action.{}", fixed.name())),
                    },
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::UserKind;
    use crate::permissions::DataScope;

    fn clerk(records: &[&str]) -> SessionUser {
        SessionUser {
            id: 1,
            username: "clerk".into(),
            display_name: "文书".into(),
            kind: UserKind::Staff,
            township_id: 1,
            township_name: "镇".into(),
            village_id: None,
            grid_id: None,
            department_id: None,
            role_names: vec![],
            permissions: Default::default(),
            scope: DataScope::Township,
            records: records.iter().map(|code| (*code).to_owned()).collect(),
            registers: Vec::new(),
            password_due: None,
            second_factor_due: false,
        }
    }

    #[test]
    fn custom_fields_follow_the_declared_ones_in_form_list_and_filters() {
        let register = &crate::party::MEMBERS;
        let beds = CustomField {
            key: "bed_count".into(),
            kind: CustomKind::Choice,
            label_zh: "床位".into(),
            label_en: "Beds".into(),
            required: true,
            in_list: true,
            filterable: true,
            options: vec!["一".into(), "二".into()],
        };
        let user = clerk(&["m.party.members.view", "m.party.members.edit"]);
        let meta = meta(&user, register, std::slice::from_ref(&beds), Language::English, &|key| format!("<{key}>"));
        assert_eq!(meta.title, "<reg.party.members>");
        assert_eq!(meta.fields.len(), register.fields.len() + 1);
        let last = meta.fields.last().expect("a field");
        assert_eq!((last.name.as_str(), last.label.as_str(), last.custom), ("bed_count", "Beds", true));
        assert_eq!(last.kind.codes().iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["一", "二"]);
        assert_eq!(meta.list.last().map(String::as_str), Some("bed_count"));
        assert_eq!(meta.filters.last().map(String::as_str), Some("bed_count"));
        assert_eq!(meta.actions, ["view", "edit"]);
        assert!(meta.may("edit") && !meta.may("delete"));
    }

    #[test]
    fn every_register_action_is_a_grant_with_a_label() {
        let grants = grants(&|key| key.to_owned());
        assert_eq!(grants.len(), crate::modules::registers().count());
        let members = grants.iter().find(|r| r.title == "reg.party.members").expect("members");
        assert!(members.grants.iter().any(|g| g.code == "m.party.members.view" && g.label == "engine.action.view"));
    }
}
