//! What a module adds to its registers' record pages, below the facts. The engine's pages
//! show any register's fields; a register whose records have more to say than their fields —
//! a station's readings — names its panel here, one line each.

use leptos::prelude::*;

use super::Meta;

/// The module's panel for record `id` of the register `meta` describes, if it has one.
pub fn record_panel(meta: &Meta, id: i64) -> Option<AnyView> {
    let is = |module: &shared::engine::Module, register: &shared::engine::Register| {
        meta.module == module.name && meta.name == register.name
    };
    if is(&shared::sensing::MODULE, &shared::sensing::STATIONS) {
        return Some(view! { <crate::sensing::StationChartPanel station=id /> }.into_any());
    }
    None
}
