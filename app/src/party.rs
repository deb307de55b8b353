//! 党建引领 (clause 8.1): the party module's registers are the engine's generic pages; what
//! they cannot say is here — the party board (`/m/party/board`): the organisation tree with
//! its warnings, the 三会一课 compliance of every branch and group, and the figures by village.

pub mod api;
mod board_page;

use crate::engine::ModuleView;

/// `/m/party/board`, first in the party section for who may view the organisations.
pub const BOARD: ModuleView = ModuleView {
    module: "party",
    name: "board",
    title: "party.board.title",
    register: "organisations",
    page: || leptos::prelude::IntoAny::into_any(leptos::prelude::view! { <board_page::BoardPage /> }),
};
