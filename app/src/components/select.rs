//! `<Select>`: every drop-down of the app, its options given as values and labels.
//!
//! The options are written as the `<select>`'s inner HTML (see [`super::options`] for why:
//! option views inside a `<select>` carry hydration markers Chromium may drop), rebuilt
//! whenever the choices or the chosen value change.

use std::fmt::Display;

use leptos::prelude::*;

use super::options::{group, option};

/// One entry of a [`Select`]: an option, or a labelled group of options.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    Item { value: String, label: String },
    Group { label: String, items: Vec<Choice> },
}

impl Choice {
    /// An option with its value (an id, a code) and its label.
    pub fn new(value: impl Display, label: impl Into<String>) -> Self {
        Choice::Item { value: value.to_string(), label: label.into() }
    }

    /// The option with the empty value: "all", "none", "choose one…".
    pub fn empty(label: impl Into<String>) -> Self {
        Choice::new("", label)
    }

    /// An `<optgroup>` of options.
    pub fn group(label: impl Into<String>, items: impl IntoIterator<Item = Choice>) -> Self {
        Choice::Group { label: label.into(), items: items.into_iter().collect() }
    }
}

/// The options as HTML, the one whose value is `selected` marked.
pub fn choices_html(choices: &[Choice], selected: &str) -> String {
    choices
        .iter()
        .map(|choice| match choice {
            Choice::Item { value, label } => option(value, label, value == selected),
            Choice::Group { label, items } => group(label, &choices_html(items, selected)),
        })
        .collect()
}

/// A drop-down. Without JavaScript it posts `name` with the form like any `<select>`; with
/// it, `on_change` hears each new value.
#[component]
pub fn Select(
    #[prop(into)] id: String,
    /// The form field's name; none for a control that only drives the page.
    #[prop(optional, into)]
    name: Option<String>,
    /// The options in order. A closure or signal is followed.
    #[prop(into)]
    choices: Signal<Vec<Choice>>,
    /// The value chosen at first ("" or nothing: the empty option, else the first).
    #[prop(optional, into)]
    selected: Signal<String>,
    #[prop(optional)] required: bool,
    /// Shown while what the options come from is loading.
    #[prop(optional)]
    disabled: bool,
    #[prop(optional, into)] described_by: Option<String>,
    #[prop(optional, into)] on_change: Option<Callback<String>>,
) -> impl IntoView {
    let html = move || choices.with(|choices| selected.with(|selected| choices_html(choices, selected)));
    view! {
        <select
            id=id
            name=name
            required=required
            disabled=disabled
            aria-describedby=described_by
            on:change=move |ev| {
                if let Some(on_change) = on_change {
                    on_change.run(event_target_value(&ev));
                }
            }
            inner_html=html
        ></select>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_value_is_marked_inside_groups_too() {
        let choices =
            vec![Choice::empty("全部"), Choice::group("市容", [Choice::new(3, "占道"), Choice::new(4, "垃圾")])];
        assert_eq!(
            choices_html(&choices, "4"),
            "<option value=\"\">全部</option><optgroup label=\"市容\"><option value=\"3\">占道</option>\
             <option value=\"4\" selected>垃圾</option></optgroup>"
        );
        assert!(choices_html(&choices, "").starts_with("<option value=\"\" selected>"));
    }
}
