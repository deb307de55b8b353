//! Accounts, roles and sessions (8.7.2 three kinds of user; 9.3.2 GB/T 22239 controls).

pub mod builtin_roles;
pub mod demo_accounts;
pub mod password_policy;
pub mod types;

#[cfg(feature = "ssr")]
pub mod service;

pub use types::*;
