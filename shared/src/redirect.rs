//! Where a redirect may lead: only to a page of our own site. Every handler that redirects to
//! a target taken from the request (the login's `next`, the language switch's `next`) asks
//! [`local_target`], never a prefix check of its own.
//!
//! The target is parsed by the WHATWG URL rules, the same a browser applies to `Location`: a
//! check of the raw text misses what the browser ignores or reinterprets (`/\t/evil.example`
//! loses its tab and becomes `//evil.example`; `/\evil.example` reads as `//evil.example`).

use url::Url;

/// A stand-in origin: a target is ours if, resolved against it, it keeps this origin.
const OWN_ORIGIN: &str = "http://tongguan.invalid/";

/// `next` as a path (with its query and fragment) on our own site, or `/` when it would leave it.
pub fn local_target(next: &str) -> String {
    let Ok(base) = Url::parse(OWN_ORIGIN) else {
        return "/".to_owned();
    };
    let Ok(target) = base.join(next.trim()) else {
        return "/".to_owned();
    };
    // A path that begins with two slashes would be read as another host once sent alone.
    if target.origin() != base.origin() || target.path().starts_with("//") || !next.trim().starts_with('/') {
        return "/".to_owned();
    }
    let mut local = target.path().to_owned();
    if let Some(query) = target.query() {
        local.push('?');
        local.push_str(query);
    }
    if let Some(fragment) = target.fragment() {
        local.push('#');
        local.push_str(fragment);
    }
    local
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn own_pages_are_kept() {
        assert_eq!(local_target("/events/12"), "/events/12");
        assert_eq!(local_target("/events?state=open&q=%E8%B7%AF"), "/events?state=open&q=%E8%B7%AF");
        assert_eq!(local_target("/my/reports#top"), "/my/reports#top");
    }

    #[test]
    fn every_way_off_the_site_leads_home() {
        for target in [
            "//evil.example/pwn",
            "/\t/evil.example/pwn",
            "/%09/evil.example/pwn",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/.//evil.example",
            "/\n/evil.example",
            " //evil.example",
            "evil.example",
            "",
        ] {
            let local = local_target(target);
            assert!(local == "/" || (local.starts_with('/') && !local.starts_with("//")), "{target:?} → {local:?}");
            assert!(!local.contains("evil.example") || !local.starts_with("//"), "{target:?} → {local:?}");
        }
        assert_eq!(local_target("/\t/evil.example/pwn"), "/");
        assert_eq!(local_target("/\\evil.example"), "/");
        assert_eq!(local_target("https://evil.example/"), "/");
    }
}
