//! The UI language: Chinese by default, English on request. The choice lives in a cookie
//! (`tg_lang`) set by `/lang/{code}`, so it persists and works without JavaScript; the
//! server renders in that language and the browser hydrates in the same one.

use leptos::prelude::*;

pub const COOKIE_NAME: &str = "tg_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn html_lang(self) -> &'static str {
        self.code()
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(value))
    }

    /// The language of the registers' custom fields' labels (an administrator writes one in
    /// each).
    #[cfg(feature = "ssr")]
    pub fn language(self) -> shared::engine::service::Language {
        match self {
            Locale::ZhCn => shared::engine::service::Language::Chinese,
            Locale::En => shared::engine::service::Language::English,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Self {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// Translate a key (see `locales/*.yml`); a missing key shows as itself.
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }

    /// Translate a key with `%{name}` placeholders.
    pub fn tf(self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            text = text.replace(&format!("%{{{name}}}"), value);
        }
        text
    }

    /// The language a request's `tg_lang` cookie asks for (the default without one).
    #[cfg(feature = "ssr")]
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(|cookies| cookie_value(cookies, COOKIE_NAME))
            .and_then(|code| Locale::parse(&code))
            .unwrap_or_default()
    }

    /// The language of the current request (server) or page (browser).
    pub fn from_request() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>().map(|parts| Locale::from_headers(&parts.headers)).unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            // The server wrote the language into <html lang>; read it back so hydration matches.
            web_sys_lang().and_then(|lang| Locale::parse(&lang)).unwrap_or_default()
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn web_sys_lang() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()?.document()?.document_element()?.get_attribute("lang")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// One cookie's value out of a `Cookie` header (the first of that name; a malformed pair
/// is skipped, not fatal).
#[cfg(feature = "ssr")]
pub fn cookie_value(header: &str, name: &str) -> Option<String> {
    cookie::Cookie::split_parse(header).flatten().find(|c| c.name() == name).map(|c| c.value().to_owned())
}

/// The translations of `locales/*.yml`, compiled into sorted tables by `build.rs` and served
/// to rust-i18n's `t!` through its `Backend` trait (see `lib.rs`).
pub struct Tables;

mod tables {
    include!(concat!(env!("OUT_DIR"), "/translations.rs"));
}

pub mod texts;

impl rust_i18n::Backend for Tables {
    fn available_locales(&self) -> Vec<&str> {
        Locale::ALL.iter().map(|locale| locale.code()).collect()
    }

    fn translate(&self, locale: &str, key: &str) -> Option<&str> {
        // The browser's texts are fetched, not compiled in (`texts`).
        #[cfg(not(any(feature = "ssr", test)))]
        let found = texts::lookup(locale, key);
        #[cfg(any(feature = "ssr", test))]
        let found = lookup(tables::TABLES, locale, key);
        // The modules' texts beyond the menu's titles are the server's (`build.rs`).
        #[cfg(any(feature = "ssr", test))]
        let found = found.or_else(|| lookup(tables::SERVER_TABLES, locale, key));
        // A run-time register's title is its administrator's, read from the database
        // (`shared::engine::service::runtime`).
        #[cfg(feature = "ssr")]
        let found = found.or_else(|| shared::engine::service::runtime::title(locale, key));
        found
    }
}

