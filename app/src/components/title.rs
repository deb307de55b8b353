//! The document title: the one way a page sets it.
//!
//! `leptos_meta` 0.8 writes the title's text into the server-rendered `<head>` as it is
//! (`ServerMetaContextOutput::inject_meta_context` pushes `<title>`, the text, `</title>`
//! without escaping), while in the browser it sets `document.title`, which is plain text. A
//! report titled `</title><img src=x onerror=…>` would otherwise close the title and run
//! script in the head of the detail page. So the text is escaped here, and only while the
//! server renders the page (a `ServerMetaContext` is provided then); the browser gets the
//! text as it is. Pages never use `leptos_meta::Title` with a text directly (a test below
//! reads the sources to hold that).

use leptos::prelude::*;
use leptos_meta::{ServerMetaContext, Title};

use super::options::escape;

/// Sets the document title to `text` (the shell's formatter adds the platform's name).
#[component]
pub fn DocumentTitle(#[prop(into)] text: String) -> impl IntoView {
    let text = if use_context::<ServerMetaContext>().is_some() { escape(&text) } else { text };
    view! { <Title text /> }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every `.rs` file under `dir`, recursively.
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("the app's sources are readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// A page that set the title with `leptos_meta::Title` directly would put its text into
    /// the head unescaped: only this file may (the shell's formatter, which has no text, is
    /// the other use).
    #[test]
    fn pages_set_the_title_only_through_document_title() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        let mut offenders = Vec::new();
        for file in files {
            if file.ends_with("components/title.rs") {
                continue;
            }
            let source = std::fs::read_to_string(&file).expect("a source file is readable");
            let text = source.as_str();
            // Every `<Title …>` or `<leptos_meta::Title …>` tag, up to its end.
            let tags = ["<Title", "<leptos_meta::Title"]
                .into_iter()
                .flat_map(|open| text.match_indices(open).map(move |(at, _)| &text[at + open.len()..]));
            let with_text = tags.filter(|rest| rest.starts_with(char::is_whitespace)).any(|rest| {
                let tag = &rest[..rest.find("/>").unwrap_or(rest.len())];
                tag.split_whitespace().any(|word| word == "text" || word.starts_with("text="))
            });
            if with_text {
                offenders.push(file.display().to_string());
            }
        }
        assert!(offenders.is_empty(), "use components::DocumentTitle instead of leptos_meta::Title in {offenders:?}");
    }

    /// Server rendering: markup in a title arrives in the head as text.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_rendered_title_is_escaped() {
        use futures_util::StreamExt;
        use leptos::prelude::*;
        use leptos_meta::ServerMetaContext;

        use super::DocumentTitle;

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let head = runtime.block_on(async {
            let _ = any_spawner::Executor::init_tokio();
            let owner = Owner::new();
            owner.set();
            let (meta, output) = ServerMetaContext::new();
            provide_context(meta);
            leptos_meta::provide_meta_context();
            let title = r#"</title><img src=x onerror=alert(document.domain)> & "x" 'y'"#;
            let body = view! { <DocumentTitle text=title /> }.to_html();
            let page = format!("<html><head><!--HEAD--></head><body>{body}</body></html>");
            let stream = output.inject_meta_context(futures_util::stream::iter([page])).await;
            stream.collect::<Vec<String>>().await.concat()
        });
        assert!(
            head.contains(
                "<title>&lt;/title&gt;&lt;img src=x onerror=alert(document.domain)&gt; &amp; &quot;x&quot; &#x27;y&#x27;</title>"
            ),
            "{head}"
        );
        assert!(!head.contains("<img"), "{head}");
    }
}
