//! `/events/settings`: what the event loop runs on — the routing table (category × place →
//! department), the categories with their deadlines in working hours, what a category asks
//! of a report (its attributes, which Open311 clients show as questions), and the working
//! calendar (the State Council's holidays and make-up working days). Every form is a plain
//! POST form that also works without JavaScript.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use shared::error::AppError;
use shared::events::calendar::DayKind;
use shared::events::{Category, RoutingRule};

use super::api::{
    DeleteRoutingRule, RemoveCategoryAttribute, SaveCategory, SaveCategoryAttribute, SaveRoutingRule, SetCalendarDay,
    all_categories, calendar_days, category_attributes, event_options, routing_rules,
};
use crate::components::{
    Choice, ErrorAlert, ErrorBanner, Field, PageHeader, Select, error_message, field_errors, last_error,
};
use crate::i18n::{Locale, use_locale};
use crate::wire::resource;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <PageHeader title="nav.event_settings" section="nav.section.events" description="settings.description" />
        <RoutingCard />
        <CategoriesCard />
        <AttributesCard />
        <CalendarCard />
    }
}

/// The translated error codes of one field, as an inline message (or nothing).
fn inline_errors(locale: Locale, codes: Signal<Vec<shared::error::ErrorCode>>, id: String) -> impl IntoView {
    move || {
        let codes = codes.get();
        (!codes.is_empty()).then(|| {
            let text = codes.iter().map(|c| locale.t(&format!("errors.{c}"))).collect::<Vec<_>>().join("；");
            view! { <p class="field-error" id=id.clone() role="alert">{text}</p> }
        })
    }
}

// ---------------------------------------------------------------------------------------
// 派遣规则

