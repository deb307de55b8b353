//! The typed forms' `validate()` (event reports, steps, registrations, staff accounts, table
//! queries) and the password policy: no input panics, every error names a field of the form,
//! and the bounds hold whatever the input.

use std::time::Duration;

use proptest::prelude::*;
use shared::accounts::password_policy::{self, MAX_LENGTH, MIN_LENGTH};
use shared::accounts::{EnterpriseRegistration, NewStaff, PublicRegistration};
use shared::events::{
    ADDRESS_MAX, CLIENT_REF_MAX, CONTACT_NAME_MAX, DESCRIPTION_MAX, NOTE_MAX, NewEvent, StepForm, TITLE_MAX,
};
use shared::paging::{MAX_PAGE, MAX_PER_PAGE, TableQuery};
use shared::{AppError, ErrorCode};

use super::{cases, within};

/// Text as people and attackers type it: short and long, Chinese, control characters,
/// markup, blanks around it.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "\\PC{0,80}",
        2 => any::<String>(),
        1 => ("[ \t\n]{0,3}", "[\\x00-\\x1f<>\"'&%路灯]{0,20}", "[ \t\n]{0,3}").prop_map(|(a, b, c)| format!("{a}{b}{c}")),
        1 => ("[a-z路]", 0..3000usize).prop_map(|(c, n)| c.repeat(n)),
    ]
}

fn float() -> impl Strategy<Value = Option<f64>> {
    proptest::option::of(prop_oneof![any::<f64>(), -90.0..90.0f64, Just(f64::NAN), Just(f64::INFINITY)])
}

fn any_event() -> impl Strategy<Value = NewEvent> {
    (
        (text(), any::<i32>(), text(), text(), text(), text()),
        (float(), float(), text(), text(), text(), proptest::collection::vec(any::<i64>(), 0..10), text()),
    )
        .prop_map(
            |(
                (channel, category_id, priority, title, description, address),
                (lat, lng, contact_name, contact_phone, client_ref, attachments, resolution),
            )| NewEvent {
                channel,
                category_id,
                priority,
                title,
                description,
                address,
                lat,
                lng,
                contact_name,
                contact_phone,
                client_ref,
                attachments,
                resolution,
            },
        )
}

fn valid_event() -> NewEvent {
    NewEvent {
        channel: "public".into(),
        category_id: 3,
        priority: "normal".into(),
        title: "路灯不亮".into(),
        description: "梅李路与通港路口的路灯已经坏了三天".into(),
        lat: Some(31.65),
        lng: Some(120.9),
        ..NewEvent::default()
    }
}

