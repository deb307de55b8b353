//! The device's position, through the browser's geolocation: the one place the pages ask
//! for it (an event's report, a register's point field).

/// Asks the device where it is (high accuracy, 15 s at most); `on_position` gets (latitude,
/// longitude), `on_failure` runs when there is no geolocation or the device refuses.
#[cfg(feature = "hydrate")]
pub fn locate_device(on_position: impl Fn(f64, f64) + 'static, on_failure: impl Fn() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        on_failure();
        return;
    };
    // GeolocationPosition is still "unstable" in web-sys: read the two numbers directly.
    let success = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |position: wasm_bindgen::JsValue| {
        let get = |object: &wasm_bindgen::JsValue, key: &str| js_sys::Reflect::get(object, &key.into()).ok();
        let coords = get(&position, "coords");
        let number = |key| coords.as_ref().and_then(|c| get(c, key)).and_then(|v| v.as_f64());
        if let (Some(lat), Some(lng)) = (number("latitude"), number("longitude")) {
            on_position(lat, lng);
        }
    });
    let failure = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| on_failure());
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    let _ = geolocation.get_current_position_with_error_callback_and_options(
        success.as_ref().unchecked_ref(),
        Some(failure.as_ref().unchecked_ref()),
        &options,
    );
    success.forget();
    failure.forget();
}
