//! `<LeafletMap>`: the township's vector layers with event pins, grid workers and an optional
//! point picker, drawn by Leaflet on a canvas.
//!
//! The server renders only the empty, labelled host `<div>`. In the browser, once the host is
//! mounted, the first map on a page injects Leaflet's stylesheet and script (vendored under
//! `/vendor/leaflet`) and every map awaits that one load; then the map is created, fitted to
//! the township and kept in step with the signals it was given. The host carries
//! `data-state="loading" | "ready" | "error"` for styling and end-to-end tests.

use leptos::prelude::*;
use shared::basedata::geojson::MapGeo;

use super::pins::{MapPin, WorkerPin};

/// Below this zoom level pins are clustered; from it on each pin is drawn on its own.
pub const CLUSTER_BELOW_ZOOM: f64 = 16.0;
/// Size of a clustering cell on screen.
pub const CLUSTER_CELL_PX: f64 = 48.0;

/// A Leaflet map over the township's own layers (`geo`, from `basedata::api::get_map_geo`).
///
/// - `pins`: events as circle markers, clustered below zoom 16 (those `clustered`); clicking one calls
///   `on_select(id)`, clicking a cluster zooms in. Only pins in (and around) the view are drawn.
/// - `workers`: grid workers as small green squares with their name.
/// - `on_pick`: a click on the map (or Enter while the map has keyboard focus: its centre)
///   reports `(lat, lng)`; with `picked` the chosen point shows as a marker, draggable when
///   `on_pick` is set.
/// - `label`: the accessible name of the map region; `class`: extra classes for the host.
#[component]
pub fn LeafletMap(
    geo: MapGeo,
    #[prop(into)] pins: Signal<Vec<MapPin>>,
    #[prop(optional, into)] workers: Option<Signal<Vec<WorkerPin>>>,
    #[prop(optional)] on_pick: Option<Callback<(f64, f64)>>,
    #[prop(optional, into)] picked: Option<Signal<Option<(f64, f64)>>>,
    #[prop(optional)] on_select: Option<Callback<i64>>,
    #[prop(optional, into)] label: String,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    browser::attach(host, browser::Props { geo, pins, workers, on_pick, picked, on_select });
    #[cfg(not(feature = "hydrate"))]
    let _ = (geo, pins, workers, on_pick, picked, on_select);
    let class = if class.is_empty() { "leaflet-host".to_owned() } else { format!("leaflet-host {class}") };
    view! { <div node_ref=host class=class role="region" aria-label=label data-state="loading"></div> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::any::Any;
    use std::borrow::Cow;
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::{Array, Function, JSON, Object, Promise, Reflect};
    use leaflet::{
        CircleMarker, FeatureGroup, GeoJson, Icon, LatLng, LatLngBounds, Layer, LayerGroup, Map, MapOptions, Marker,
        MarkerOptions, TileLayer, TileLayerOptions,
    };
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::HtmlElement;

    use super::super::cluster::cluster;
    use super::{CLUSTER_BELOW_ZOOM, CLUSTER_CELL_PX, MapGeo, MapPin, WorkerPin};
    // Leaflet's tooltips and icons take HTML, and titles come from the public.
    use crate::components::options::escape as escape_html;

    const CSS_HREF: &str = "/vendor/leaflet/leaflet.css";
    const JS_SRC: &str = "/vendor/leaflet/leaflet.js";
    const IMAGE_PATH: &str = "/vendor/leaflet/images/";
    const CSS_ID: &str = "tg-leaflet-css";
    const JS_ID: &str = "tg-leaflet-js";
    const MAX_ZOOM: f64 = 19.0;
    /// Pins this far beyond the view (as a fraction of its size) are drawn too, so that short
    /// pans do not show empty edges before `moveend` redraws.
    const VIEW_PAD: f64 = 0.25;
    /// Light village fills, as on the SVG town map.
    const VILLAGE_FILLS: [&str; 10] =
        ["#dbe8fb", "#e3f1e4", "#fdf1d8", "#f3e3f5", "#e0f2f1", "#fde7e1", "#e8eaf6", "#f1f8e9", "#fff3e0", "#e1f5fe"];
    /// Village names sit in their own pane: above the canvas, below the markers.
    const LABEL_PANE: &str = "tgLabels";

    // What the `leaflet` crate lacks or binds wrongly: `L.geoJSON` is not exported, `DivIcon::new`
    // constructs `L.Icon`, and `Layer::bind_tooltip_with_content` calls a method that does not
    // exist (hence `bind_tooltip` below).
    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = L, js_name = geoJSON, catch)]
        fn geo_json(data: &JsValue, options: &Object) -> Result<GeoJson, JsValue>;
        #[wasm_bindgen(js_namespace = L, js_name = divIcon)]
        fn div_icon(options: &Object) -> Icon;
    }

    /// `layer.bindTooltip(html, options)`.
    fn bind_tooltip(layer: &Layer, html: &str, options: &Object) {
        if let Some(Ok(bind)) = get(layer, "bindTooltip").map(JsCast::dyn_into::<Function>) {
            let _ = bind.call2(layer, &html.into(), options);
        }
    }

    pub(super) struct Props {
        pub geo: MapGeo,
        pub pins: Signal<Vec<MapPin>>,
        pub workers: Option<Signal<Vec<WorkerPin>>>,
        pub on_pick: Option<Callback<(f64, f64)>>,
        pub picked: Option<Signal<Option<(f64, f64)>>>,
        pub on_select: Option<Callback<i64>>,
    }

    /// One live map. Dropping it removes the map (and with it every Leaflet listener) before
    /// the Rust closures those listeners call are freed.
    struct MapInner {
        map: Map,
        pins: FeatureGroup,
        workers: LayerGroup,
        picked: Option<Marker>,
        resize_observer: Option<JsValue>,
        /// Closures handed to JavaScript, alive as long as the map.
        _closures: Vec<Box<dyn Any>>,
    }

    impl Drop for MapInner {
        fn drop(&mut self) {
            if let Some(observer) = &self.resize_observer {
                let _ = call0(observer, "disconnect");
            }
            self.map.remove();
        }
    }

    /// The map lives outside the reactive system (JS objects are neither Send nor Sync): a
    /// local arena slot, read only to clone the `Rc` out, so that no borrow is held while
    /// Leaflet runs (it fires events synchronously, e.g. `moveend` from `setView`).
    type State = StoredValue<Option<Rc<MapInner>>, LocalStorage>;

    fn current(state: State) -> Option<Rc<MapInner>> {
        state.try_with_value(Clone::clone).flatten()
    }

    pub(super) fn attach(host: NodeRef<leptos::html::Div>, props: Props) {
        let state: State = StoredValue::new_local(None);
        let ready = RwSignal::new(false);
        let Props { geo, pins, workers, on_pick, picked, on_select } = props;

        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            let Some(div) = host.get() else { return false };
            let element: HtmlElement = div.into();
            let geo = geo.clone();
            leptos::task::spawn_local(async move {
                let set_state = |value: &str| {
                    let _ = element.set_attribute("data-state", value);
                };
                if let Err(error) = load_leaflet().await {
                    leptos::logging::warn!("Leaflet failed to load: {error:?}");
                    set_state("error");
                    return;
                }
                // Inside a Suspense the host is created before it is put into the document (when
                // Leaflet is already there, that is still the case now): wait until it is in.
                // Unmounted meanwhile: nothing to do.
                if !connected(&element, state).await {
                    return;
                }
                let inner = match create(&element, &geo, state, pins, on_pick, picked.is_some(), on_select) {
                    Ok(inner) => Rc::new(inner),
                    Err(error) => {
                        leptos::logging::warn!("map failed: {error:?}");
                        set_state("error");
                        return;
                    }
                };
                // `Some` back means the component is gone: dropping it removes the map again.
                if state.try_set_value(Some(inner)).is_none() {
                    set_state("ready");
                    ready.try_set(true);
                }
            });
            true
        });

        Effect::new(move |_| {
            pins.track();
            if ready.get() {
                redraw_pins(state, pins);
            }
        });

        if let Some(workers) = workers {
            Effect::new(move |_| {
                workers.track();
                if ready.get()
                    && let Some(inner) = current(state)
                {
                    workers.with_untracked(|workers| draw_workers(&inner, workers));
                }
            });
        }

        if let Some(picked) = picked {
            Effect::new(move |_| {
                let point = picked.get();
                if ready.get()
                    && let Some(inner) = current(state)
                {
                    show_picked(&inner, point);
                }
            });
        }

        // Cleanups run before the owner's arena slots are freed: take the map out and drop it.
        on_cleanup(move || {
            let inner = state.try_update_value(Option::take).flatten();
            drop(inner);
        });
    }

    /// Waits (up to 10 s) until `element` is in the document; false when the map's owner is
    /// gone first.
    async fn connected(element: &HtmlElement, state: State) -> bool {
        for _ in 0..200 {
            if state.is_disposed() {
                return false;
            }
            if element.is_connected() {
                return true;
            }
            let tick = Promise::new(&mut |resolve, _| {
                let _ =
                    web_sys::window().map(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50));
            });
            let _ = JsFuture::from(tick).await;
        }
        false
    }

    // ---------------------------------------------------------------------------------------
    // Lazy loading

    thread_local! {
        /// The page's one load of Leaflet, shared by every map that mounts while it runs.
        static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    }

    fn leaflet_loaded() -> bool {
        Reflect::get(&js_sys::global(), &"L".into())
            .ok()
            .filter(|l| l.is_object())
            .and_then(|l| Reflect::get(&l, &"map".into()).ok())
            .is_some_and(|map| map.is_function())
    }

    async fn load_leaflet() -> Result<(), JsValue> {
        if leaflet_loaded() {
            return Ok(());
        }
        let pending = LOADING.with(|loading| loading.borrow().clone());
        let promise = match pending {
            Some(promise) => promise,
            None => {
                let promise = inject()?;
                LOADING.with(|loading| *loading.borrow_mut() = Some(promise.clone()));
                promise
            }
        };
        let result = JsFuture::from(promise).await;
        if result.is_err() {
            // Let the next map try again (e.g. after the network came back).
            LOADING.with(|loading| loading.borrow_mut().take());
        }
        result?;
        if leaflet_loaded() { Ok(()) } else { Err("Leaflet script loaded but `L` is missing".into()) }
    }

    /// Appends the stylesheet and the script to `<head>`; resolves when both have loaded
    /// (a failed stylesheet only degrades the looks, a failed script rejects).
    fn inject() -> Result<Promise, JsValue> {
        let document = document();
        let head = document.query_selector("head")?.ok_or_else(|| JsValue::from_str("no <head>"))?;
        let append = |tag: &str, id: &str, attributes: &[(&str, &str)], required: bool| -> Result<Promise, JsValue> {
            if let Some(stale) = document.get_element_by_id(id) {
                stale.remove();
            }
            let element: HtmlElement = document.create_element(tag)?.dyn_into()?;
            element.set_id(id);
            for (name, value) in attributes {
                element.set_attribute(name, value)?;
            }
            let promise = Promise::new(&mut |resolve, reject| {
                element.set_onload(Some(&resolve));
                element.set_onerror(Some(if required { &reject } else { &resolve }));
            });
            head.append_child(&element)?;
            Ok(promise)
        };
        let css = append("link", CSS_ID, &[("rel", "stylesheet"), ("href", CSS_HREF)], false)?;
        let js = append("script", JS_ID, &[("src", JS_SRC)], true)?;
        Ok(Promise::all(&Array::of2(&css, &js)))
    }

    // ---------------------------------------------------------------------------------------
    // Creating the map

    fn create(
        host: &HtmlElement,
        geo: &MapGeo,
        state: State,
        pins: Signal<Vec<MapPin>>,
        on_pick: Option<Callback<(f64, f64)>>,
        with_picked: bool,
        on_select: Option<Callback<i64>>,
    ) -> Result<MapInner, JsValue> {
        // The default marker icon finds its images next to the stylesheet; say where, in case
        // the stylesheet is late or missing.
        if let Ok(l) = Reflect::get(&js_sys::global(), &"L".into())
            && let Ok(icon) = Reflect::get(&l, &"Icon".into())
            && let Ok(default) = Reflect::get(&icon, &"Default".into())
        {
            let _ = Reflect::set(&default, &"imagePath".into(), &IMAGE_PATH.into());
        }

        let options = MapOptions::new();
        // One canvas for every vector layer and pin: what keeps thousands of pins fast.
        options.set_prefer_canvas(true);
        options.set_max_zoom(MAX_ZOOM);
        // Quarter steps let `fitBounds` fill the host instead of leaving up to half of it empty.
        options.set_zoom_snap(0.25);
        let map = Map::new_with_element(host, &options)?;
        // Credit Leaflet with a plain link (its default prefix carries a flag icon).
        if let Some(control) = get(&map, "attributionControl")
            && let Some(Ok(set_prefix)) = get(&control, "setPrefix").map(JsCast::dyn_into::<Function>)
        {
            let _ = set_prefix.call1(&control, &r#"<a href="https://leafletjs.com">Leaflet</a>"#.into());
        }
        let mut closures: Vec<Box<dyn Any>> = Vec::new();

        let _ = map.create_pane_by_name(LABEL_PANE).set_attribute("style", "z-index: 450; pointer-events: none");

        let has_tiles = match geo.tile_url.as_deref() {
            Some(url) => {
                let tile_options = TileLayerOptions::new();
                tile_options.set_max_zoom(MAX_ZOOM);
                TileLayer::new_options(url, &tile_options).add_to(&map);
                true
            }
            None => false,
        };
        add_base_layers(&map, geo, has_tiles, &mut closures);
        fit(&map, geo);

        let pin_group = FeatureGroup::new();
        pin_group.add_to(&map);
        let workers = LayerGroup::new();
        workers.add_to(&map);

        // One listener for every pin and cluster: pins are redrawn often, listeners would pile up.
        let on_pin_click = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let Some(layer) = get(&event, "propagatedFrom") else { return };
            let options = get(&layer, "options").unwrap_or(JsValue::UNDEFINED);
            if let Some(href) = get(&options, "tgHref").and_then(|href| href.as_string()) {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().set_href(&href);
                }
            } else if let Some(id) = get(&options, "tgId").and_then(|id| id.as_f64()) {
                if let Some(on_select) = on_select {
                    let _ = on_select.try_run(id as i64);
                }
            } else if get(&options, "tgCluster").is_some_and(|c| c.is_truthy())
                && let Some(inner) = current(state)
            {
                let centre = layer.unchecked_into::<Marker>().get_lat_lng();
                let zoom = (inner.map.get_zoom() + 2.0).min(CLUSTER_BELOW_ZOOM);
                inner.map.set_view(&centre, zoom);
            }
        });
        pin_group.on("click", on_pin_click.as_ref());
        closures.push(Box::new(on_pin_click));

        // `moveend` follows every pan and every zoom (`zoomend` comes just before it).
        let on_move = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| redraw_pins(state, pins));
        map.on("moveend", on_move.as_ref());
        closures.push(Box::new(on_move));

        let picked = with_picked.then(|| {
            let options = MarkerOptions::new();
            options.set_draggable(on_pick.is_some());
            options.set_keyboard(false);
            options.set_alt(String::new());
            options.set_z_index_offset(1000.0);
            let marker = Marker::new_with_options(&LatLng::new(geo.centre.0, geo.centre.1), &options);
            if let Some(on_pick) = on_pick {
                let dragged = marker.clone();
                let on_drag_end = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
                    let at = dragged.get_lat_lng();
                    let _ = on_pick.try_run((at.lat(), at.lng()));
                });
                marker.on("dragend", on_drag_end.as_ref());
                closures.push(Box::new(on_drag_end));
            }
            marker
        });

        if let Some(on_pick) = on_pick {
            let on_click = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let at = event.unchecked_into::<leaflet::MouseEvent>().lat_lng();
                let _ = on_pick.try_run((at.lat(), at.lng()));
            });
            map.on("click", on_click.as_ref());
            closures.push(Box::new(on_click));
            // Keyboard users pan with the arrow keys and pick the centre with Enter.
            let container: JsValue = map.get_container().into();
            let picker = map.clone();
            let on_key = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let Some(original) = get(&event, "originalEvent") else { return };
                let on_container = get(&original, "target").is_some_and(|target| target == container);
                if on_container && get(&original, "key").and_then(|key| key.as_string()).as_deref() == Some("Enter") {
                    let at = picker.get_center();
                    let _ = on_pick.try_run((at.lat(), at.lng()));
                }
            });
            map.on("keydown", on_key.as_ref());
            closures.push(Box::new(on_key));
        }

        let resize_observer = observe_resize(host, &map, &mut closures);
        Ok(MapInner { map, pins: pin_group, workers, picked, resize_observer, _closures: closures })
    }

    fn add_base_layers(map: &Map, geo: &MapGeo, has_tiles: bool, closures: &mut Vec<Box<dyn Any>>) {
        let line = |color: &str, weight: f64| {
            obj(&[("color", color.into()), ("weight", weight.into()), ("fill", false.into())])
        };
        let village_style = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |feature: JsValue| {
            let id = get(&feature, "properties").and_then(|p| get(&p, "id")).and_then(|id| id.as_f64()).unwrap_or(0.0);
            let fill = VILLAGE_FILLS[(id.max(0.0) as usize) % VILLAGE_FILLS.len()];
            obj(&[
                ("color", "#ffffff".into()),
                ("weight", 1.5.into()),
                ("fillColor", fill.into()),
                ("fillOpacity", if has_tiles { 0.3 } else { 0.9 }.into()),
            ])
            .into()
        });
        let village_label = Closure::<dyn FnMut(JsValue, JsValue)>::new(|feature: JsValue, layer: JsValue| {
            let name = get(&feature, "properties").and_then(|p| get(&p, "name")).and_then(|n| n.as_string());
            if let Some(name) = name.filter(|name| !name.is_empty()) {
                let options = obj(&[
                    ("permanent", true.into()),
                    ("direction", "center".into()),
                    ("className", "map-village-label".into()),
                    ("pane", LABEL_PANE.into()),
                ]);
                bind_tooltip(layer.unchecked_ref::<Layer>(), &escape_html(&name), &options);
            }
        });

        let villages =
            obj(&[("style", village_style.as_ref().clone()), ("onEachFeature", village_label.as_ref().clone())]);
        let grids = line("#6f7d90", 1.0);
        set(&grids, "dashArray", "4 3".into());
        set(&grids, "opacity", 0.8.into());
        let layers = [
            (&geo.villages, villages),
            (&geo.grids, obj(&[("style", grids.into())])),
            (&geo.water, obj(&[("style", line("#4a90d9", 3.0).into())])),
            (&geo.roads, obj(&[("style", line("#8c96a3", 2.0).into())])),
            (&geo.boundary, obj(&[("style", line("#44546a", 2.5).into())])),
        ];
        for (data, options) in layers {
            // Base layers never take the pointer: a click goes through to the map (picking).
            set(&options, "interactive", false.into());
            let Ok(data) = JSON::parse(data) else { continue };
            match geo_json(&data, &options) {
                Ok(layer) => {
                    layer.add_to(map);
                }
                Err(error) => leptos::logging::warn!("map layer skipped: {error:?}"),
            }
        }
        closures.push(Box::new(village_style));
        closures.push(Box::new(village_label));
    }

    /// Fits the township's bounds; a degenerate box (no geometry yet) shows the centre.
    fn fit(map: &Map, geo: &MapGeo) {
        let ((south, west), (north, east)) = geo.bounds;
        let valid = [south, west, north, east].iter().all(|v| v.is_finite()) && north > south && east > west;
        if valid {
            let bounds = LatLngBounds::new(&LatLng::new(south, west), &LatLng::new(north, east));
            map.fit_bounds_with_options(&bounds, &obj(&[("padding", Array::of2(&8.into(), &8.into()).into())]));
            map.set_min_zoom((map.get_zoom() - 3.0).max(0.0));
        } else {
            map.set_view(&LatLng::new(geo.centre.0, geo.centre.1), 14.0);
        }
    }

    /// Keeps Leaflet's idea of the map's size right when the host is resized without the
    /// window (a sidebar collapsing, a phone rotating, a tab becoming visible).
    fn observe_resize(host: &HtmlElement, map: &Map, closures: &mut Vec<Box<dyn Any>>) -> Option<JsValue> {
        let constructor: Function = get(&js_sys::global(), "ResizeObserver")?.dyn_into().ok()?;
        let map = map.clone();
        let on_resize = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            map.invalidate_size(false);
        });
        let observer = Reflect::construct(&constructor, &Array::of1(on_resize.as_ref())).ok()?;
        let observe: Function = get(&observer, "observe")?.dyn_into().ok()?;
        observe.call1(&observer, host).ok()?;
        closures.push(Box::new(on_resize));
        Some(observer)
    }

    // ---------------------------------------------------------------------------------------
    // Drawing

    /// Redraws the pins in (and around) the current view: clustered below zoom 16 (those whose
    /// layer clusters), one by one from it on.
    fn redraw_pins(state: State, pins: Signal<Vec<MapPin>>) {
        if let Some(inner) = current(state) {
            pins.try_with_untracked(|list| draw_pins(&inner, list));
        }
    }

    fn draw_pins(inner: &MapInner, pins: &[MapPin]) {
        inner.pins.clear_layers();
        if pins.is_empty() {
            return;
        }
        let zoom = inner.map.get_zoom();
        let view = inner.map.get_bounds();
        let (sw, ne) = (view.get_south_west(), view.get_north_east());
        let (pad_lat, pad_lng) = ((ne.lat() - sw.lat()) * VIEW_PAD, (ne.lng() - sw.lng()) * VIEW_PAD);
        let (south, north) = (sw.lat() - pad_lat, ne.lat() + pad_lat);
        let (west, east) = (sw.lng() - pad_lng, ne.lng() + pad_lng);
        let inside = |pin: &MapPin| pin.lat >= south && pin.lat <= north && pin.lng >= west && pin.lng <= east;
        let visible: Cow<'_, [MapPin]> = if pins.iter().all(inside) {
            Cow::Borrowed(pins)
        } else {
            Cow::Owned(pins.iter().filter(|pin| inside(pin)).cloned().collect())
        };
        if zoom >= CLUSTER_BELOW_ZOOM {
            for pin in visible.iter() {
                add_pin(&inner.pins, pin);
            }
            return;
        }
        // Pins of a layer that does not cluster are drawn one by one at every zoom (copied
        // apart only when there are any: the events alone are clustered as they are).
        let clustered: Cow<'_, [MapPin]> = if visible.iter().all(|pin| pin.clustered) {
            Cow::Borrowed(visible.as_ref())
        } else {
            for pin in visible.iter().filter(|pin| !pin.clustered) {
                add_pin(&inner.pins, pin);
            }
            Cow::Owned(visible.iter().filter(|pin| pin.clustered).cloned().collect())
        };
        for group in cluster(&clustered, zoom, CLUSTER_CELL_PX) {
            match group.pin {
                Some(index) => add_pin(&inner.pins, &clustered[index]),
                None => add_cluster(&inner.pins, group.lat, group.lng, group.count),
            }
        }
    }

    fn add_pin(layer: &FeatureGroup, pin: &MapPin) {
        let options = obj(&[
            ("radius", pin.radius.max(2.0).into()),
            ("color", "#ffffff".into()),
            ("weight", 1.5.into()),
            ("fillColor", pin.color.as_str().into()),
            ("fillOpacity", 0.9.into()),
            // A click on a pin selects it; it must not also pick a point on the map.
            ("bubblingMouseEvents", false.into()),
            ("tgId", (pin.id as f64).into()),
        ]);
        if let Some(href) = &pin.href {
            set(&options, "tgHref", href.as_str().into());
        }
        let marker = CircleMarker::new_with_options(&LatLng::new(pin.lat, pin.lng), &options);
        if !pin.title.is_empty() {
            bind_tooltip(&marker, &escape_html(&pin.title), &obj(&[("direction", "top".into())]));
        }
        layer.add_layer(&marker);
    }

    fn add_cluster(layer: &FeatureGroup, lat: f64, lng: f64, count: usize) {
        let (size, class) = match count {
            0..10 => (28.0, "map-cluster map-cluster-s"),
            10..100 => (34.0, "map-cluster map-cluster-m"),
            _ => (40.0, "map-cluster map-cluster-l"),
        };
        let icon = div_icon(&obj(&[
            ("html", format!("<span>{count}</span>").into()),
            ("className", class.into()),
            ("iconSize", Array::of2(&size.into(), &size.into()).into()),
        ]));
        let options = MarkerOptions::new();
        options.set_icon(icon);
        options.set_title(count.to_string());
        // Clusters stay keyboard reachable: Enter on a focused cluster zooms in.
        options.set_keyboard(true);
        set(&options, "tgCluster", true.into());
        let marker = Marker::new_with_options(&LatLng::new(lat, lng), &options);
        layer.add_layer(&marker);
    }

    fn draw_workers(inner: &MapInner, workers: &[WorkerPin]) {
        inner.workers.clear_layers();
        for worker in workers {
            let icon = div_icon(&obj(&[
                ("html", "".into()),
                ("className", "map-worker".into()),
                ("iconSize", Array::of2(&14.into(), &14.into()).into()),
            ]));
            let options = MarkerOptions::new();
            options.set_icon(icon);
            options.set_keyboard(false);
            let marker = Marker::new_with_options(&LatLng::new(worker.lat, worker.lng), &options);
            let text = if worker.at.is_empty() {
                escape_html(&worker.name)
            } else {
                format!("{} · {}", escape_html(&worker.name), escape_html(&worker.at))
            };
            bind_tooltip(
                &marker,
                &text,
                &obj(&[("direction", "top".into()), ("offset", Array::of2(&0.into(), &(-6).into()).into())]),
            );
            inner.workers.add_layer(&marker);
        }
    }

    fn show_picked(inner: &MapInner, point: Option<(f64, f64)>) {
        let Some(marker) = &inner.picked else { return };
        match point {
            Some((lat, lng)) if lat.is_finite() && lng.is_finite() => {
                let at = LatLng::new(lat, lng);
                marker.set_lat_lng(&at);
                if !inner.map.has_layer(marker) {
                    marker.add_to(&inner.map);
                }
                // A point set from outside (e.g. the device's location) is brought into view.
                inner.map.pan_inside(&at);
            }
            _ => {
                marker.remove();
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Plain JavaScript objects

    fn obj(entries: &[(&str, JsValue)]) -> Object {
        let object = Object::new();
        for (key, value) in entries {
            set(&object, key, value.clone());
        }
        object
    }

    fn set(object: &Object, key: &str, value: JsValue) {
        let _ = Reflect::set(object, &key.into(), &value);
    }

    fn get(object: &JsValue, key: &str) -> Option<JsValue> {
        if !object.is_object() {
            return None;
        }
        Reflect::get(object, &key.into()).ok().filter(|value| !value.is_undefined() && !value.is_null())
    }

    fn call0(object: &JsValue, method: &str) -> Result<JsValue, JsValue> {
        get(object, method).ok_or_else(|| JsValue::from_str(method))?.dyn_into::<Function>()?.call0(object)
    }
}
