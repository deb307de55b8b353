//! `/base/catalogue`: 数据目录 (clause 7.3) — every thematic dataset (each register of the
//! module engine) with its module and clause, owning department, update frequency, sharing
//! level, fields, and the records the user may see with their last change. A table on PC,
//! cards on the phone; each dataset opens its list.

use leptos::prelude::*;
use shared::engine::Count;
use shared::engine::catalogue::Dataset;

use super::api::read_catalogue;
use crate::components::{ErrorAlert, PageHeader};
use crate::dashboard::format_number;
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let locale = use_locale();
    let datasets = resource(|| (), |_| read_catalogue());
    view! {
        <PageHeader title="nav.catalogue" section="nav.section.base" description="catalogue.description" />
        <section class="card">
            <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match datasets.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(datasets) => view! { <Catalogue locale datasets /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Catalogue(locale: Locale, datasets: Vec<Dataset>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table stack-mobile" data-testid="catalogue">
                <caption class="visually-hidden">{locale.t("nav.catalogue")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{locale.t("catalogue.dataset")}</th>
                        <th scope="col">{locale.t("catalogue.module")}</th>
                        <th scope="col">{locale.t("catalogue.owner")}</th>
                        <th scope="col">{locale.t("catalogue.frequency")}</th>
                        <th scope="col">{locale.t("catalogue.sharing")}</th>
                        <th scope="col">{locale.t("catalogue.fields")}</th>
                        <th scope="col">{locale.t("catalogue.records")}</th>
                        <th scope="col">{locale.t("catalogue.updated")}</th>
                    </tr>
                </thead>
                <tbody>{datasets.into_iter().map(|dataset| view! { <Row locale dataset /> }).collect_view()}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(locale: Locale, dataset: Dataset) -> impl IntoView {
    let sharing_class = match dataset.sharing.as_str() {
        "open" => "badge badge-ok",
        "conditional" => "badge badge-info",
        _ => "badge badge-muted",
    };
    let records = match dataset.records {
        Some(Count::Exact(n)) => format_number(n as i64),
        Some(Count::AtLeast(n)) => locale.tf("engine.count_at_least", &[("n", format_number(n as i64))]),
        None => "—".to_owned(),
    };
    let updated = dataset
        .last_updated
        .map(|at| shared::time::local(at).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "—".to_owned());
    let path = format!("/m/{}/{}", dataset.module, dataset.register);
    let fields = dataset
        .fields
        .iter()
        .map(|field| if field.required { format!("{}*", field.label) } else { field.label.clone() })
        .collect::<Vec<_>>()
        .join("、");
    let summary = locale.tf("catalogue.field_count", &[("n", dataset.fields.len().to_string())]);
    view! {
        <tr data-dataset=format!("{}.{}", dataset.module, dataset.register) data-sharing=dataset.sharing.clone()>
            <th scope="row" data-label=locale.t("catalogue.dataset")>
                {if dataset.records.is_some() {
                    view! { <a href=path>{dataset.title.clone()}</a> }.into_any()
                } else {
                    view! { <span>{dataset.title.clone()}</span> }.into_any()
                }}
            </th>
            <td data-label=locale.t("catalogue.module")>{format!("{} · {}", dataset.module_title, dataset.clause)}</td>
            <td data-label=locale.t("catalogue.owner")>{dataset.owner.clone()}</td>
            <td data-label=locale.t("catalogue.frequency")>{locale.t(&format!("catalogue.frequency_of.{}", dataset.update_frequency))}</td>
            <td data-label=locale.t("catalogue.sharing")>
                <span class=sharing_class>{locale.t(&format!("catalogue.sharing_of.{}", dataset.sharing))}</span>
            </td>
            <td data-label=locale.t("catalogue.fields")>
                <details>
                    <summary>{summary}</summary>
                    <p class="muted">{fields}</p>
                </details>
            </td>
            <td data-label=locale.t("catalogue.records") class="num" data-records=records.clone()>{records.clone()}</td>
            <td data-label=locale.t("catalogue.updated")>{updated}</td>
        </tr>
    }
}
