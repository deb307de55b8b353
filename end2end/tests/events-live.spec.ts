import { Browser, BrowserContext, expect, Page, test, TestInfo } from '@playwright/test';
import { gotoReady, login, ready } from './helpers';

// 一网统管 in the browser (R-3.2-*), the parts that need JavaScript (live updates, the map,
// the device's outbox; the no-JS project leaves this file out, see playwright.config.ts):
// a citizen reports on a phone with a photo and a map pin, the dispatcher sees it arrive live
// and dispatches it, a handler on a phone handles it with a photo, the dispatcher verifies and
// closes it, the citizen confirms. Plus the offline report and the command view.

const PHONE = { width: 390, height: 844 };
const PC = { width: 1440, height: 900 };

/** A small real PNG (a 4×4 red square), made in the test so no fixture file is needed. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mO4YGAARwzEcQD4QxMBRulGlAAAAABJRU5ErkJggg==',
  'base64',
);

async function session(browser: Browser, testInfo: TestInfo, username: string, viewport = PC): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await login(page, testInfo, username);
  return [context, page];
}

/** Fills the report form: category, title, description, a pin in the middle of the map. */
async function fillReport(page: Page, title: string) {
  await page.getByLabel('事件类别').selectOption({ label: '占道经营' });
  await page.getByLabel('标题').fill(title);
  await page.getByLabel('问题描述').fill('早市摊贩占用人行道，行人只能走机动车道。');
  const map = page.getByRole('region', { name: '选择事件位置的地图' });
  await expect(map).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
  await expect(page.getByTestId('report-location')).toHaveText('尚未选择位置');
  // A click in the middle of the map (scrolled into view on a phone) drops the pin.
  await map.click();
  await expect(page.getByTestId('report-location')).toHaveText(/^\d+\.\d{5}, \d+\.\d{5}$/);
}

