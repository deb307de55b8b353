//! The forms of the event module as they come over the wire: typed here, once, so neither
//! the server function nor the service parses a string.
//!
//! A step is posted by a plain HTML form (works without JavaScript), URL-encoded, its fields
//! named `form[event_id]`, `form[action]`… (serde_qs' names for the server function's `form`
//! argument). Every value of such a form is text, and an empty `<select>` choice is an empty
//! string: the helpers below read "" as "none" and a list of photo ids as "1,2,3".

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::state::Action;
use super::types::{MAX_PHOTOS, NOTE_MAX};
use crate::error::{AppError, ErrorCode, Validator};

/// One step of the loop on one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepForm {
    pub event_id: i64,
    /// The version the user saw: a newer one means somebody else acted first.
    pub version: i32,
    #[serde(with = "action_text")]
    pub action: Action,
    #[serde(default)]
    pub note: String,
    #[serde(default, with = "optional_number")]
    pub department_id: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub assignee_id: Option<i64>,
    /// For a merge: the number of the surviving event.
    #[serde(default)]
    pub merge_into: String,
    /// For a confirmation: 1–5.
    #[serde(default, with = "optional_number")]
    pub satisfaction: Option<i16>,
    /// Uploaded photo ids; absent or empty means none.
    #[serde(default, with = "id_list")]
    pub attachments: Vec<i64>,
}

impl StepForm {
    /// A step with nothing but its action (the other fields empty).
    pub fn new(event_id: i64, version: i32, action: Action) -> Self {
        StepForm {
            event_id,
            version,
            action,
            note: String::new(),
            department_id: None,
            assignee_id: None,
            merge_into: String::new(),
            satisfaction: None,
            attachments: Vec::new(),
        }
    }

    /// Every field error at once: what the action needs (a reason, a department, a target, a
    /// rating) and what no step may exceed.
    pub fn validate(&self) -> Result<(), AppError> {
        let action = self.action;
        let mut v = Validator::new();
        let note = self.note.trim().chars().count();
        if action.needs_reason() {
            v.check("note", if note == 0 { Err(ErrorCode::EventReasonRequired) } else { Ok(()) });
        }
        v.check("note", if note > NOTE_MAX { Err(ErrorCode::EventNoteTooLong) } else { Ok(()) });
        if action == Action::Dispatch {
            v.check("department_id", self.department_id.map(|_| ()).ok_or(ErrorCode::EventDepartmentRequired));
        }
        if action == Action::Merge {
            v.check(
                "merge_into",
                if self.merge_into.trim().is_empty() { Err(ErrorCode::EventMergeTargetRequired) } else { Ok(()) },
            );
        }
        if action == Action::Confirm {
            v.check(
                "satisfaction",
                match self.satisfaction {
                    Some(1..=5) => Ok(()),
                    _ => Err(ErrorCode::EventSatisfactionRequired),
                },
            );
        }
        v.check(
            "attachments",
            if self.attachments.len() <= MAX_PHOTOS { Ok(()) } else { Err(ErrorCode::EventTooManyPhotos) },
        );
        v.finish()
    }
}

/// A routing rule of the settings page (派遣规则): an empty condition matches anything.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RoutingRuleForm {
    #[serde(default, with = "optional_number")]
    pub category_id: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub village_id: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub grid_id: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub department_id: Option<i32>,
}

/// One row of the settings page's category table: name, active flag and the deadlines in
/// working hours per priority. An empty deadline is `None` (the service says it is missing).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CategoryEditForm {
    pub id: i32,
    #[serde(default)]
    pub name: String,
    #[serde(default, with = "checkbox")]
    pub active: bool,
    #[serde(default, with = "optional_number")]
    pub hours_normal: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub hours_urgent: Option<i32>,
    #[serde(default, with = "optional_number")]
    pub hours_critical: Option<i32>,
}

/// An action by its code (`"dispatch"`), as the form's hidden field carries it.
mod action_text {
    use super::*;

    pub fn serialize<S: Serializer>(action: &Action, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(action.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        let text = String::deserialize(deserializer)?;
        Action::parse(text.trim()).ok_or_else(|| serde::de::Error::custom(format!("unknown action {text:?}")))
    }
}

/// A number that may be left empty: "" (or no field) is `None`.
mod optional_number {
    use super::*;
    use std::fmt::Display;
    use std::str::FromStr;

    pub fn serialize<T: Display, S: Serializer>(value: &Option<T>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.collect_str(value),
            None => serializer.serialize_str(""),
        }
    }

    pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        if text.is_empty() { Ok(None) } else { text.parse().map(Some).map_err(serde::de::Error::custom) }
    }
}

/// A checkbox: sent (with any value) when ticked, absent when not.
pub(crate) mod checkbox {
    use super::*;

    pub fn serialize<S: Serializer>(ticked: &bool, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if *ticked { "1" } else { "" })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        Ok(!String::deserialize(deserializer)?.is_empty())
    }
}

/// Photo ids as one comma-separated field (`"12,15"`), what the photo picker writes.
mod id_list {
    use super::*;

    pub fn serialize<S: Serializer>(ids: &[i64], serializer: S) -> Result<S::Ok, S::Error> {
        let text = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i64>, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| id.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_asks_for_what_it_needs() {
        let error_fields = |form: &StepForm| match form.validate() {
            Ok(()) => Vec::new(),
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            Err(other) => panic!("unexpected {other:?}"),
        };
        assert_eq!(error_fields(&StepForm::new(1, 1, Action::Reject)), ["note"]);
        assert_eq!(error_fields(&StepForm::new(1, 1, Action::Dispatch)), ["department_id"]);
        assert_eq!(error_fields(&StepForm::new(1, 1, Action::Merge)), ["merge_into"]);
        let confirm = StepForm { satisfaction: Some(6), ..StepForm::new(1, 1, Action::Confirm) };
        assert_eq!(error_fields(&confirm), ["satisfaction"]);
        assert!(StepForm::new(1, 1, Action::Accept).validate().is_ok());
    }

    #[test]
    fn form_fields_are_read_from_text() {
        let form: StepForm = serde_json::from_value(serde_json::json!({
            "event_id": 7, "version": 2, "action": "dispatch", "note": "",
            "department_id": "3", "assignee_id": "", "satisfaction": "", "attachments": "4, 5,",
        }))
        .unwrap();
        assert_eq!(form.action, Action::Dispatch);
        assert_eq!((form.department_id, form.assignee_id, form.satisfaction), (Some(3), None, None));
        assert_eq!(form.attachments, [4, 5]);
        let category: CategoryEditForm = serde_json::from_value(serde_json::json!({
            "id": 4, "name": "路灯", "hours_normal": "24", "hours_urgent": "", "active": "1",
        }))
        .unwrap();
        assert_eq!((category.active, category.hours_normal, category.hours_urgent), (true, Some(24), None));
        assert!(
            serde_json::from_value::<StepForm>(serde_json::json!({
                "event_id": 7, "version": 2, "action": "teleport",
            }))
            .is_err()
        );
    }
}
