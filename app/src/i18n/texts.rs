//! The browser's texts. They are not compiled into its wasm (both languages' were 24 KB
//! of the first page's 323 KB, docs/benchmarks.md): the browser fetches the page's language's
//! table before it hydrates, from an address naming this build's version of the texts, and
//! the service worker keeps it beside the wasm. A language switch reloads the page, so one
//! language is all a page needs.
//!
//! The server serves the table it compiled in (`TABLES` of `build.rs`): a line per text,
//! `key<TAB>text`, in key order, with `\`, newline and tab of a text escaped (`\\`, `\n`, `\t`).

use super::Locale;
use super::tables::TEXTS_VERSION;

/// Where the texts of `locale` of this build are served.
pub fn href(locale: Locale) -> String {
    format!("/texts/{}.{TEXTS_VERSION}.txt", locale.code())
}

/// The texts served at `/texts/<file>`: the table of the language it names, if it names this
/// build's version (an address of another build's is not found, never answered with these).
#[cfg(feature = "ssr")]
pub fn served(file: &str) -> Option<&'static str> {
    use std::sync::LazyLock;
    static ENCODED: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
        super::tables::TABLES
            .iter()
            .map(|(code, texts)| (format!("{code}.{TEXTS_VERSION}.txt"), encode(texts)))
            .collect()
    });
    ENCODED.iter().find(|(name, _)| name == file).map(|(_, text)| text.as_str())
}

#[cfg(any(feature = "ssr", test))]
fn encode(texts: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (key, text) in texts {
        out.push_str(key);
        out.push('\t');
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

/// The (key, text) pairs of a served table, in its order. A malformed line is skipped.
#[cfg(any(not(feature = "ssr"), test))]
fn decode(table: &'static str) -> Vec<(&'static str, &'static str)> {
    table
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .map(|(key, text)| (key, if text.contains('\\') { &*unescape(text).leak() } else { text }))
        .collect()
}

#[cfg(any(not(feature = "ssr"), test))]
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The page's texts, once fetched: its language and its table.
#[cfg(not(feature = "ssr"))]
static LOADED: std::sync::OnceLock<(&'static str, Vec<(&'static str, &'static str)>)> = std::sync::OnceLock::new();

/// A key's text in the fetched table, if it is of `locale`.
#[cfg(not(feature = "ssr"))]
pub fn lookup(locale: &str, key: &str) -> Option<&'static str> {
    let (code, texts) = LOADED.get()?;
    if *code != locale {
        return None;
    }
    let index = texts.binary_search_by(|(probe, _)| (*probe).cmp(key)).ok()?;
    Some(texts[index].1)
}

/// Starts fetching the page's texts at once (the page's head asked the browser to preload
/// them) and returns what waits for them and keeps them. Without them, the page still shows
/// what the server rendered; the texts of what changes show as their keys, and the failure is
/// in the console.
#[cfg(feature = "hydrate")]
pub fn fetch() -> impl Future<Output = ()> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let locale = Locale::from_request();
    let request = web_sys::window().map(|window| JsFuture::from(window.fetch_with_str(&href(locale))));
    async move {
        let text = async {
            let response: web_sys::Response = request?.await.ok()?.dyn_into().ok()?;
            if !response.ok() {
                return None;
            }
            JsFuture::from(response.text().ok()?).await.ok()?.as_string()
        };
        match text.await {
            Some(text) => {
                let _ = LOADED.set((locale.code(), decode(text.leak())));
            }
            None => leptos::logging::error!("the texts at {} could not be read", href(locale)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_read_back_as_it_was_written() {
        let texts = [("a.b", "一"), ("a.c", "two\tlines\nand a \\ backslash"), ("b", "")];
        let encoded = encode(&texts);
        assert_eq!(encoded.lines().count(), 3);
        assert_eq!(decode(encoded.leak()), texts);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn each_language_is_served_at_its_address_of_this_build_only() {
        let zh = served(href(Locale::ZhCn).trim_start_matches("/texts/")).expect("served");
        assert!(zh.lines().any(|line| line == "nav.logout\t退出登录"));
        let en = served(href(Locale::En).trim_start_matches("/texts/")).expect("served");
        assert!(en.lines().any(|line| line == "nav.logout\tLog out"));
        assert_eq!(served("zh-CN.0000000000000000.txt"), None);
        assert_eq!(served("../Cargo.toml"), None);
    }
}
