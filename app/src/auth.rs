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