fn fields(error: &AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Whether `result` is a field error (422) whose every field is one of `known`.
fn names_only<T: std::fmt::Debug>(result: &Result<T, AppError>, known: &[&str]) -> Result<(), TestCaseError> {
    if let Err(error) = result {
        prop_assert_eq!(error.status(), 422, "{:?}", error);
        let named = fields(error);
        prop_assert!(!named.is_empty());
        for field in named {
            prop_assert!(known.contains(&field.as_str()), "unknown field {field}");
        }
    }
    Ok(())
}

/// The password codes `password_policy::validate` may answer.
const PASSWORD_CODES: [ErrorCode; 5] = [
    ErrorCode::PasswordTooShort,
    ErrorCode::PasswordTooLong,
    ErrorCode::PasswordClasses,
    ErrorCode::PasswordContainsUsername,
    ErrorCode::PasswordCommon,
];

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn any_report_is_checked_field_by_field(event in any_event()) {
        let result = event.validate();
        names_only(&result, &[
            "channel", "category_id", "priority", "title", "description", "location", "contact_phone",
            "address", "contact_name", "resolution", "attachments", "client_ref",
        ])?;
        // What passes is within every bound.
        if result.is_ok() {
            prop_assert!((1..=TITLE_MAX).contains(&event.title.trim().chars().count()));
            prop_assert!(event.description.trim().chars().count() <= DESCRIPTION_MAX);
            prop_assert!(event.address.trim().chars().count() <= ADDRESS_MAX);
            prop_assert!(event.contact_name.trim().chars().count() <= CONTACT_NAME_MAX);
            prop_assert!(event.resolution.trim().chars().count() <= NOTE_MAX);
            prop_assert!(event.client_ref.trim().len() <= CLIENT_REF_MAX);
            prop_assert!(event.lat.is_some_and(f64::is_finite) && event.lng.is_some_and(f64::is_finite));
        }
    }

    #[test]
    fn an_overlong_field_is_refused_by_name(field in 0..6usize, extra in 1..5000usize, c in "[a-z路 ]") {
        let limits = [TITLE_MAX, DESCRIPTION_MAX, ADDRESS_MAX, CONTACT_NAME_MAX, NOTE_MAX, CLIENT_REF_MAX];
        // Blanks around it do not count; what is inside does.
        let long = format!(" x{}x ", c.repeat(limits[field] - 2 + extra));
        let mut event = valid_event();
        let name = match field {
            0 => { event.title = long; "title" }
            1 => { event.description = long; "description" }
            2 => { event.address = long; "address" }
            3 => { event.contact_name = long; "contact_name" }
            4 => { event.resolution = long; "resolution" }
            _ => { event.client_ref = long; "client_ref" }
        };
        let error = event.validate().expect_err("too long");
        prop_assert!(fields(&error).iter().any(|f| f == name), "{:?}", error);
    }

    #[test]
    fn any_step_is_checked_field_by_field(
        (event_id, version, action, note) in (any::<i64>(), any::<i32>(), proptest::sample::select(shared::events::Action::ALL.to_vec()), text()),
        (department_id, assignee_id, merge_into, satisfaction) in (any::<Option<i32>>(), any::<Option<i64>>(), text(), any::<Option<i16>>()),
        attachments in proptest::collection::vec(any::<i64>(), 0..10),
    ) {
        let step = StepForm { event_id, version, action, note, department_id, assignee_id, merge_into, satisfaction, attachments };
        let result = step.validate();
        names_only(&result, &["note", "department_id", "merge_into", "satisfaction", "attachments"])?;
        if result.is_ok() {
            prop_assert!(step.note.trim().chars().count() <= NOTE_MAX);
        }
    }

    #[test]
    fn any_registration_is_checked_field_by_field(
        (township_id, phone, display_name) in (any::<i32>(), prop_oneof![text(), "1[3-9][0-9]{9}"], text()),
        (credit_code, password, confirm, same) in (text(), text(), text(), any::<bool>()),
    ) {
        let password_confirm = if same { password.clone() } else { confirm };
        let public = PublicRegistration {
            township_id, phone: phone.clone(), display_name: display_name.clone(),
            password: password.clone(), password_confirm: password_confirm.clone(),
        };
        names_only(&public.validate(), &["phone", "display_name", "password", "password_confirm"])?;
        let enterprise = EnterpriseRegistration {
            township_id, credit_code, enterprise_name: display_name.clone(), contact_name: display_name.clone(),
            phone: phone.clone(), password: password.clone(), password_confirm,
        };
        names_only(&enterprise.validate(), &["credit_code", "enterprise_name", "contact_name", "phone", "password", "password_confirm"])?;
        let staff = NewStaff {
            username: display_name.clone(), display_name, phone, password, role_code: String::new(),
            village_id: None, grid_id: None,
        };
        names_only(&staff.validate(), &["username", "display_name", "phone", "password", "role_code"])?;
    }

    #[test]
    fn a_public_registration_is_accepted_with_good_values(phone in "1[3-9][0-9]{9}", name in "[a-zA-Z路灯王李]{1,40}") {
        let password = "Tongguan#2026ok".to_owned();
        let form = PublicRegistration { township_id: 1, phone, display_name: name, password: password.clone(), password_confirm: password };
        prop_assert_eq!(form.validate(), Ok(()));
    }

    #[test]
    fn any_table_query_is_bounded(q in text(), filter in text(), sort in text(), page in any::<i64>(), per_page in any::<i64>()) {
        let query = TableQuery { q, filter, sort, dir: Default::default(), page, per_page };
        names_only(&query.validate(), &["page", "per_page", "q", "filter", "sort"])?;
        // Whatever was asked, the query the database sees is in range.
        prop_assert!((1..=MAX_PAGE).contains(&query.page()));
        prop_assert!((1..=MAX_PER_PAGE).contains(&query.per_page()));
        prop_assert!((0..=(MAX_PAGE - 1) * MAX_PER_PAGE).contains(&query.offset()));
    }

    #[test]
    fn any_password_gets_an_answer_quickly(password in text(), username in text()) {
        let answer = within(Duration::from_secs(5), move || {
            let _ = password_policy::is_common(&password);
            (password_policy::validate(&password, &username), password, username)
        });
        let (result, password, username) = answer;
        match result {
            Ok(()) => {
                let length = password.chars().count();
                prop_assert!((MIN_LENGTH..=MAX_LENGTH).contains(&length));
                let username = username.trim().to_lowercase();
                prop_assert!(username.chars().count() < 3 || !password.to_lowercase().contains(&username));
            }
            Err(code) => prop_assert!(PASSWORD_CODES.contains(&code), "{}", code),
        }
        if password.chars().count() < MIN_LENGTH {
            prop_assert_eq!(result, Err(ErrorCode::PasswordTooShort));
        }
        if password.chars().count() > MAX_LENGTH {
            prop_assert_eq!(result, Err(ErrorCode::PasswordTooLong));
        }
    }

    #[test]
    fn a_password_holding_the_username_is_refused(username in "[a-z][a-z0-9]{2,10}", before in "[A-Z#!0-9]{0,6}", after in "[#!0-9A-Z]{0,6}", upper in any::<bool>()) {
        let inside = if upper { username.to_uppercase() } else { username.clone() };
        let password = format!("Qx{before}{inside}{after}#7z");
        prop_assert!(password_policy::validate(&password, &username).is_err(), "{password} accepted for {username}");
    }

    /// Complexity rules push people to decorate a weak word; the decorations do not count.
    #[test]
    fn a_decorated_common_word_is_refused(
        word in proptest::sample::select(vec!["password", "woaini", "zhangwei", "qwerty", "admin", "dragon", "iloveyou", "sunshine", "huawei"]),
        capital in any::<bool>(),
        leet in any::<bool>(),
        digits in "[0-9]{0,6}",
        symbol in "[!@#$.*]{0,2}",
    ) {
        let mut core: String = if leet { word.replace('a', "@").replace('o', "0") } else { word.to_owned() };
        if capital {
            core = core[..1].to_uppercase() + &core[1..];
        }
        let password = format!("{core}{digits}{symbol}");
        prop_assert!(password_policy::validate(&password, "someone").is_err(), "{password} accepted");
    }
}
