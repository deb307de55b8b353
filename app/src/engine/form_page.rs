//! `/m/<module>/<register>/new` and `…/<id>/edit`: the form generated from the register's
//! fields. It posts `form[values][<field>]` (the text as typed: one parser,
//! `shared::engine::value::parse_form`, reads it on the server), the place and, for an edit,
//! the version the user saw. An `ActionForm`: without JavaScript it is a plain form post,
//! and the error comes back in the URL; with it, what the user typed stays in the form when
//! the server refuses it (a field error, a stale version).

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::engine::declare::Place;
use shared::engine::meta::Code;
use shared::engine::{FieldKind, FieldMeta};
use shared::error::{AppError, ErrorCode};

use super::Meta;
use super::api::{CreateRecord, UpdateRecord, get_record, places, reference_options};
use super::header::Header;
use super::texts::form_texts;
use crate::components::{Choice, ErrorAlert, ErrorBanner, Select, field_errors, last_error};
use crate::i18n::use_locale;
use crate::wire::{Data, resource};

type Options = Resource<Result<Vec<(i64, String)>, AppError>, Data>;
type Places = Resource<Result<(Vec<shared::basedata::VillageOption>, Vec<(i32, i32, String)>), AppError>, Data>;

/// What the form's controls read their options from, made once when the page is built (not
/// inside a Suspend, which may run again with other resource ids).
#[derive(Clone)]
struct Sources {
    references: Vec<(String, Options)>,
    places: Places,
}

impl Sources {
    fn new(meta: &Meta) -> Sources {
        let references = meta
            .fields
            .iter()
            .filter(|field| matches!(field.kind, FieldKind::Reference | FieldKind::User | FieldKind::Users))
            .map(|field| {
                let (module, name, field_name) = (meta.module.clone(), meta.name.clone(), field.name.clone());
                let options = resource(
                    || (),
                    move |_| reference_options(module.clone(), name.clone(), field_name.clone(), String::new()),
                );
                (field.name.clone(), options)
            })
            .collect();
        Sources { references, places: resource(|| (), |_| places()) }
    }

    fn options(&self, field: &str) -> Option<Options> {
        self.references.iter().find(|(name, _)| name == field).map(|(_, options)| *options)
    }
}

#[component]
pub fn FormPage(meta: Meta, id: Option<i64>) -> impl IntoView {
    let sources = Sources::new(&meta);
    match id {
        None => view! { <NewForm meta sources /> }.into_any(),
        Some(id) => view! { <EditForm meta id sources /> }.into_any(),
    }
}

#[component]
fn NewForm(meta: Meta, sources: Sources) -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateRecord>::new();
    let error = last_error(create.value());
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.new_title") />
        <ErrorBanner error />
        <ActionForm action=create attr:class="form engine-form card" attr:novalidate=true>
            <input type="hidden" name="module" value=meta.module.clone() />
            <input type="hidden" name="register" value=meta.name.clone() />
            <Controls meta=meta.clone() texts=BTreeMap::new() place=(None, None) error sources />
            <FormButtons back=super::list_path(&meta) pending=create.pending() />
        </ActionForm>
    }
}

