//! The command map's register layers: every register with a map layer the user may view
//! (party organisations, 新时代文明实践 stations, …) can be switched on beside the events.
//! A layer's records are drawn in the register's colour, clustered with the events when
//! zoomed out; a click opens the record. Nothing is fetched until a layer is switched on.

use leptos::prelude::*;
use shared::engine::{ListQuery, MappedRegister};
use shared::error::AppError;

use crate::dashboard::format_number;
use crate::engine::api::{map_layer, mapped_registers};
use crate::i18n::use_locale;
use crate::map::MapPin;
use crate::wire::resource;

/// The layers' colours, in the registers' order: apart from the events' state colours.
const LAYER_COLOURS: [&str; 6] = ["#8b5e34", "#db2777", "#475569", "#ca8a04", "#7c2d12", "#0e7490"];

/// A layer switched on: its register and colour.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    register: MappedRegister,
    colour: &'static str,
}

/// A layer's records as pins, and whether the layer's limit left some out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Drawn {
    key: String,
    pins: Vec<MapPin>,
    more: bool,
}

/// The layers switched on and their records (the last drawn kept while a change loads).
#[derive(Clone, Copy)]
pub struct RegisterLayers {
    shown: RwSignal<Vec<Shown>>,
    drawn: RwSignal<Vec<Drawn>>,
    registers: Resource<Result<Vec<MappedRegister>, AppError>, crate::wire::Data>,
}

pub fn use_register_layers() -> RegisterLayers {
    let registers = resource(|| (), |_| mapped_registers());
    let shown = RwSignal::new(Vec::<Shown>::new());
    let layers = resource(
        move || shown.get(),
        |shown| async move {
            let mut drawn = Vec::new();
            for Shown { register, colour } in shown {
                let layer = map_layer(register.module.clone(), register.name.clone(), ListQuery::default()).await?;
                let base = format!("/m/{}/{}", register.module, register.name);
                let pins = layer
                    .points
                    .into_iter()
                    .map(|point| MapPin {
                        id: point.id,
                        lat: point.lat,
                        lng: point.lng,
                        color: colour.to_owned(),
                        radius: 6.0,
                        title: format!("{} · {}", register.title, point.label),
                        href: Some(format!("{base}/{}", point.id)),
                        clustered: layer.cluster,
                    })
                    .collect();
                drawn.push(Drawn { key: format!("{}.{}", register.module, register.name), pins, more: layer.more });
            }
            Ok::<_, AppError>(drawn)
        },
    );
    let drawn = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        if let Some(Ok(layers)) = layers.get() {
            drawn.set(layers);
        }
    });
    RegisterLayers { shown, drawn, registers }
}

impl RegisterLayers {
    /// Every pin of the layers drawn, for the map.
    pub fn pins(self) -> Vec<MapPin> {
        self.drawn.with(|drawn| drawn.iter().flat_map(|layer| layer.pins.iter().cloned()).collect())
    }
}

/// The switches, one per register, with the colour and the number of records drawn.
#[component]
pub fn LayerSwitches(layers: RegisterLayers) -> impl IntoView {
    let locale = use_locale();
    let RegisterLayers { shown, drawn, registers, .. } = layers;
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let registers = registers.await.unwrap_or_default();
                (!registers.is_empty()).then(|| {
                    let switches = registers
                        .into_iter()
                        .enumerate()
                        .map(|(index, register)| {
                            let colour = LAYER_COLOURS[index % LAYER_COLOURS.len()];
                            let key = format!("{}.{}", register.module, register.name);
                            let title = register.title.clone();
                            let toggle = {
                                let register = register.clone();
                                move |ev: leptos::ev::Event| {
                                    let on = event_target_checked(&ev);
                                    shown.update(|shown| {
                                        shown.retain(|s| s.register != register);
                                        if on {
                                            shown.push(Shown { register: register.clone(), colour });
                                        }
                                    });
                                }
                            };
                            let count = {
                                let key = key.clone();
                                move || {
                                    drawn.with(|drawn| {
                                        drawn.iter().find(|layer| layer.key == key).map(|layer| {
                                            let n = format_number(layer.pins.len() as i64);
                                            if layer.more { format!("（{n}+）") } else { format!("（{n}）") }
                                        })
                                    })
                                }
                            };
                            view! {
                                <li>
                                    <label class="layer-switch" data-layer=key>
                                        <input type="checkbox" on:change=toggle />
                                        <span class="swatch" style=format!("background:{colour}")></span>
                                        {title}
                                        <span class="muted" data-testid="command-layer-count">{count}</span>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <fieldset class="map-layers" data-testid="command-layers">
                            <legend>{locale.t("command.layers")}</legend>
                            <ul class="legend">{switches}</ul>
                        </fieldset>
                    }
                })
            })}
        </Suspense>
    }
}
