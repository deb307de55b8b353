//! A horizontal bar chart in plain HTML and CSS: readable without JavaScript, by screen
//! readers (it is a list of label and value), and at any size.

use leptos::prelude::*;

#[component]
pub fn BarChart(
    /// Accessible name of the chart.
    #[prop(into)]
    label: String,
    rows: Vec<(String, i64)>,
    #[prop(optional, into)] unit: String,
) -> impl IntoView {
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <ul class="bar-chart" aria-label=label>
            {rows
                .into_iter()
                .map(|(name, value)| {
                    let width = format!("width: {:.1}%", value as f64 * 100.0 / max as f64);
                    let unit = unit.clone();
                    view! {
                        <li class="bar-row">
                            <span class="bar-label">{name}</span>
                            <span class="bar-track" aria-hidden="true">
                                <span class="bar-fill" style=width></span>
                            </span>
                            <span class="bar-value">{format_number(value)}{unit}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Thousands separated by commas, as Chinese statistics are printed.
pub fn format_number(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn groups_thousands() {
        assert_eq!(format_number(0), "0");
        assert_eq!(format_number(999), "999");
        assert_eq!(format_number(20_431), "20,431");
        assert_eq!(format_number(-1_234_567), "-1,234,567");
    }
}
