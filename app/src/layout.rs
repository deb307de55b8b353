//! The three layouts: the PC console and the phone share one responsive shell; the big
//! screen is a kiosk page of its own.

mod app_shell;
mod screen;
mod screen_events;
mod screen_registers;
mod screen_situation;

pub use app_shell::AppShell;
pub use screen::ScreenPage;
