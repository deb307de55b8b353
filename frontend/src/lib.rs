//! The browser entry point: everything else lives in `app`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Each module's pages are a wasm chunk of their own: fetch the chunk of the page the
    // server rendered before hydrating it (`app::modules::Page`).
    wasm_bindgen_futures::spawn_local(async {
        app::modules::preload_rendered_pages().await;
        leptos::mount::hydrate_body(app::App);
    });
}
