/* 统管 Tongguan service worker — plain JS, no libraries.
 *
 * Bump VERSION on every release: the new worker then installs a fresh app shell and
 * `activate` deletes the caches of the previous version.
 */
"use strict";

const VERSION = "v6";
const PREFIX = "tongguan-";
const SHELL_CACHE = `${PREFIX}shell-${VERSION}`; // precached app shell + static assets
const PAGE_CACHE = `${PREFIX}pages-${VERSION}`; // last good copy of pages the user visited
const KEEP = [SHELL_CACHE, PAGE_CACHE];

const OFFLINE_URL = "/offline.html";
const APP_SHELL = [
  OFFLINE_URL,
  "/offline.js",
  "/pkg/tongguan.js",
  "/pkg/tongguan.wasm",
  "/pkg/tongguan.css",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/logo.svg",
];

// How long a navigation waits for the network before showing a cached copy
// (grid workers are often on weak village mobile signal).
const NAVIGATION_TIMEOUT_MS = 8000;

/* ---------- install: precache the shell ---------- */
self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // addAll is atomic: one missing file (e.g. a dev build without the wasm) would reject
      // it and abort the whole install. On failure, fall back to adding each file on its
      // own and ignore the individual failures: a partial shell is better than no worker.
      const requests = APP_SHELL.map((url) => new Request(url, { cache: "reload" }));
      try {
        await cache.addAll(requests);
      } catch {
        await Promise.allSettled(requests.map((req) => cache.add(req)));
      }
      await self.skipWaiting();
    })(),
  );
});

/* Each module's pages are a wasm chunk of their own, loaded when one of them is first shown
 * (the build's `--split`). The console must open any page offline, the report form above
 * all, so every chunk the build's manifest names is cached with the shell — once the page
 * has been idle a while, in an installed app or behind the login (`PRECACHE_PAGES`, sent
 * from app/src/lib.rs), one file at a time. Not at install: the downloads competed with the
 * first page's own (the command map took 1.2 s instead of 0.7 with a chunk per page). */
async function precachePageChunks() {
  try {
    const cache = await caches.open(SHELL_CACHE);
    const response = await fetch("/pkg/pages.json", { cache: "reload" });
    if (!response.ok) return;
    const manifest = await response.json();
    const chunks = new Set(Object.values(manifest).flat());
    const urls = [...chunks].map((name) => `/pkg/${name}.wasm`);
    urls.push("/pkg/__wasm_split.______________________.js");
    for (const url of urls) {
      // One at a time and only what is missing: a background task, not a second page load.
      if (!(await cache.match(url))) {
        await cache.add(new Request(url, { cache: "reload" })).catch(() => {});
      }
    }
  } catch {
    /* no split build (a development build): the one wasm above holds every page */
  }
}

/* ---------- activate: drop old versions, take control ---------- */
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(PREFIX) && !KEEP.includes(name))
          .map((name) => caches.delete(name)),
      );
      if (self.registration.navigationPreload) {
        await self.registration.navigationPreload.enable().catch(() => {});
      }
      await self.clients.claim();
    })(),
  );
});

/* ---------- messages from the page ---------- */
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (type === "PRECACHE_PAGES") {
    event.waitUntil(precachePageChunks());
  } else if (type === "CLEAR_PAGES") {
    // Sent on logout so a shared device keeps no copy of a previous user's pages.
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});

/* ---------- fetch routing ---------- */
function neverCache(url) {
  const p = url.pathname;
  return (
    // Server functions and APIs: live data and mutations, must never be answered from a
    // cache (a stale answer could hide a failed submission or show outdated case state).
    p.startsWith("/api/") ||
    // Health probes must reflect the real server, not the device's cache.
    p === "/healthz" ||
    p === "/readyz" ||
    // Server-sent events: an endless stream; caching would buffer it forever.
    p.startsWith("/events/stream")
  );
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  // Only GET is cacheable; POST (forms, server functions) goes straight to the network.
  if (request.method !== "GET") return;

  const url = new URL(request.url);
  // Other origins (map tiles, CDNs, …) are none of our business.
  if (url.origin !== self.location.origin) return;
  if (neverCache(url)) return;
  if ((request.headers.get("accept") || "").includes("text/event-stream")) return;

  if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
    return;
  }

  if (
    url.pathname.startsWith("/pkg/") ||
    url.pathname.startsWith("/icons/") ||
    url.pathname.startsWith("/vendor/") ||
    // The page's texts (app/src/i18n/texts.rs): the address names their version, so a
    // cached copy is never out of date, and a page opened offline hydrates in its language.
    url.pathname.startsWith("/texts/") ||
    url.pathname === "/manifest.webmanifest"
  ) {
    event.respondWith(staleWhileRevalidate(event));
  }
  // Anything else: default browser handling (HTTP cache only).
});

/* Pages — network first.
 * HTML is rendered on the server with live data and the user's session, so the network
 * copy is always preferred. When the network is down (or too slow), the last copy of that
 * page is shown so a grid worker can still read the case they opened; failing that, the
 * offline page explains that drafts stay on the device. */
function networkFirst(event) {
  const { request } = event;
  let stored = Promise.resolve();
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(request));
    if (isCacheable(response)) {
      // Store a clone in parallel: the page itself keeps streaming to the browser.
      stored = caches.open(PAGE_CACHE).then((cache) => cache.put(request, response.clone()));
    }
    return response;
  })();
  // Registered synchronously so the worker stays alive until the copy is stored.
  event.waitUntil(network.then(() => stored).catch(() => {}));

  return (async () => {
    try {
      return await withTimeout(network, NAVIGATION_TIMEOUT_MS);
    } catch (err) {
      const cached = await caches.match(request, { cacheName: PAGE_CACHE });
      if (cached) return cached;
      if (err && err.name === "TimeoutError") {
        // Nothing cached: keep waiting for the slow network rather than giving up.
        try {
          return await network;
        } catch {
          /* fall through to the offline page */
        }
      }
      const offline = await caches.match(OFFLINE_URL);
      return (
        offline ||
        new Response("网络不可用 / Network unavailable", {
          status: 503,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
        })
      );
    }
  })();
}

/* Build assets (/pkg/), icons and the manifest — stale-while-revalidate.
 * The JS/wasm bundle and CSS are large and change only on deploy; answering from the
 * cache makes start-up instant on slow links and works offline, while the background
 * fetch refreshes the copy for the next load. (File names are not content-hashed, so a
 * deploy shows up one load later; bumping VERSION clears the old copies at once.) */
function staleWhileRevalidate(event) {
  const { request } = event;
  let stored = Promise.resolve();
  const refresh = fetch(request)
    .then((response) => {
      if (isCacheable(response)) {
        stored = caches.open(SHELL_CACHE).then((cache) => cache.put(request, response.clone()));
      }
      return response;
    })
    .catch(() => undefined);
  event.waitUntil(refresh.then(() => stored).catch(() => {}));

  return (async () => {
    const cached = await caches.match(request, { cacheName: SHELL_CACHE });
    if (cached) return cached;
    return (await refresh) || Response.error();
  })();
}

/* Only store complete, successful, same-origin responses the server allows to be stored. */
function isCacheable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  const cc = response.headers.get("Cache-Control") || "";
  return !/no-store/i.test(cc);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new Error("timeout");
      err.name = "TimeoutError";
      reject(err);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
