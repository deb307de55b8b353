import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { gotoReady, login, ready } from './helpers';

// Issue 11, defect 2: a citizen's report whose title, description and address are markup and
// script shows them as text everywhere they appear — the dispatcher's inbox, the event's
// page and its document title, the command map's tooltip, the reporter's list and detail,
// the public tracking page, the exports — and never runs: no dialog opens, `window.__xss`
// stays unset, and no element the text describes exists in the page. Runs hydrated and
// without JavaScript (the report itself is made in a browser with JavaScript, which the
// report form needs; the map is checked only hydrated).

const TITLE_MARKUP = '</title><img src=x onerror=window.__xss=1>';
const DESCRIPTION = '<script>window.__xss=2</script>"><svg onload=window.__xss=3>';
const ADDRESS = '"><svg onload=window.__xss=3> 梅李路';

declare global {
  interface Window {
    __xss?: number;
    __maps?: LeafletMap[];
  }
}
type LeafletLayer = { options?: { tgId?: number }; getTooltip?: () => unknown; openTooltip: () => void };
type LeafletMap = { eachLayer: (f: (layer: LeafletLayer) => void) => void };

const hydrated = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/** Every dialog (alert, confirm, prompt) a page opened, dismissed; `inert` fails on any. */
const dialogs = new WeakMap<Page, string[]>();
function noDialogs(page: Page) {
  const seen: string[] = [];
  dialogs.set(page, seen);
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    void dialog.dismiss();
  });
}

/** Nothing the text describes became part of the page, and nothing ran. */
async function inert(page: Page) {
  // An image that fails to load reports its error a moment later: give it the time.
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    xss: window.__xss,
    handlers: document.querySelectorAll('[onerror], [onload]').length,
    injectedScripts: [...document.scripts].filter((s) => (s.textContent ?? '').trim().startsWith('window.__xss')).length,
    headImages: document.head.querySelectorAll('img, svg').length,
    title: document.title,
  }));
  expect(dialogs.get(page) ?? [], 'no dialog opens').toEqual([]);
  expect(found.xss).toBeUndefined();
  expect(found.handlers).toBe(0);
  expect(found.injectedScripts).toBe(0);
  expect(found.headImages).toBe(0);
  return found.title;
}

/** The citizen reports, in a browser with JavaScript; returns the number and the tracking link. */
async function report(browser: Browser, title: string): Promise<{ number: string; track: string }> {
  const context = await browser.newContext({ javaScriptEnabled: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  noDialogs(page);
  await page.goto('/login');
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 20_000 });
  await page.getByLabel('用户名或手机号').fill('13800000001');
  await page.getByLabel(/^密码/).fill('Tongguan@2026');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto('/events/report');
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 20_000 });
  await page.getByLabel('事件类别').selectOption({ label: '占道经营' });
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('问题描述').fill(DESCRIPTION);
  await page.getByLabel('详细地址').fill(ADDRESS);
  const map = page.getByRole('region', { name: '选择事件位置的地图' });
  await expect(map).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
  await map.click();
  await expect(page.getByTestId('report-location')).toHaveText(/^\d+\.\d{5}, \d+\.\d{5}$/);
  await page.getByRole('button', { name: '提交上报' }).click();
  const done = page.getByTestId('report-done');
  await expect(done).toBeVisible();
  const number = (await done.innerText()).match(/TG-\d{4}-\d{6}/)?.[0];
  expect(number).toBeTruthy();
  // The tracking link as the receipt gives it (the code's format is the receipt's business).
  const track = await done.locator('a[href^="/track"]').getAttribute('href');
  expect(track).toBeTruthy();
  await inert(page);
  await context.close();
  return { number: number!, track: track! };
}

