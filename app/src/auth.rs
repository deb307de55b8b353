//! Logging in and out, registration of the public and of enterprises.

pub mod api;
mod frame;
mod login_page;
mod password_page;
mod register_enterprise_page;
mod register_page;
mod second_factor_page;
#[cfg(feature = "ssr")]
pub mod session;

pub use login_page::LoginPage;
pub use password_page::PasswordPage;
pub use register_enterprise_page::RegisterEnterprisePage;
pub use register_page::RegisterPage;
pub use second_factor_page::SecondFactorPage;

use leptos::prelude::*;

/// Registration of the public (its code in the registration chunk).
pub const REGISTER_PAGE: crate::modules::Page =
    crate::lazy_page!(Registration::Register, register_pages, __preload_register_pages);
/// Registration of an enterprise (its code in the registration chunk).
pub const REGISTER_ENTERPRISE_PAGE: crate::modules::Page =
    crate::lazy_page!(Registration::RegisterEnterprise, register_pages, __preload_register_pages);

/// Changing one's password (its code in the registration chunk: the other pages of a
/// password and a login frame).
pub const PASSWORD_PAGE: crate::modules::Page =
    crate::lazy_page!(Registration::Password, register_pages, __preload_register_pages);

/// Setting up or turning off one's second factor (in the registration chunk too).
pub const SECOND_FACTOR_PAGE: crate::modules::Page =
    crate::lazy_page!(Registration::SecondFactor, register_pages, __preload_register_pages);

/// The registration pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Registration {
    Register,
    RegisterEnterprise,
    Password,
    SecondFactor,
}

/// The registration pages, one wasm chunk of their own ([`crate::modules::Page`]).
#[lazy]
fn register_pages(page: Registration) -> AnyView {
    match page {
        Registration::Register => view! { <RegisterPage /> }.into_any(),
        Registration::RegisterEnterprise => view! { <RegisterEnterprisePage /> }.into_any(),
        Registration::Password => view! { <PasswordPage /> }.into_any(),
        Registration::SecondFactor => view! { <SecondFactorPage /> }.into_any(),
    }
}
