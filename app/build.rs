//! Turns `locales/*.yml`, and every module's `../shared/src/<module>/locales/*.yml`, into
//! static tables (`$OUT_DIR/translations.rs`): one sorted slice of (key, text) per language,
//! searched by `i18n::Tables`. rust-i18n's own `i18n!("locales")` would instead generate one
//! HashMap insertion per string, about 100 KB of wasm code that runs before the first word is
//! shown; a table is data, read in place.
//!
//! A module's texts live in its own folder (a register is one folder, texts included). Their
//! keys nest like the app's; because a register's title (`reg.party.members`) is also the
//! prefix of its fields' labels (`reg.party.members.name`), and a YAML key cannot be both a
//! text and a map, a title may be written as `_title` inside the register's map:
//! `reg: { party: { members: { _title: 党员, name: 姓名 } } }` gives `reg.party.members`.
//! Dotted keys (`members.name: 姓名`) work as well.
//!
//! A module's texts are the server's: the registers' pages get their labels from the server
//! (`engine/meta`), so only the titles the menu shows — `module.<m>` and `reg.<m>.<r>` — go
//! into the browser's tables (`TABLES`); the rest go into `SERVER_TABLES`, compiled only into
//! the server (and tests). A register's many labels, codes and states cost the browser's
//! first page nothing.
//!
//! Nor does the browser compile the menu's tables into its code: it fetches the page's
//! language's table before it hydrates (`i18n::texts`); `TEXTS_VERSION` names that version
//! of the texts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The key segment that stands for its parent key (see above).
const TITLE: &str = "._title";

fn main() {
    // Read when the script runs, not when it is compiled, and watched relative to the package:
    // two checkouts sharing a target directory share this script's binary, and each must read
    // and watch its own texts.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let manifest = manifest.as_str();
    let dir = format!("{manifest}/locales");
    println!("cargo:rerun-if-changed=locales");
    let mut locales = rust_i18n_support::load_locales(&dir, |_| false);
    assert!(!locales.is_empty(), "no translations found under {dir}");
    let mut server: BTreeMap<String, BTreeMap<String, String>> =
        locales.keys().map(|locale| (locale.clone(), BTreeMap::new())).collect();

    // Every module folder of `shared` that has texts. The whole `src` is watched so that a new
    // module's folder is found too (any change there rebuilds this crate anyway).
    let shared = Path::new(manifest).join("../shared/src");
    println!("cargo:rerun-if-changed=../shared/src");
    let mut module_dirs: Vec<_> = std::fs::read_dir(&shared)
        .expect("shared/src is readable")
        .map(|entry| entry.expect("a directory entry").path().join("locales"))
        .filter(|path| path.is_dir())
        .collect();
    module_dirs.sort();
    for module_dir in module_dirs {
        let origin = module_dir.display().to_string();
        for (locale, texts) in rust_i18n_support::load_locales(&origin, |_| false) {
            assert!(locales.contains_key(&locale), "{origin}: no app texts for {locale}");
            // `_version: 1`, rust-i18n's file format mark, is each file's own.
            for (key, text) in texts.into_iter().filter(|(key, _)| key != "_version") {
                let key = key.strip_suffix(TITLE).map(str::to_owned).unwrap_or(key);
                // One place per text: a module may not redefine the app's or another module's.
                let defined = locales[&locale].contains_key(&key) || server[&locale].contains_key(&key);
                assert!(!defined, "{origin}: {locale} `{key}` is defined twice");
                let table = if is_menu_title(&key) { &mut locales } else { &mut server };
                table.get_mut(&locale).expect("a language of the app").insert(key, text);
            }
        }
    }

    // The browser's texts are not in its wasm: it fetches the page's language's table from
    // the server (`i18n::texts`), at an address naming this version of them, so that a
    // release's new texts are never answered from a cache of the old.
    let mut code = format!("pub const TEXTS_VERSION: &str = \"{:016x}\";\n", fnv1a(&locales));
    code.push_str("#[cfg(any(feature = \"ssr\", test))]\n");
    code.push_str(&tables("TABLES", &locales));
    code.push_str("#[cfg(any(feature = \"ssr\", test))]\n");
    code.push_str(&tables("SERVER_TABLES", &server));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("translations.rs");
    std::fs::write(out, code).expect("write translations.rs");
}

/// A module's or a register's title (`module.party`, `reg.party.members`): what the menu
/// shows, so the browser has it.
fn is_menu_title(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    matches!(parts.as_slice(), ["module", _] | ["reg", _, _])
}

/// FNV-1a (64 bits) of every language's keys and texts: the same on every build of the same
/// texts, for the server and the browser alike.
fn fnv1a(locales: &BTreeMap<String, BTreeMap<String, String>>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let pieces = locales.iter().flat_map(|(locale, texts)| {
        std::iter::once(locale.as_str()).chain(texts.iter().flat_map(|(key, text)| [key.as_str(), text.as_str()]))
    });
    for piece in pieces {
        // A separator no text holds, so that ("ab", "c") and ("a", "bc") differ.
        for byte in piece.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// One static of sorted (key, text) slices per language.
fn tables(name: &str, locales: &BTreeMap<String, BTreeMap<String, String>>) -> String {
    let mut code = format!("pub static {name}: &[(&str, &[(&str, &str)])] = &[\n");
    for (locale, texts) in locales {
        writeln!(code, "    ({locale:?}, &[").expect("write to a String");
        // BTreeMap iterates in key order: the slice is sorted for binary search.
        for (key, text) in texts {
            writeln!(code, "        ({key:?}, {text:?}),").expect("write to a String");
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");
    code
}
