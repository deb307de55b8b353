//! Logging in and out, registration of the public and of enterprises.

pub mod api;
mod frame;
mod login_page;
mod register_enterprise_page;
mod register_page;
#[cfg(feature = "ssr")]
pub mod session;

pub use login_page::LoginPage;
pub use register_enterprise_page::RegisterEnterprisePage;
pub use register_page::RegisterPage;

use leptos::prelude::*;

/// The login page, in its own wasm chunk (a logged-in page never needs its code).
pub const LOGIN_PAGE: crate::modules::Page = crate::lazy_page!(login_page, __preload_login_page);
/// Registration of the public, in its own wasm chunk.
pub const REGISTER_PAGE: crate::modules::Page = crate::lazy_page!(register_page, __preload_register_page);
/// Registration of an enterprise, in its own wasm chunk.
pub const REGISTER_ENTERPRISE_PAGE: crate::modules::Page =
    crate::lazy_page!(register_enterprise_page, __preload_register_enterprise_page);

#[lazy]
fn login_page() -> AnyView {
    view! { <LoginPage /> }.into_any()
}

#[lazy]
fn register_page() -> AnyView {
    view! { <RegisterPage /> }.into_any()
}

#[lazy]
fn register_enterprise_page() -> AnyView {
    view! { <RegisterEnterprisePage /> }.into_any()
}
