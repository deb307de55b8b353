//! `<option>` lists rendered as one HTML string (`inner_html` of the `<select>`).
//!
//! Why: a list of views inside `<select>` carries hydration marker comments, and Chromium's
//! parser does not reliably keep comments inside `<select>`; the browser then fails to
//! hydrate the page (seen intermittently). A `<select>` whose options are its inner HTML has
//! no markers, renders the same without JavaScript, and hydrates every time.

/// Escapes text for HTML content and (quoted) attribute values: `&`, `<`, `>`, `"` and `'`.
/// The one escaping function of every string this crate writes as raw HTML itself (option
/// lists, the map's tooltips, the server-rendered document title), from the crate Leptos
/// escapes its own output with.
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

/// One `<option>`.
pub fn option(value: impl std::fmt::Display, label: &str, selected: bool) -> String {
    format!(
        "<option value=\"{}\"{}>{}</option>",
        escape(&value.to_string()),
        if selected { " selected" } else { "" },
        escape(label)
    )
}

/// An `<optgroup>` around options made with [`option`].
pub fn group(label: &str, options: &str) -> String {
    format!("<optgroup label=\"{}\">{options}</optgroup>", escape(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_escaped_and_marked() {
        assert_eq!(option(3, "A&B <x>", true), "<option value=\"3\" selected>A&amp;B &lt;x&gt;</option>");
        assert_eq!(group("\"g\"", ""), "<optgroup label=\"&quot;g&quot;\"></optgroup>");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<b a="1">路灯 & '井盖'</b>"#),
            "&lt;b a=&quot;1&quot;&gt;路灯 &amp; &#x27;井盖&#x27;&lt;/b&gt;"
        );
        assert_eq!(escape("张三"), "张三");
    }
}
