//! 党建引领 (clause 8.1): the party module's registers are the engine's generic pages; what
//! they cannot say is here — the party board (`/m/party/board`): the organisation tree with
//! its warnings, the 三会一课 compliance of every branch and group, and the figures by village.

pub mod api;
mod board_page;

use leptos::prelude::*;

use crate::engine::ModuleView;

/// `/m/party/board`, first in the party section for who may view the organisations.
pub const BOARD: ModuleView = ModuleView {
    module: "party",
    name: "board",
    title: "party.board.title",
    register: "organisations",
    page: &BOARD_PAGE,
};

/// The board's code, a wasm chunk of its own: the menu that names it is in the main wasm.
pub const BOARD_PAGE: crate::modules::Page = crate::lazy_page!(PartyPage::Board, party_pages, __preload_party_pages);

/// The pages of the party module's chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PartyPage {
    Board,
}

#[lazy]
fn party_pages(page: PartyPage) -> AnyView {
    match page {
        PartyPage::Board => view! { <board_page::BoardPage /> }.into_any(),
    }
}
