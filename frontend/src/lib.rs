//! The browser entry point: everything else lives in `app`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The page's texts are fetched, not compiled in (`app::i18n::texts`), and each module's
    // pages are a wasm chunk of their own: fetch both, the texts and the chunk of the page the
    // server rendered, before hydrating it (`app::modules::Page`).
    let texts = app::i18n::texts::fetch();
    wasm_bindgen_futures::spawn_local(async {
        app::modules::preload_rendered_pages().await;
        texts.await;
        leptos::mount::hydrate_body(app::App);
    });
}
