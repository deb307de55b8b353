//! `<option>` lists rendered as one HTML string (`inner_html` of the `<select>`).
//!
//! Why: a list of views inside `<select>` carries hydration marker comments, and Chromium's
//! parser does not reliably keep comments inside `<select>`; the browser then fails to
//! hydrate the page (seen intermittently). A `<select>` whose options are its inner HTML has
//! no markers, renders the same without JavaScript, and hydrates every time.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
            "&lt;b a=&quot;1&quot;&gt;路灯 &amp; &#39;井盖&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("张三"), "张三");
    }
}