test.describe('the loop', () => {
  test.setTimeout(120_000);

  test('a citizen and three staff carry an event from report to confirmation', async ({ browser }, testInfo) => {
    const title = `人行道被占用 ${Date.now()}`;
    const [dispatcherContext, dispatcher] = await session(browser, testInfo, 'staff');
    await gotoReady(dispatcher, testInfo, '/events?state=reported');
    await expect(dispatcher.getByRole('heading', { name: '事件受理', level: 1 })).toBeVisible();

    // The citizen reports on a phone, with a photo and a map pin.
    const [citizenContext, citizen] = await session(browser, testInfo, '13800000001', PHONE);
    await gotoReady(citizen, testInfo, '/events/report');
    await fillReport(citizen, title);
    await citizen.getByLabel('现场照片').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: PNG });
    await expect(citizen.locator('.photo-strip img')).toHaveCount(1);
    await citizen.getByRole('button', { name: '提交上报' }).click();
    const done = citizen.getByTestId('report-done');
    await expect(done).toBeVisible();
    // The receipt gives the tracking code (number + random key); staff know the number.
    const code = (await citizen.getByTestId('tracking-code').innerText()).trim();
    expect(code).toMatch(/^TG-\d{4}-\d{6}-[2-9A-HJ-NP-Z]{8}$/);
    const number = code.slice(0, code.lastIndexOf('-'));
    await citizen.screenshot({ path: 'artifacts/event-report-phone.png', fullPage: true });

    // The dispatcher's inbox shows it without a reload (server-sent events).
    const row = dispatcher.locator(`tr[data-event="${number}"]`);
    await expect(row).toBeVisible({ timeout: 5_000 });
    await row.getByRole('link', { name: number! }).click();
    await ready(dispatcher, testInfo);
    await expect(dispatcher.getByTestId('event-state')).toHaveText('待受理');
    await expect(dispatcher.getByRole('img', { name: '事件照片' }).first()).toBeVisible();
    await dispatcher.getByRole('button', { name: '立案' }).click();
    await expect(dispatcher.getByTestId('event-state')).toHaveText('已立案');
    await dispatcher.getByLabel('处置部门').selectOption({ label: '综合行政执法大队' });
    await dispatcher.getByLabel('指定处置人（可选）').selectOption({ label: '王振东（部门处置人员）' });
    await dispatcher.getByRole('button', { name: '派遣', exact: true }).click();
    await expect(dispatcher.getByTestId('event-state')).toHaveText('已派遣');
    await dispatcher.screenshot({ path: 'artifacts/event-detail-pc.png', fullPage: true });

    // The handler, on a phone, finds it among their tasks, signs for it and handles it.
    const [handlerContext, handler] = await session(browser, testInfo, 'handler', PHONE);
    await gotoReady(handler, testInfo, '/events/tasks');
    await handler.getByRole('link', { name: number! }).click();
    await ready(handler, testInfo);
    await handler.getByRole('button', { name: '签收' }).click();
    await expect(handler.getByTestId('event-state')).toHaveText('处置中');
    await handler.getByLabel('处置情况').fill('已劝离摊贩，清扫路面，恢复通行。');
    await handler.getByLabel('处置照片（处置前后）').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: PNG });
    await expect(handler.locator('.photo-strip img')).toHaveCount(1);
    await handler.getByRole('button', { name: '办结' }).click();
    await expect(handler.getByTestId('event-state')).toHaveText('待核查');

    // The dispatcher's open page follows by itself; they verify and close.
    await expect(dispatcher.getByTestId('event-state')).toHaveText('待核查', { timeout: 5_000 });
    await dispatcher.getByRole('button', { name: '核查通过' }).click();
    await expect(dispatcher.getByTestId('event-state')).toHaveText('已核查');
    await dispatcher.getByRole('button', { name: '结案' }).click();
    await expect(dispatcher.getByTestId('event-state')).toHaveText('已结案');

    // The citizen sees the result and confirms it.
    await gotoReady(citizen, testInfo, '/my/reports');
    // Their list shows the whole tracking code, to copy; so does the detail.
    await citizen.getByRole('link', { name: code, exact: true }).click();
    await ready(citizen, testInfo);
    await expect(citizen.getByTestId('tracking-code')).toHaveText(code);
    await expect(citizen.getByTestId('event-state')).toHaveText('已结案');
    await expect(citizen.getByText('已劝离摊贩，清扫路面，恢复通行。')).toBeVisible();
    await citizen.getByLabel('非常满意').check();
    await citizen.getByRole('button', { name: '确认并评价' }).click();
    await expect(citizen.getByText('5/5')).toBeVisible();
    await expect(citizen.getByRole('button', { name: '确认并评价' })).toHaveCount(0);

    // Anyone with the tracking code follows it, without names; the number alone finds nothing.
    await gotoReady(citizen, testInfo, `/track?no=${code}`);
    await expect(citizen.getByTestId('track-state')).toHaveText('已结案');
    await expect(citizen.getByText('王振东')).toHaveCount(0);
    await gotoReady(citizen, testInfo, `/track?no=${number}`);
    await expect(citizen.getByRole('alert')).toContainText('记录不存在');
    await expect(citizen.getByTestId('track-state')).toHaveCount(0);
    await Promise.all([dispatcherContext.close(), citizenContext.close(), handlerContext.close()]);
  });

  test('a report made offline is sent once when the network returns', async ({ browser }, testInfo) => {
    const title = `离线上报 ${Date.now()}`;
    const [context, page] = await session(browser, testInfo, '13800000001', PHONE);
    await gotoReady(page, testInfo, '/events/report');
    await fillReport(page, title);
    await context.setOffline(true);
    await page.getByRole('button', { name: '提交上报' }).click();
    await expect(page.getByTestId('report-queued')).toBeVisible();
    // Nothing is lost: the queued report survives a reload of the page... once online again.
    await context.setOffline(false);
    await expect(page.getByTestId('report-done')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('tracking-code')).toHaveText(/^TG-\d{4}-\d{6}-[2-9A-HJ-NP-Z]{8}$/);
    // Reload: the outbox is empty, nothing is sent twice.
    await gotoReady(page, testInfo, '/events/report');
    await gotoReady(page, testInfo, '/my/reports');
    // One row with that title (the title cell also names the category and channel).
    await expect(page.locator('tbody tr', { hasText: title })).toHaveCount(1);
    await context.close();
  });

  test('a photo taken offline waits on the device and goes with the report when the network returns', async ({ browser }, testInfo) => {
    const title = `离线拍照 ${Date.now()}`;
    const [context, page] = await session(browser, testInfo, '13800000001', PHONE);
    await gotoReady(page, testInfo, '/events/report');
    await fillReport(page, title);
    await context.setOffline(true);
    await page.getByLabel('现场照片').setInputFiles({ name: 'offline.png', mimeType: 'image/png', buffer: PNG });
    await expect(page.getByTestId('photo-pending')).toHaveText('已存本机，联网后自动上传');
    await expect(page.locator('.photo-strip img')).toHaveCount(1);
    await page.getByRole('button', { name: '提交上报' }).click();
    await expect(page.getByTestId('report-queued')).toBeVisible();
    await context.setOffline(false);
    await expect(page.getByTestId('report-done')).toBeVisible({ timeout: 15_000 });
    const number = (await page.getByTestId('report-done').innerText()).match(/TG-\d{4}-\d{6}/)?.[0];
    expect(number).toBeTruthy();
    await context.close();
    // The dispatcher sees the event once, with its photo.
    const [staffContext, staff] = await session(browser, testInfo, 'staff');
    await gotoReady(staff, testInfo, `/events?q=${encodeURIComponent(number!)}`);
    await expect(staff.locator(`tr[data-event="${number}"]`)).toHaveCount(1);
    await staff.getByRole('link', { name: number! }).click();
    await ready(staff, testInfo);
    await expect(staff.getByRole('img', { name: '事件照片' })).toHaveCount(1);
    await staffContext.close();
  });

  test('a report without its facts says what is missing and keeps what was typed', async ({ page }, testInfo) => {
    await login(page, testInfo, '13800000001');
    await gotoReady(page, testInfo, '/events/report');
    await page.getByLabel('标题').fill('井盖');
    await page.getByRole('button', { name: '提交上报' }).click();
    await expect(page.getByText('请选择事件类别')).toBeVisible();
    await expect(page.getByText('请描述问题，至少 5 个字')).toBeVisible();
    await expect(page.getByText('请在地图上点选位置，或使用当前定位')).toBeVisible();
    // The draft is on the device: a reload keeps the title.
    await page.reload();
    await ready(page, testInfo);
    await expect(page.getByLabel('标题')).toHaveValue('井盖');
  });

  test('a map opened within the app after another map still draws', async ({ page }, testInfo) => {
    await page.setViewportSize(PC);
    await login(page, testInfo, 'staff');
    // The report page loads Leaflet; the command map then mounts inside a Suspense, without a
    // page load, and must wait for its host to be in the document.
    await gotoReady(page, testInfo, '/events/report');
    await expect(page.getByRole('region', { name: '选择事件位置的地图' })).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await page.getByRole('navigation').getByRole('link', { name: '调度指挥' }).click();
    await expect(page).toHaveURL(/\/events\/command/);
    await expect(page.locator('.command-leaflet')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    // One menu entry is current: the command view's, not the inbox's at /events too.
    await expect(page.locator('.sidebar [aria-current="page"]')).toHaveText(['调度指挥']);
  });

  test('the point picked on the command map shows its national map-sheet numbers', async ({ page }, testInfo) => {
    await page.setViewportSize(PC);
    await login(page, testInfo, 'staff', undefined, '/events/command');
    const map = page.locator('.command-leaflet');
    await expect(map).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    const numbers = page.getByTestId('sheet-numbers');
    await expect(numbers).toContainText('点击地图任一位置');
    // Enter on the focused map picks its centre (a click may land on a pin).
    await map.focus();
    await page.keyboard.press('Enter');
    await expect(numbers).toContainText('点击位置：北纬');
    const [, lat, lng] = (await numbers.locator('p').innerText()).match(/北纬 ([\d.]+)°，东经 ([\d.]+)°/) ?? [];
    // The demo township lies on the 1:1,000,000 sheet H51; the browser's numbers are the server's.
    await expect(numbers.locator('dd[data-scale="1000000"]')).toHaveText('H51');
    const answer = await (await page.request.get(`/api/v1/geo/map-sheet?lat=${lat}&lon=${lng}`)).json();
    for (const scale of [10000, 5000, 2000, 500]) {
      const sheet = answer.sheets.find((s: { denominator: number }) => s.denominator === scale);
      await expect(numbers.locator(`dd[data-scale="${scale}"]`)).toHaveText(sheet.number);
    }
    await expect(numbers.locator('dd[data-scale="500"]')).toHaveText(/^H51K\d{8}$/);
  });

  test('the command view maps the running events and dispatches in bulk', async ({ page }, testInfo) => {
    await page.setViewportSize(PC);
    await login(page, testInfo, 'staff');
    await gotoReady(page, testInfo, '/events/command?state=accepted');
    await expect(page.locator('.command-leaflet')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    const boxes = page.locator('.command-queue tbody input[type=checkbox]');
    await expect(boxes.first()).toBeVisible();
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByLabel('处置部门').selectOption({ label: '综合行政执法大队' });
    await page.getByRole('button', { name: '派遣所选（2）' }).click();
    await expect(page.getByText('已派遣 2 件')).toBeVisible();
    await page.screenshot({ path: 'artifacts/command-pc.png' });
  });
});
