//! 图幅号: the GB/T 13989—2012 map-sheet numbers of the point last clicked on a map, computed
//! in the browser (`shared::codes::map_sheet`) at the scales a township's staff use: the
//! 1:1,000,000 sheet, and the large-scale sheets of surveys and land records.

use leptos::prelude::*;
use shared::codes::map_sheet;

use crate::dashboard::format_number;
use crate::i18n::use_locale;

/// The scales shown, by denominator.
const SHOWN: [u32; 5] = [1_000_000, 10_000, 5_000, 2_000, 500];

/// The numbers of `point` (latitude, longitude), or a hint to click the map while none is
/// chosen.
#[component]
pub fn SheetNumbers(#[prop(into)] point: Signal<Option<(f64, f64)>>) -> impl IntoView {
    let locale = use_locale();
    let rows = move || {
        let (lat, lng) = point.get()?;
        let sheets = map_sheet::sheets(lat, lng).ok()?;
        Some((lat, lng, sheets.into_iter().filter(|sheet| SHOWN.contains(&sheet.denominator)).collect::<Vec<_>>()))
    };
    view! {
        <div class="sheet-numbers" data-testid="sheet-numbers" aria-live="polite">
            {move || match rows() {
                None => view! { <p class="muted">{locale.t("map_sheet.hint")}</p> }.into_any(),
                Some((lat, lng, sheets)) => view! {
                    <p class="muted">{locale.tf("map_sheet.point", &[("lat", format!("{lat:.6}")), ("lng", format!("{lng:.6}"))])}</p>
                    <dl class="facts sheet-number-list">
                        {sheets.into_iter().map(|sheet| view! {
                            <dt>{format!("1:{}", format_number(i64::from(sheet.denominator)))}</dt>
                            <dd class="mono" data-scale=sheet.denominator>{sheet.number}</dd>
                        }).collect_view()}
                    </dl>
                }.into_any(),
            }}
        </div>
    }
}