#[component]
fn EditForm(meta: Meta, id: i64, sources: Sources) -> impl IntoView {
    let locale = use_locale();
    let update = ServerAction::<UpdateRecord>::new();
    let error = last_error(update.value());
    let (module, name) = (meta.module.clone(), meta.name.clone());
    // Keyed by the id alone: a refused save must not reload the record over what was typed.
    let record = resource(move || id, move |id| get_record(module.clone(), name.clone(), id));
    view! {
        <Header meta=meta.clone() heading=locale.t("engine.edit_title") />
        <ErrorBanner error />
        <Suspense fallback=move || view! { <p class="muted">{locale.t("app.loading")}</p> }>
            {move || {
                let (sources, meta) = (sources.clone(), meta.clone());
                Suspend::new(async move {
                    match record.await {
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        Ok(record) => {
                            let texts = form_texts(&meta, &record.values, &record.extra);
                            view! {
                                <ActionForm action=update attr:class="form engine-form card" attr:novalidate=true>
                                    <input type="hidden" name="module" value=meta.module.clone() />
                                    <input type="hidden" name="register" value=meta.name.clone() />
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="form[version]" value=record.version />
                                    <Controls meta=meta.clone() texts place=(record.village_id, record.grid_id) error sources />
                                    <FormButtons back=super::record_path(&meta, id) pending=update.pending() />
                                </ActionForm>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn FormButtons(back: String, pending: Memo<bool>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="form-actions">
            <button class="btn btn-primary" type="submit" aria-busy=move || pending.get().to_string() data-testid="engine-save">
                {locale.t("engine.save")}
            </button>
            <a class="btn btn-ghost" href=back>{locale.t("engine.cancel")}</a>
        </div>
    }
}

/// The place the register asks for, then one control per field (declared, then custom),
/// each holding its text at first (`texts`, by field name: the record's, for an edit).
#[component]
fn Controls(
    meta: Meta,
    texts: BTreeMap<String, String>,
    place: (Option<i32>, Option<i32>),
    error: Signal<Option<AppError>>,
    sources: Sources,
) -> impl IntoView {
    view! {
        <div class="form-row engine-fields">
            <PlaceControl place=meta.place selected=place error places=sources.places />
            {meta.fields.iter().map(|field| {
                let value = texts.get(&field.name).cloned().unwrap_or_default();
                let options = sources.options(&field.name);
                view! { <Control field=field.clone() value error options /> }
            }).collect_view()}
        </div>
    }
}

/// The errors of one field, said next to it.
fn errors_view(error: Signal<Option<AppError>>, field: String, id: String) -> impl IntoView {
    let locale = use_locale();
    let codes = field_errors(error, field);
    move || {
        let codes = codes.get();
        (!codes.is_empty()).then(|| {
            let text = codes.iter().map(|code| locale.t(code.i18n_key())).collect::<Vec<_>>().join("；");
            view! { <p class="field-error" id=id.clone() role="alert">{text}</p> }
        })
    }
}

/// The village (a register of villages) or the grid (of grids; its village follows).
#[component]
fn PlaceControl(
    place: Place,
    selected: (Option<i32>, Option<i32>),
    error: Signal<Option<AppError>>,
    places: Places,
) -> impl IntoView {
    let locale = use_locale();
    let (key, label) = match place {
        Place::Township => return None,
        Place::Village => ("village_id", "engine.village"),
        Place::Grid => ("grid_id", "engine.grid"),
    };
    let id = format!("field-{key}");
    let error_id = format!("{id}-error");
    let selected = match place {
        Place::Grid => selected.1,
        _ => selected.0,
    }
    .map(|id| id.to_string())
    .unwrap_or_default();
    let select_id = id.clone();
    let described_by = error_id.clone();
    Some(view! {
        <div class="field" class:has-error=move || !field_errors(error, key).get().is_empty()>
            <label for=id.clone() class="required">{locale.t(label)}</label>
            <Suspense fallback=move || view! { <Select id="" choices={Vec::<Choice>::new()} disabled=true /> }>
                {move || {
                    let (id, selected, described_by) = (select_id.clone(), selected.clone(), described_by.clone());
                    Suspend::new(async move {
                        let (villages, grids) = places.await.unwrap_or_default();
                        let empty = Choice::empty(locale.t("engine.choose"));
                        let choices: Vec<Choice> = match key {
                            "village_id" => std::iter::once(empty)
                                .chain(villages.iter().map(|v| Choice::new(v.id, v.name.clone())))
                                .collect(),
                            _ => std::iter::once(empty)
                                .chain(villages.iter().map(|v| {
                                    Choice::group(
                                        v.name.clone(),
                                        grids.iter().filter(|g| g.1 == v.id).map(|g| Choice::new(g.0, g.2.clone())),
                                    )
                                }))
                                .collect(),
                        };
                        view! { <Select id name=format!("form[{key}]") choices selected required=true described_by /> }
                    })
                }}
            </Suspense>
            {errors_view(error, key.to_owned(), error_id)}
        </div>
    })
}

/// One field's control, by its kind. A declared field posts `form[values][<name>]`, a custom
/// one `form[extra][<name>]`.
#[component]
fn Control(
    field: FieldMeta,
    /// The text it holds at first (the record's value, for an edit).
    value: String,
    error: Signal<Option<AppError>>,
    options: Option<Options>,
) -> impl IntoView {
    let locale = use_locale();
    let id = format!("field-{}", field.name);
    let error_id = format!("{id}-error");
    let name = format!("form[{}][{}]", if field.custom { "extra" } else { "values" }, field.name);
    let label = field.label.clone();
    let codes = field_errors(error, field.name.clone());
    let invalid = move || if codes.get().is_empty() { "false" } else { "true" };
    let required = field.required;
    let wide = matches!(
        field.kind,
        FieldKind::LongText | FieldKind::Line | FieldKind::Polygon | FieldKind::MultiChoice(_) | FieldKind::Users
    );
    let control = match field.kind.clone() {
        FieldKind::Text { max } => view! {
            <input id=id.clone() name=name type="text" maxlength=max value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldKind::LongText => view! {
            <textarea id=id.clone() name=name rows="6" required=required aria-invalid=invalid aria-describedby=error_id.clone()>{value}</textarea>
        }
        .into_any(),
        FieldKind::Integer { min, max } => view! {
            <input id=id.clone() name=name type="number" step="1" min=min max=max value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldKind::Decimal { .. } => view! {
            <input id=id.clone() name=name type="text" inputmode="decimal" value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldKind::Money => view! {
            <div class="input-affix">
                <span aria-hidden="true">"¥"</span>
                <input id=id.clone() name=name type="text" inputmode="decimal" placeholder="0.00" value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
            </div>
        }
        .into_any(),
        FieldKind::Date => view! {
            <input id=id.clone() name=name type="date" value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldKind::DateTime => view! {
            <input id=id.clone() name=name type="datetime-local" value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
        FieldKind::Boolean => view! {
            <label class="check">
                <input id=id.clone() name=name type="checkbox" value="true" checked=value == "true" aria-describedby=error_id.clone() />
                {locale.t("engine.yes")}
            </label>
        }
        .into_any(),
        FieldKind::Choice(codes) => {
            let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("engine.choose")))
                .chain(codes.into_iter().map(|code| Choice::new(code.code, code.label)))
                .collect();
            view! { <Select id=id.clone() name=name choices selected=value required=required described_by=error_id.clone() /> }.into_any()
        }
        FieldKind::MultiChoice(codes) => view! { <MultiChoiceControl codes name value /> }.into_any(),
        FieldKind::Reference | FieldKind::User => match options {
            Some(options) => {
                let (select_id, described_by) = (id.clone(), error_id.clone());
                view! {
                    <Suspense fallback=move || view! { <Select id="" choices={Vec::<Choice>::new()} disabled=true /> }>
                        {move || {
                            let (id, name, value, described_by) = (select_id.clone(), name.clone(), value.clone(), described_by.clone());
                            Suspend::new(async move {
                                let choices: Vec<Choice> = std::iter::once(Choice::empty(locale.t("engine.choose")))
                                    .chain(options.await.unwrap_or_default().into_iter().map(|(value, label)| Choice::new(value, label)))
                                    .collect();
                                view! { <Select id name choices selected=value required=required described_by /> }
                            })
                        }}
                    </Suspense>
                }
                .into_any()
            }
            None => ().into_any(),
        },
        FieldKind::Point => view! { <PointControl id=id.clone() name value error_id=error_id.clone() required /> }.into_any(),
        FieldKind::Line | FieldKind::Polygon => view! {
            <textarea id=id.clone() name=name rows="4" class="mono" placeholder=r#"{"type":"…","coordinates":[…]}"# required=required aria-invalid=invalid aria-describedby=error_id.clone()>{value}</textarea>
        }
        .into_any(),
        // The township's people to tick (the first 50 by name; ids typed without JavaScript).
        FieldKind::Users if options.is_some() => {
            let options = options.expect("checked");
            view! {
                <Suspense fallback=|| ()>
                    {move || {
                        let (name, value) = (name.clone(), value.clone());
                        Suspend::new(async move {
                            let codes: Vec<Code> = options
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|(id, label)| Code { code: id.to_string(), label })
                                .collect();
                            view! { <MultiChoiceControl codes name value /> }
                        })
                    }}
                </Suspense>
            }
            .into_any()
        }
        // Ids, comma-separated, this round (the upload comes later).
        FieldKind::Users | FieldKind::Photos | FieldKind::Files => view! {
            <input id=id.clone() name=name type="text" class="mono" inputmode="numeric" placeholder="12,15" value=value required=required aria-invalid=invalid aria-describedby=error_id.clone() />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-wide=wide class:has-error=move || !codes.get().is_empty() data-field=field.name.clone()>
            {match field.kind {
                // A group of checkboxes is named by its legend (in the control).
                FieldKind::MultiChoice(_) | FieldKind::Users => view! { <span class="field-label" class:required=required id=format!("{id}-label")>{label.clone()}</span> }.into_any(),
                _ => view! { <label for=id.clone() class:required=required>{label.clone()}</label> }.into_any(),
            }}
            {control}
            {errors_view(error, field.name.clone(), error_id)}
        </div>
    }
}

/// Several codes: a checkbox each, once the page runs (after hydration); the form posts them
/// as one comma-separated text (what the parser reads) in a hidden input they update. Before
/// that, and without JavaScript, the codes are typed in a text input of the same name (the
/// server renders that, so the page hydrates as rendered and then switches).
#[component]
fn MultiChoiceControl(codes: Vec<Code>, name: String, value: String) -> impl IntoView {
    let all: Vec<String> = codes.iter().map(|code| code.code.clone()).collect();
    let chosen = RwSignal::new(value.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect::<Vec<_>>());
    let joined = {
        let all = all.clone();
        move || {
            chosen.with(|chosen| all.iter().filter(|code| chosen.contains(code)).cloned().collect::<Vec<_>>().join(","))
        }
    };
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    move || {
        if !hydrated.get() {
            return view! { <input type="text" name=name.clone() value=value.clone() placeholder=all.join(",") /> }
                .into_any();
        }
        view! {
            <div class="check-group">
                {codes.iter().map(|code| {
                    let (code, label) = (code.code.clone(), code.label.clone());
                    let checked = chosen.with_untracked(|codes| codes.contains(&code));
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|codes| {
                                        codes.retain(|c| *c != code);
                                        if on {
                                            codes.push(code.clone());
                                        }
                                    });
                                }
                            />
                            {label}
                        </label>
                    }
                }).collect_view()}
                <input type="hidden" name=name.clone() value=joined.clone() />
            </div>
        }
        .into_any()
    }
}

/// "lon,lat" typed, or the device's position.
#[component]
fn PointControl(id: String, name: String, value: String, error_id: String, required: bool) -> impl IntoView {
    let locale = use_locale();
    let text = RwSignal::new(value);
    let failed = RwSignal::new(false);
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        locate_device(text, failed);
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, failed);
    };
    view! {
        <div class="cluster point-control">
            <input id=id name=name type="text" inputmode="decimal" placeholder="120.61,31.32" required=required
                prop:value=move || text.get() value=text.get_untracked()
                on:input=move |ev| text.set(event_target_value(&ev)) aria-describedby=error_id />
            <button class="btn btn-ghost btn-small" type="button" on:click=locate>{locale.t("engine.use_location")}</button>
        </div>
        {move || failed.get().then(|| view! { <p class="field-error" role="alert">{locale.t(ErrorCode::EventGpsUnavailable.i18n_key())}</p> })}
    }
}

/// The browser's position into the point's text (longitude first, as the parser reads it).
#[cfg(feature = "hydrate")]
fn locate_device(text: RwSignal<String>, failed: RwSignal<bool>) {
    crate::components::geolocation::locate_device(
        move |lat, lon| {
            failed.set(false);
            text.set(format!("{lon:.6},{lat:.6}"));
        },
        move || failed.set(true),
    );
}
