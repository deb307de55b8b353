import { type Page, expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

/** How many of the build's wasm chunks (pkg/pages.json) the service worker holds, waiting
 * up to 30 s for all of them; and how many there are. */
async function cachedChunks(page: Page): Promise<[number, number]> {
  return page.evaluate(async () => {
    const manifest = await (await fetch('/pkg/pages.json')).json();
    const names = [...new Set(Object.values(manifest).flat())] as string[];
    let found = 0;
    for (let i = 0; i < 150; i++) {
      found = 0;
      for (const name of names) if (await caches.match(`/pkg/${name}.wasm`)) found++;
      if (found === names.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return [found, names.length];
  });
}

test('the web manifest has the icons an installable app needs', async ({ request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.ok()).toBeTruthy();
  const manifest = await response.json();
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBe('/');
  const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes);
  expect(sizes).toContain('192x192');
  expect(sizes).toContain('512x512');
  for (const icon of manifest.icons) {
    expect((await request.get(icon.src)).ok()).toBeTruthy();
  }
});

test('the service worker is registered and caches the app shell', async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await gotoReady(page, testInfo, '/login');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toMatch(/\/$/);
  const cached = await page.evaluate(async () => {
    for (let i = 0; i < 50; i++) {
      const keys = await caches.keys();
      for (const key of keys) {
        const cache = await caches.open(key);
        if (await cache.match('/offline.html')) return true;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  });
  expect(cached).toBeTruthy();
  // Every page's wasm chunk (the build's --split) is cached with the shell when the installed
  // app asks (it does after a few idle seconds; a test browser is never "installed", so the
  // test asks the same way), so that an installed app opens any page offline.
  await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.postMessage({ type: 'PRECACHE_PAGES' }));
  const [found, chunks] = await cachedChunks(page);
  expect(chunks).toBeGreaterThan(0);
  expect(found).toBe(chunks);
  // Chromium's own verdict on installability (manifest, icons, service worker with fetch).
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's browser contexts are incognito, which Chromium reports on its own; any
  // other reason (manifest, icons, service worker) would be ours.
  expect(installabilityErrors.map((e: { errorId: string }) => e.errorId).filter((id: string) => id !== 'in-incognito')).toEqual([]);
});

test('offline, a page falls back to the offline page', async ({ page, context }, testInfo) => {
  await gotoReady(page, testInfo, '/login');
  await page.evaluate(async () => navigator.serviceWorker.ready);
  await page.reload();
  await context.setOffline(true);
  await page.goto('/register/enterprise').catch(() => undefined);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await context.setOffline(false);
});

test('behind the login, a browser tab keeps the code of every module and opens a page it never visited offline', async ({ page, context }, testInfo) => {
  test.setTimeout(60_000);
  await login(page, testInfo, 'staff');
  // A full load of a console page: after five idle seconds it asks the service worker to keep
  // every module's chunk, unasked by the test.
  await gotoReady(page, testInfo, '/me');
  const [found, chunks] = await cachedChunks(page);
  expect(chunks).toBeGreaterThan(0);
  expect(found).toBe(chunks);
  // Offline, a module never opened in this tab (base data) still comes up from the menu.
  await context.setOffline(true);
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '法人单位' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '法人单位' })).toBeVisible();
  await context.setOffline(false);
});