test('markup in a report is shown as text everywhere and never runs', async ({ browser, page }, testInfo) => {
  test.setTimeout(120_000);
  const title = `${TITLE_MARKUP} ${Date.now().toString(36)}`;
  const { number, track } = await report(browser, title);

  // The dispatcher: inbox, detail (with its document title), command map, exports.
  const staffContext = await browser.newContext({
    javaScriptEnabled: hydrated(testInfo),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const staff = await staffContext.newPage();
  noDialogs(staff);
  await login(staff, testInfo, 'staff');
  await gotoReady(staff, testInfo, `/events?q=${encodeURIComponent(number)}`);
  const row = staff.locator(`tr[data-event="${number}"]`);
  await expect(row).toContainText(title);
  await inert(staff);
  await row.getByRole('link', { name: number }).click();
  await ready(staff, testInfo);
  await expect(staff.locator('h1.page-title')).toHaveText(title);
  await expect(staff.getByText(DESCRIPTION).first()).toBeVisible();
  await expect(staff.getByText(ADDRESS).first()).toBeVisible();
  expect(await inert(staff)).toContain(`${number} ${title}`);
  expect(await staff.title()).toContain(title);
  const detailPath = new URL(staff.url()).pathname;
  expect(detailPath).toMatch(/^\/events\/\d+$/);

  if (hydrated(testInfo)) {
    // The map's pins carry the number and title as a tooltip (HTML in Leaflet): keep hold of
    // every Leaflet map the page makes, then open the pins' tooltips and read them.
    await staff.addInitScript(() => {
      let leaflet: { Map?: { addInitHook?: (f: () => void) => void } } | undefined;
      window.__maps = [];
      Object.defineProperty(window, 'L', {
        configurable: true,
        get: () => leaflet,
        set: (value) => {
          leaflet = value;
          value?.Map?.addInitHook?.(function (this: LeafletMap) {
            window.__maps!.push(this);
          });
        },
      });
    });
    await gotoReady(staff, testInfo, `/events/command?q=${encodeURIComponent(number)}`);
    await expect(staff.locator('.command-leaflet')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await expect(staff.getByTestId('command-count')).toContainText('1');
    await expect(staff.locator('.command-queue').getByText(title)).toBeVisible();
    await expect
      .poll(
        () =>
          staff.evaluate(() => {
            for (const map of window.__maps ?? []) {
              map.eachLayer((layer) => {
                if (layer.options?.tgId !== undefined && layer.getTooltip?.()) layer.openTooltip();
              });
            }
            return [...document.querySelectorAll('.command-leaflet .leaflet-tooltip')].map((t) => ({
              text: t.textContent,
              elements: t.querySelectorAll('*').length,
            }));
          }),
        { timeout: 10_000 },
      )
      .toContainEqual({ text: `${number} ${title}`, elements: 0 });
    await inert(staff);
  }

  // The exports, read as text: the markup is there as it was typed, and served as no page.
  const csv = await staff.request.get(`/api/events/export.csv?q=${encodeURIComponent(number)}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(csv.headers()['content-type']).not.toContain('html');
  expect(await csv.text()).toContain(title);
  const xlsx = await staff.request.get(`/api/events/export.xlsx?q=${encodeURIComponent(number)}`);
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
  await staffContext.close();

  // The reporter: my reports, its detail, the public tracking page (in this project's mode).
  noDialogs(page);
  await login(page, testInfo, '13800000001');
  await gotoReady(page, testInfo, '/my/reports');
  const mine = page.locator(`tr[data-event="${number}"]`);
  await expect(mine).toContainText(title);
  await inert(page);
  await mine.getByRole('link').first().click();
  await ready(page, testInfo);
  await expect(page).toHaveURL(/\/my\/reports\/\d+$/);
  await expect(page.locator('h1.page-title')).toHaveText(title);
  await expect(page.getByText(DESCRIPTION).first()).toBeVisible();
  expect(await inert(page)).toContain(`${number} ${title}`);
  await gotoReady(page, testInfo, track);
  await expect(page.locator('.track-result h2')).toHaveText(`${number} ${title}`);
  await inert(page);
  // The public page needs no login either.
  const anonymous = await browser.newContext({ javaScriptEnabled: hydrated(testInfo), locale: 'zh-CN' });
  const stranger = await anonymous.newPage();
  noDialogs(stranger);
  await gotoReady(stranger, testInfo, track);
  await expect(stranger.locator('.track-result h2')).toHaveText(`${number} ${title}`);
  await inert(stranger);
  await anonymous.close();
});
