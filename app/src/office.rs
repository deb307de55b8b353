//! The office module's own views (8.7.1): its registers are the engine's, with generic
//! pages; an outgoing document prints in the GB/T 9704—2012 layout instead of the 登记表.

mod official_document;

use leptos::prelude::*;

use crate::engine::PrintView;
pub use official_document::OfficialDocument;

/// 发文 printed as a 公文.
pub const OUTGOING_PRINT: PrintView = PrintView {
    module: "office",
    register: "outgoing",
    view: |meta, record| view! { <OfficialDocument meta record /> }.into_any(),
};