#[component]
fn RoutingCard() -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveRoutingRule>::new();
    let delete = ServerAction::<DeleteRoutingRule>::new();
    let rules = resource(move || (save.version().get(), delete.version().get()), |_| routing_rules());
    let options = resource(|| (), |_| event_options());
    let save_error = last_error(save.value());
    let errors = move |field| field_errors(save_error, field);
    let saved = move || save.value().get().is_some_and(|r| r.is_ok());
    let deleted = move || delete.value().get().is_some_and(|r| r.is_ok());
    view! {
        <section class="card" aria-labelledby="routing-title">
            <h2 class="card-title" id="routing-title">{locale.t("settings.routing.title")}</h2>
            <p class="muted">{locale.t("settings.routing.hint")}</p>
            {move || saved().then(|| view! { <div class="alert alert-success" role="status">{locale.t("settings.routing.saved")}</div> })}
            {move || deleted().then(|| view! { <div class="alert alert-success" role="status">{locale.t("settings.routing.deleted")}</div> })}
            <ErrorBanner error=last_error(delete.value()) />
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match rules.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(rules) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile routing-table">
                                    <caption class="visually-hidden">{locale.t("settings.routing.title")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{locale.t("settings.routing.category")}</th>
                                            <th scope="col">{locale.t("settings.routing.village")}</th>
                                            <th scope="col">{locale.t("settings.routing.grid")}</th>
                                            <th scope="col">{locale.t("settings.routing.department")}</th>
                                            <th scope="col">{locale.t("table.actions")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rules.is_empty().then(|| view! { <tr><td class="table-empty" colspan="5">{locale.t("table.empty")}</td></tr> })}
                                        {rules.into_iter().map(|rule| view! { <RuleRow rule delete /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
            <h3 class="settings-subtitle">{locale.t("settings.routing.add")}</h3>
            <ErrorBanner error=save_error />
            <ActionForm action=save attr:class="form routing-form" attr:novalidate=true>
                <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                    {move || Suspend::new(async move {
                        let options = options.await.unwrap_or_default();
                        let parents: Vec<Category> = options.categories.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                        let village_name = |id: i32| {
                            options.villages.iter().find(|v| v.id == id).map(|v| v.name.clone()).unwrap_or_default()
                        };
                        let grids: Vec<(i32, String)> = options
                            .grids
                            .iter()
                            .map(|(id, village_id, name)| (*id, format!("{} · {name}", village_name(*village_id))))
                            .collect();
                        view! {
                            <div class="form-row">
                                <div class="field" class:has-error=move || !errors("category_id").get().is_empty()>
                                    <label for="routing-category">{locale.t("settings.routing.category")}</label>
                                    <Select
                                        id="routing-category"
                                        name="form[category_id]"
                                        described_by="routing-category-error"
                                        choices={std::iter::once(Choice::empty(locale.t("settings.routing.any_category")))
                                            .chain(parents.iter().map(|parent| {
                                                let whole = Choice::new(
                                                    parent.id,
                                                    locale.tf("settings.routing.whole_category", &[("name", parent.name.clone())]),
                                                );
                                                let children = options
                                                    .categories
                                                    .iter()
                                                    .filter(|c| c.parent_id == Some(parent.id))
                                                    .map(|c| Choice::new(c.id, c.name.clone()));
                                                Choice::group(parent.name.clone(), std::iter::once(whole).chain(children))
                                            }))
                                            .collect::<Vec<_>>()}
                                    />
                                    {inline_errors(locale, errors("category_id"), "routing-category-error".into())}
                                </div>
                                <div class="field" class:has-error=move || !errors("department_id").get().is_empty()>
                                    <label for="routing-department" class="required">{locale.t("settings.routing.department")}</label>
                                    <Select
                                        id="routing-department"
                                        name="form[department_id]"
                                        required=true
                                        described_by="routing-department-error"
                                        choices={std::iter::once(Choice::empty(locale.t("settings.routing.choose_department")))
                                            .chain(options.departments.iter().map(|d| Choice::new(d.id, d.name.clone())))
                                            .collect::<Vec<_>>()}
                                    />
                                    {inline_errors(locale, errors("department_id"), "routing-department-error".into())}
                                </div>
                            </div>
                            <div class="form-row">
                                <div class="field" class:has-error=move || !errors("village_id").get().is_empty()>
                                    <label for="routing-village">{locale.t("settings.routing.village")}</label>
                                    <Select
                                        id="routing-village"
                                        name="form[village_id]"
                                        described_by="routing-village-error"
                                        choices={std::iter::once(Choice::empty(locale.t("settings.routing.whole_town")))
                                            .chain(options.villages.iter().map(|v| Choice::new(v.id, v.name.clone())))
                                            .collect::<Vec<_>>()}
                                    />
                                    {inline_errors(locale, errors("village_id"), "routing-village-error".into())}
                                </div>
                                <div class="field" class:has-error=move || !errors("grid_id").get().is_empty()>
                                    <label for="routing-grid">{locale.t("settings.routing.grid")}</label>
                                    <Select
                                        id="routing-grid"
                                        name="form[grid_id]"
                                        described_by="routing-grid-hint routing-grid-error"
                                        choices={std::iter::once(Choice::empty(locale.t("settings.routing.any_grid")))
                                            .chain(grids.iter().map(|(id, name)| Choice::new(id, name.clone())))
                                            .collect::<Vec<_>>()}
                                    />
                                    <p class="field-hint" id="routing-grid-hint">{locale.t("settings.routing.grid_hint")}</p>
                                    {inline_errors(locale, errors("grid_id"), "routing-grid-error".into())}
                                </div>
                            </div>
                        }
                    })}
                </Suspense>
                <div class="cluster">
                    <button class="btn btn-primary" type="submit" aria-busy=move || save.pending().get().then_some("true")>{locale.t("settings.routing.save")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn RuleRow(rule: RoutingRule, delete: ServerAction<DeleteRoutingRule>) -> impl IntoView {
    let locale = use_locale();
    let is_default = rule.category_id.is_none() && rule.village_id.is_none() && rule.grid_id.is_none();
    let category = rule.category.clone().unwrap_or_else(|| locale.t("settings.routing.any_category"));
    let village = rule.village.clone().unwrap_or_else(|| locale.t("settings.routing.whole_town"));
    let grid = rule.grid.clone().unwrap_or_else(|| "—".into());
    let description = format!("{category} · {village} · {grid} → {}", rule.department);
    view! {
        <tr>
            <td data-label=locale.t("settings.routing.category")>
                <span>
                    {category.clone()}
                    {is_default.then(|| view! { " " <span class="badge badge-info">{locale.t("settings.routing.default")}</span> })}
                </span>
            </td>
            <td data-label=locale.t("settings.routing.village")>{village}</td>
            <td data-label=locale.t("settings.routing.grid")>{grid}</td>
            <td data-label=locale.t("settings.routing.department")>{rule.department.clone()}</td>
            <td data-label=locale.t("table.actions")>
                {if is_default {
                    view! { <span class="muted">{locale.t("settings.routing.default_hint")}</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=delete>
                            <input type="hidden" name="id" value=rule.id />
                            <button
                                class="btn btn-ghost btn-small"
                                type="submit"
                                aria-label=locale.tf("settings.routing.delete_label", &[("rule", description)])
                            >
                                {locale.t("settings.routing.delete")}
                            </button>
                        </ActionForm>
                    }
                    .into_any()
                }}
            </td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------
// 类别附加信息 (Open311 service attributes)

#[component]
fn AttributesCard() -> impl IntoView {
    use shared::events::attributes::{AttributeType, choices_text};
    let locale = use_locale();
    let save = ServerAction::<SaveCategoryAttribute>::new();
    let remove = ServerAction::<RemoveCategoryAttribute>::new();
    let data = resource(
        move || (save.version().get(), remove.version().get()),
        |_| async { Ok::<_, AppError>((all_categories().await?, category_attributes().await?)) },
    );
    let error = last_error(save.value());
    let errors = move |field| field_errors(error, field);
    let query = use_query_map();
    let saved =
        move || query.read().get("attribute_saved").is_some() || query.read().get("attribute_removed").is_some();
    let types: Vec<Choice> =
        AttributeType::ALL.iter().map(|t| Choice::new(t.as_str(), locale.t(t.i18n_key()))).collect();
    let t = move |key: &str| locale.t(&format!("settings.attributes.{key}"));
    view! {
        <section class="card" aria-labelledby="attributes-title" data-testid="category-attributes">
            <h2 class="card-title" id="attributes-title">{t("title")}</h2>
            <p class="muted">{t("hint")}</p>
            <Show when=saved>
                <p class="alert alert-success" role="status">{t("saved")}</p>
            </Show>
            <ErrorBanner error=last_error(remove.value()) />
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || {
                    let types = types.clone();
                    Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok((categories, attributes)) => {
                            let name_of = |id: i32| categories.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default();
                            let leaves: Vec<Choice> = categories
                                .iter()
                                .filter(|c| c.parent_id.is_some())
                                .map(|c| Choice::new(c.id.to_string(), format!("{} {}", c.code, c.name)))
                                .collect();
                            let rows = attributes
                                .into_iter()
                                .map(|a| {
                                    let label = format!("{} · {}", name_of(a.category_id), a.description);
                                    view! {
                                        <tr>
                                            <td data-label=t("category")>{name_of(a.category_id)}</td>
                                            <td data-label=t("code")><code>{a.code.clone()}</code></td>
                                            <td data-label=t("description")>{a.description.clone()}</td>
                                            <td data-label=t("datatype")>{locale.t(a.datatype.i18n_key())}</td>
                                            <td data-label=t("required")>{if a.required { t("yes") } else { t("no") }}</td>
                                            <td data-label=t("choices")>{choices_text(&a.choices).replace('\n', "；")}</td>
                                            <td data-label=locale.t("table.actions")>
                                                <ActionForm action=remove>
                                                    <input type="hidden" name="id" value=a.id />
                                                    <button class="btn btn-ghost btn-small" type="submit"
                                                        aria-label=locale.tf("settings.attributes.remove_label", &[("attribute", label)])>
                                                        {t("remove")}
                                                    </button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="table-wrap">
                                    <table class="data-table stack-mobile settings-table">
                                        <caption class="visually-hidden">{t("title")}</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">{t("category")}</th>
                                                <th scope="col">{t("code")}</th>
                                                <th scope="col">{t("description")}</th>
                                                <th scope="col">{t("datatype")}</th>
                                                <th scope="col">{t("required")}</th>
                                                <th scope="col">{t("choices")}</th>
                                                <th scope="col">{locale.t("table.actions")}</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                                <h3 class="card-subtitle">{t("new")}</h3>
                                <ErrorBanner error />
                                <ActionForm action=save attr:class="form" attr:novalidate=true>
                                    <div class="form-grid">
                                        <div class="field">
                                            <label for="attribute-category" class="required">{t("category")}</label>
                                            <Select id="attribute-category" name="form[category_id]" choices=leaves required=true />
                                        </div>
                                        <Field label="settings.attributes.code" name="code" id="attribute-code" arg="form" required=true autocomplete="off" hint="settings.attributes.code_hint" errors=errors("code") />
                                        <Field label="settings.attributes.description" name="description" id="attribute-description" arg="form" required=true errors=errors("description") />
                                        <div class="field">
                                            <label for="attribute-datatype" class="required">{t("datatype")}</label>
                                            <Select id="attribute-datatype" name="form[datatype]" choices=types required=true />
                                        </div>
                                        <div class="field">
                                            <label for="attribute-choices">{t("choices")}</label>
                                            <textarea id="attribute-choices" name="form[choices]" rows="3" placeholder="off=不亮"></textarea>
                                            <p class="field-hint">{t("choices_hint")}</p>
                                            {inline_errors(locale, errors("choices"), "attribute-choices-error".into())}
                                        </div>
                                        <label class="checkbox">
                                            <input type="checkbox" name="form[required]" value="1" />
                                            {t("required")}
                                        </label>
                                    </div>
                                    <div class="form-actions">
                                        <button class="btn btn-primary" type="submit" data-testid="attribute-save"
                                            aria-busy=move || save.pending().get().to_string()>{t("save")}</button>
                                    </div>
                                </ActionForm>
                            }
                            .into_any()
                        }
                    }
                })}}
            </Transition>
        </section>
    }
}

// ---------------------------------------------------------------------------------------
// 事件类别与处置时限

/// Parents in their order, each followed by its children; children whose parent is not in
/// the list come last.
fn category_tree(categories: Vec<Category>) -> Vec<(Category, bool)> {
    let mut out = Vec::with_capacity(categories.len());
    for parent in categories.iter().filter(|c| c.parent_id.is_none()) {
        out.push((parent.clone(), false));
        out.extend(categories.iter().filter(|c| c.parent_id == Some(parent.id)).map(|c| (c.clone(), true)));
    }
    let orphans: Vec<Category> = categories
        .iter()
        .filter(|c| c.parent_id.is_some_and(|p| !categories.iter().any(|parent| parent.id == p)))
        .cloned()
        .collect();
    out.extend(orphans.into_iter().map(|c| (c, true)));
    out
}

#[component]
fn CategoriesCard() -> impl IntoView {
    let locale = use_locale();
    let categories = resource(|| (), |_| all_categories());
    view! {
        <section class="card" aria-labelledby="categories-title">
            <h2 class="card-title" id="categories-title">{locale.t("settings.categories.title")}</h2>
            <p class="muted">{locale.t("settings.categories.hint")}</p>
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match categories.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(categories) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile settings-table category-table">
                                    <caption class="visually-hidden">{locale.t("settings.categories.title")}</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{locale.t("settings.categories.name")}</th>
                                            <th scope="col">{locale.t("settings.categories.active")}</th>
                                            <th scope="col" class="num">{locale.t("settings.categories.hours_normal")}</th>
                                            <th scope="col" class="num">{locale.t("settings.categories.hours_urgent")}</th>
                                            <th scope="col" class="num">{locale.t("settings.categories.hours_critical")}</th>
                                            <th scope="col">{locale.t("table.actions")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {categories.is_empty().then(|| view! { <tr><td class="table-empty" colspan="6">{locale.t("table.empty")}</td></tr> })}
                                        {category_tree(categories)
                                            .into_iter()
                                            .map(|(category, child)| view! { <CategoryRow category child /> })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One category, editable in place: the inputs sit in the row's cells and belong to the
/// form in the last cell through their `form` attribute (a form cannot wrap a table row).
#[component]
fn CategoryRow(category: Category, child: bool) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SaveCategory>::new();
    let error = last_error(save.value());
    let errors = move |field| field_errors(error, field);
    let form_id = format!("category-form-{}", category.id);
    let name = category.name.clone();
    let label = move |column: &str| {
        locale.tf("settings.categories.input_label", &[("name", name.clone()), ("field", locale.t(column))])
    };
    let hours_cell = {
        let form_id = form_id.clone();
        let label = label.clone();
        move |field: &'static str, value: i32| {
            let column = format!("settings.categories.{field}");
            let error_id = format!("{}-{field}-error", form_id);
            let invalid = move || if errors(field).get().is_empty() { "false" } else { "true" };
            view! {
                <td class="num" data-label=locale.t(&column)>
                    <div>
                        <input
                            type="number"
                            name=format!("form[{field}]")
                            form=form_id.clone()
                            value=value
                            min="1"
                            max="2000"
                            step="1"
                            inputmode="numeric"
                            required=true
                            aria-label=label(&column)
                            aria-invalid=invalid
                            aria-describedby=error_id.clone()
                        />
                        {inline_errors(locale, errors(field), error_id.clone())}
                    </div>
                </td>
            }
        }
    };
    let name_error_id = format!("{form_id}-name-error");
    // Errors that belong to no input (no permission, gone, network) are said next to the button.
    let other_error = move || {
        error.get().filter(|e| !matches!(e, AppError::Validation(_))).map(|e| {
            view! { <p class="field-error" role="alert">{error_message(locale, &e)}</p> }
        })
    };
    let saved = move || {
        save.value()
            .get()
            .is_some_and(|r| r.is_ok())
            .then(|| view! { <span class="badge badge-ok" role="status">{locale.t("settings.saved")}</span> })
    };
    view! {
        <tr class:category-child=child>
            <td data-label=locale.t("settings.categories.name")>
                <div>
                    <div class="category-name">
                        {child.then(|| view! { <span class="category-branch" aria-hidden="true">"└"</span> })}
                        <input
                            type="text"
                            name="form[name]"
                            form=form_id.clone()
                            value=category.name.clone()
                            maxlength="20"
                            required=true
                            aria-label=label("settings.categories.name")
                            aria-invalid=move || if errors("name").get().is_empty() { "false" } else { "true" }
                            aria-describedby=name_error_id.clone()
                        />
                    </div>
                    <span class="muted mono category-code">{category.code.clone()}</span>
                    {inline_errors(locale, errors("name"), name_error_id.clone())}
                </div>
            </td>
            <td data-label=locale.t("settings.categories.active")>
                <label class="checkbox">
                    <input type="checkbox" name="form[active]" value="1" form=form_id.clone() checked=category.active />
                    <span class="visually-hidden">{label("settings.categories.active")}</span>
                    <span aria-hidden="true">{locale.t("settings.categories.active_short")}</span>
                </label>
            </td>
            {hours_cell("hours_normal", category.hours_normal)}
            {hours_cell("hours_urgent", category.hours_urgent)}
            {hours_cell("hours_critical", category.hours_critical)}
            <td data-label=locale.t("table.actions")>
                <div>
                    <ActionForm action=save attr:id=form_id.clone() attr:class="cluster">
                        <input type="hidden" name="form[id]" value=category.id />
                        <button
                            class="btn btn-primary btn-small"
                            type="submit"
                            aria-label=locale.tf("settings.categories.save_label", &[("name", category.name.clone())])
                            aria-busy=move || save.pending().get().then_some("true")
                        >
                            {locale.t("settings.categories.save")}
                        </button>
                        {saved}
                    </ActionForm>
                    {other_error}
                </div>
            </td>
        </tr>
    }
}

// ---------------------------------------------------------------------------------------
// 工作日历

fn china_year() -> i32 {
    shared::time::today().year()
}

#[component]
fn CalendarCard() -> impl IntoView {
    let locale = use_locale();
    let params = use_query_map();
    let current = china_year();
    let year = Memo::new(move |_| {
        params
            .read()
            .get("year")
            .and_then(|y| y.trim().parse::<i32>().ok())
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or(current)
    });
    let set_day = ServerAction::<SetCalendarDay>::new();
    let days = resource(move || (year.get(), set_day.version().get()), |(year, _)| calendar_days(year));
    let error = last_error(set_day.value());
    let errors = move |field| field_errors(error, field);
    let saved = move || set_day.value().get().is_some_and(|r| r.is_ok());
    view! {
        <section class="card" aria-labelledby="calendar-title">
            <h2 class="card-title" id="calendar-title">{locale.t("settings.calendar.title")}</h2>
            <p class="muted">{locale.t("settings.calendar.hint")}</p>
            <Form method="GET" action="/events/settings" attr:class="table-toolbar" attr:aria-label=locale.t("settings.calendar.year")>
                <div class="field">
                    <label for="calendar-year">{locale.t("settings.calendar.year")}</label>
                    <Select
                        id="calendar-year"
                        name="year"
                        choices=move || {
                            let selected = year.get();
                            (selected.min(current - 1)..=selected.max(current + 1))
                                .map(|y| Choice::new(y, locale.tf("settings.calendar.year_n", &[("n", y.to_string())])))
                                .collect::<Vec<_>>()
                        }
                        selected=move || year.get().to_string()
                    />
                </div>
                <button class="btn btn-ghost" type="submit">{locale.t("settings.calendar.show")}</button>
            </Form>
            {move || saved().then(|| view! { <div class="alert alert-success" role="status">{locale.t("settings.calendar.saved")}</div> })}
            <ErrorBanner error />
            <Transition fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
                {move || Suspend::new(async move {
                    match days.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(days) => view! {
                            <div class="table-wrap">
                                <table class="data-table stack-mobile calendar-table">
                                    <caption class="visually-hidden">
                                        {locale.tf("settings.calendar.caption", &[("n", year.get_untracked().to_string())])}
                                    </caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{locale.t("settings.calendar.day")}</th>
                                            <th scope="col">{locale.t("settings.calendar.kind")}</th>
                                            <th scope="col">{locale.t("settings.calendar.name")}</th>
                                            <th scope="col">{locale.t("table.actions")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {days.is_empty().then(|| view! { <tr><td class="table-empty" colspan="4">{locale.t("settings.calendar.empty")}</td></tr> })}
                                        {days
                                            .into_iter()
                                            .map(|day| {
                                                view! { <CalendarRow day=day.day kind=day.kind name=day.name set_day /> }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
            <h3 class="settings-subtitle">{locale.t("settings.calendar.add")}</h3>
            <ActionForm action=set_day attr:class="form" attr:novalidate=true>
                <div class="form-row calendar-form">
                    <Field label="settings.calendar.day" name="day" kind="date" required=true errors=errors("day") />
                    <div class="field" class:has-error=move || !errors("kind").get().is_empty()>
                        <label for="calendar-kind" class="required">{locale.t("settings.calendar.kind")}</label>
                        <Select
                            id="calendar-kind"
                            name="kind"
                            described_by="calendar-kind-error"
                            choices={vec![
                                Choice::new(DayKind::Holiday.as_str(), locale.t("settings.calendar.holiday")),
                                Choice::new(DayKind::Workday.as_str(), locale.t("settings.calendar.workday")),
                            ]}
                        />
                        {inline_errors(locale, errors("kind"), "calendar-kind-error".into())}
                    </div>
                    <Field label="settings.calendar.name" name="name" required=true hint="settings.calendar.name_hint" errors=errors("name") />
                </div>
                <div class="cluster">
                    <button class="btn btn-primary" type="submit" aria-busy=move || set_day.pending().get().then_some("true")>{locale.t("settings.calendar.save")}</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn CalendarRow(day: NaiveDate, kind: DayKind, name: String, set_day: ServerAction<SetCalendarDay>) -> impl IntoView {
    let locale = use_locale();
    let weekday = locale.t(&format!("settings.calendar.weekday_{}", day.weekday().number_from_monday()));
    let (badge, label) = match kind {
        DayKind::Workday => ("badge badge-warn", "settings.calendar.workday"),
        DayKind::Holiday => ("badge badge-ok", "settings.calendar.holiday"),
    };
    let date = day.format("%Y-%m-%d").to_string();
    view! {
        <tr>
            <td class="mono" data-label=locale.t("settings.calendar.day")>
                <span>{date.clone()} " " <span class="muted">{weekday}</span></span>
            </td>
            <td data-label=locale.t("settings.calendar.kind")>
                <span class=badge>{locale.t(label)}</span>
            </td>
            <td data-label=locale.t("settings.calendar.name")>{name.clone()}</td>
            <td data-label=locale.t("table.actions")>
                <ActionForm action=set_day>
                    <input type="hidden" name="day" value=date.clone() />
                    <input type="hidden" name="kind" value="normal" />
                    <button
                        class="btn btn-ghost btn-small"
                        type="submit"
                        aria-label=locale.tf("settings.calendar.restore_label", &[("day", date.clone()), ("name", name)])
                    >
                        {locale.t("settings.calendar.restore")}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category(id: i32, parent_id: Option<i32>) -> Category {
        Category {
            id,
            parent_id,
            code: format!("C{id}"),
            name: format!("类别{id}"),
            active: true,
            hours_normal: 72,
            hours_urgent: 24,
            hours_critical: 4,
        }
    }

    #[test]
    fn children_follow_their_parent() {
        let tree = category_tree(vec![
            category(1, None),
            category(2, None),
            category(3, Some(1)),
            category(4, Some(2)),
            category(5, Some(9)),
        ]);
        let order: Vec<(i32, bool)> = tree.iter().map(|(c, child)| (c.id, *child)).collect();
        assert_eq!(order, vec![(1, false), (3, true), (2, false), (4, true), (5, true)]);
    }
}