/// A key's text in one of the generated tables.
#[cfg(any(feature = "ssr", test))]
fn lookup(tables: &'static [(&str, &[(&str, &str)])], locale: &str, key: &str) -> Option<&'static str> {
    let (_, texts) = tables.iter().find(|(code, _)| *code == locale)?;
    let index = texts.binary_search_by(|(probe, _)| (*probe).cmp(key)).ok()?;
    Some(texts[index].1)
}

pub fn provide_locale() {
    provide_context(Locale::from_request());
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// What stays as it is in the `next` of the language switch: letters, digits and `/-_.`
/// (a path reads as a path); everything else is percent-encoded.
const NEXT_PATH: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');

/// The link that switches language and comes back to the current page.
pub fn switch_href(locale: Locale, current_path: &str) -> String {
    let next = percent_encoding::utf8_percent_encode(current_path, NEXT_PATH);
    format!("/lang/{}?next={}", locale.other().code(), next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_from_the_tables_in_each_language() {
        assert_eq!(Locale::ZhCn.t("nav.logout"), "退出登录");
        assert_eq!(Locale::En.t("nav.logout"), "Log out");
        assert_eq!(Locale::En.t("no.such.key"), "no.such.key");
    }

    #[test]
    fn the_language_switch_comes_back_to_the_page_encoded() {
        assert_eq!(switch_href(Locale::ZhCn, "/events/7"), "/lang/en?next=/events/7");
        assert_eq!(
            switch_href(Locale::En, "/events?q=路灯 5%&x=~"),
            "/lang/zh-CN?next=/events%3Fq%3D%E8%B7%AF%E7%81%AF%205%25%26x%3D%7E"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_cookie_is_read_by_name_from_the_header() {
        let header = "tg_session=abc; tg_lang=en;broken; other=x=y";
        assert_eq!(cookie_value(header, "tg_lang").as_deref(), Some("en"));
        assert_eq!(cookie_value(header, "tg_session").as_deref(), Some("abc"));
        assert_eq!(cookie_value(header, "other").as_deref(), Some("x=y"));
        assert_eq!(cookie_value(header, "missing"), None);
        assert_eq!(cookie_value("", "tg_lang"), None);
    }

    #[test]
    fn both_languages_have_every_key_and_the_tables_are_sorted() {
        let [(_, first), (_, second)] = tables::TABLES else {
            panic!("two languages expected");
        };
        fn keys(texts: &[(&'static str, &'static str)]) -> Vec<&'static str> {
            texts.iter().map(|(key, _)| *key).collect()
        }
        assert_eq!(keys(first), keys(second), "a key is missing in one language");
        assert!(first.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    /// Every permission (its label in the role editor) and every error code (the message
    /// beside a field) has its text in both languages: a code added to its registry without
    /// translations fails here, not in front of a user who would see the bare key.
    #[test]
    fn every_permission_error_code_and_operations_code_is_translated_in_both_languages() {
        use shared::error::ErrorCode;
        use shared::permissions::Permission;

        use shared::operations::{Finding, Health, Job, RunKind, RunOutcome, Trigger};
        let keys = Permission::ALL
            .iter()
            .map(|p| p.i18n_key())
            .chain(ErrorCode::ALL.iter().map(|c| c.i18n_key()))
            .chain(Job::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::audit::AuditAction::ALL.iter().map(|c| c.i18n_key()))
            .chain(Health::ALL.iter().map(|c| c.i18n_key()))
            .chain(Finding::ALL.iter().map(|c| c.i18n_key()))
            .chain(RunKind::ALL.iter().map(|c| c.i18n_key()))
            .chain(Trigger::ALL.iter().map(|c| c.i18n_key()))
            .chain(RunOutcome::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::personal::Column::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::codes::tables::CodeTable::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::water_quality::WaterClass::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::water_quality::WaterParameter::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::air_quality::Pollutant::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::air_quality::AqiLevel::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::noise::NoiseZone::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::threshold::Severity::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::threshold::Direction::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::measurand::Measurand::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::indicators::Source::ALL.iter().map(|c| c.i18n_key()))
            .chain(shared::sensing::chart::Span::ALL.iter().map(|c| c.i18n_key()));
        let mut missing = Vec::new();
        for key in keys {
            for (locale, texts) in tables::TABLES {
                match texts.binary_search_by(|(probe, _)| (*probe).cmp(key)) {
                    Ok(index) if !texts[index].1.trim().is_empty() => {}
                    _ => missing.push(format!("{locale}: {key}")),
                }
            }
        }
        assert!(missing.is_empty(), "translations missing: {missing:#?}");
    }

    /// Every text a register's pages show comes from its module's locale files
    /// (`shared/src/<module>/locales/`): the module's title, the register's title, every
    /// field's label, every code of its code tables, every workflow state and step and every
    /// counter, in both languages. A register declared without them fails here.
    #[test]
    fn every_register_is_translated_in_both_languages() {
        use rust_i18n::Backend;
        use shared::engine::declare::Kind;

        let mut keys: Vec<String> = Vec::new();
        for register in shared::modules::registers() {
            keys.push(register.module_key());
            keys.push(register.title_key());
            for field in register.fields {
                keys.push(register.label_key(field.name));
                if let Kind::Choice(table) | Kind::MultiChoice(table) = field.kind {
                    keys.extend(table.codes.iter().map(|code| table.label_key(code)));
                }
            }
            if let Some(workflow) = register.workflow {
                keys.extend(workflow.states.iter().map(|state| register.state_key(state.name)));
                keys.extend(workflow.transitions.iter().map(|step| register.step_key(step.name)));
            }
            keys.extend(register.counters.iter().map(|counter| register.counter_key(counter.name)));
        }
        let mut missing = Vec::new();
        for key in &keys {
            for locale in Locale::ALL {
                let found = Tables.translate(locale.code(), key).is_some_and(|text| !text.trim().is_empty());
                if !found {
                    missing.push(format!("{}: {key}", locale.code()));
                }
            }
        }
        assert!(missing.is_empty(), "register texts missing: {missing:#?}");
        // The browser has the menu's titles, and none of a register's other texts.
        let members = &shared::party::MEMBERS;
        assert!(lookup(tables::TABLES, "zh-CN", &members.title_key()).is_some());
        assert!(lookup(tables::TABLES, "zh-CN", &members.label_key("name")).is_none());
    }
}
