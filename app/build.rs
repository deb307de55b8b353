//! Turns `locales/*.yml` into static tables (`$OUT_DIR/translations.rs`): one sorted slice of
//! (key, text) per language, searched by `i18n::Tables`. rust-i18n's own `i18n!("locales")`
//! would instead generate one HashMap insertion per string, about 100 KB of wasm code that
//! runs before the first word is shown; a table is data, read in place.

use std::fmt::Write as _;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
    println!("cargo:rerun-if-changed={dir}");
    let locales = rust_i18n_support::load_locales(dir, |_| false);
    assert!(!locales.is_empty(), "no translations found under {dir}");

    let mut code = String::from("pub static TABLES: &[(&str, &[(&str, &str)])] = &[\n");
    for (locale, texts) in &locales {
        writeln!(code, "    ({locale:?}, &[").expect("write to a String");
        // BTreeMap iterates in key order: the slice is sorted for binary search.
        for (key, text) in texts {
            writeln!(code, "        ({key:?}, {text:?}),").expect("write to a String");
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");

    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("translations.rs");
    std::fs::write(out, code).expect("write translations.rs");
}
