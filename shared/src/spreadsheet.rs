//! Text that goes out in a CSV file and may come back in one. A spreadsheet opening a CSV
//! file runs a cell that starts with `=`, `+`, `-` or `@` as a formula (a name registered as
//! `=HYPERLINK("http://…")` becomes a link that leaks whatever it is given: OWASP's "CSV
//! injection"). Such text goes out behind an apostrophe, which spreadsheets show as text and
//! do not keep; an import takes the apostrophe off again, so a file exported and imported back
//! holds what it held. An Excel file needs none of this: its string cells are never evaluated.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula (a tab and a
/// carriage return too, which some trim before looking).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a CSV cell that a spreadsheet keeps as text.
pub fn defused(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// A cell as imported: the text [`defused`] was given.
pub fn undefused(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_goes_out_as_text_and_comes_back_as_it_was() {
        for text in ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "+86 138", "-1", "\t=1", "沈晓燕", "", "'quoted", "a=b"]
        {
            assert_eq!(undefused(&defused(text)), text, "{text:?}");
        }
        assert_eq!(defused("=1+1"), "'=1+1");
        assert_eq!(defused("-5"), "'-5");
        assert_eq!(defused("沈晓燕"), "沈晓燕");
        assert_eq!(undefused("'quoted"), "'quoted", "an apostrophe before anything else is the user's own");
    }
}
