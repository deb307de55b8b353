//! The security headers of every response: a strict Content-Security-Policy, no
//! framing, no MIME sniffing, no referrer to other sites, HSTS when served over HTTPS.
//!
//! Pages run exactly two inline scripts, Leptos's hydration script and the service-worker
//! registration, both carrying the response's nonce (leptos_axum makes one per page, and the
//! router's context puts it into the page's policy with [`page_policy`]); every other script
//! must come from our own origin. WebAssembly needs `'wasm-unsafe-eval'`, which allows
//! compiling wasm and nothing else. Styles keep `'unsafe-inline'`: the charts and the map set
//! style attributes, and a style cannot run code.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// What the policy depends on, fixed at start-up.
#[derive(Debug, Clone, Default)]
pub struct SecurityHeaders {
    /// The origin of the map tiles (`TONGGUAN_TILE_URL`), allowed as an image source.
    pub tile_origin: Option<String>,
    /// Served over HTTPS (`TONGGUAN_SECURE_COOKIES`): send HSTS.
    pub https: bool,
}

impl SecurityHeaders {
    /// From the tile URL template (`{s}` becomes a wildcard subdomain) and the HTTPS flag.
    pub fn new(tile_url: Option<&str>, https: bool) -> Self {
        Self { tile_origin: tile_url.and_then(tile_origin), https }
    }

    /// The policy; `nonce` is the page's, `None` for everything that is not a page.
    pub fn policy(&self, nonce: Option<&str>) -> String {
        let scripts = match nonce {
            Some(nonce) => format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
            None => "'self' 'wasm-unsafe-eval'".to_owned(),
        };
        let tiles = self.tile_origin.as_deref().map(|origin| format!(" {origin}")).unwrap_or_default();
        format!(
            "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data: blob:{tiles}; connect-src 'self'; font-src 'self' data:; \
             worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// The origin of a tile URL template as a policy source (`{s}` becomes a wildcard
/// subdomain), if it is an http(s) URL with a plain host.
pub fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    let valid = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '*' | ':'));
    valid.then(|| format!("{scheme}://{host}"))
}

/// Puts the page's own policy, with its nonce, on a page answer (called from the router's
/// Leptos context, where the nonce and the response options are known).
pub fn page_policy(headers: &SecurityHeaders) {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&headers.policy(Some(&nonce)))
    {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The layer: every answer gets the headers it does not already carry.
pub async fn add(State(headers): State<Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let map = response.headers_mut();
    let mut default = |name: HeaderName, value: &str| {
        if !map.contains_key(&name)
            && let Ok(value) = HeaderValue::from_str(value)
        {
            map.insert(name, value);
        }
    };
    default(header::CONTENT_SECURITY_POLICY, &headers.policy(None));
    default(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    default(header::X_FRAME_OPTIONS, "DENY");
    // Tracking codes and filters live in URLs: none of them leaves for another site.
    default(header::REFERRER_POLICY, "same-origin");
    default(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    default(HeaderName::from_static("permissions-policy"), "camera=(self), geolocation=(self), microphone=()");
    if headers.https {
        default(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::SecurityHeaders;

    #[test]
    fn pages_run_only_their_nonced_scripts() {
        let headers = SecurityHeaders::new(None, false);
        let policy = headers.policy(Some("abc"));
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"), "{policy}");
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!headers.policy(None).contains("nonce"));
    }

    #[test]
    fn the_tile_server_may_serve_images() {
        let headers = SecurityHeaders::new(Some("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}"), true);
        assert_eq!(headers.tile_origin.as_deref(), Some("https://t*.tianditu.gov.cn"));
        assert!(headers.policy(None).contains("img-src 'self' data: blob: https://t*.tianditu.gov.cn;"));
        assert_eq!(SecurityHeaders::new(Some("javascript:alert(1)//x"), false).tile_origin, None);
        assert_eq!(SecurityHeaders::new(Some("https://a.example; script-src *"), false).tile_origin, None);
    }
}
