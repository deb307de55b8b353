import { expect, test } from '@playwright/test';
import { gotoReady, login, ready } from './helpers';

// 一网统管 pages that are server-rendered and must work without JavaScript too (R-3.2-*).
// The loop across browsers, the offline report and the command map: events-live.spec.ts.

test('the inbox filters by state from the URL', async ({ page }, testInfo) => {
  await login(page, testInfo, 'staff');
  await gotoReady(page, testInfo, '/events?state=closed');
  const badges = page.locator('.event-table tbody td:nth-child(3) .badge').first();
  await expect(badges).toHaveText('已结案');
  await expect(page.getByRole('link', { name: /已结案/ })).toHaveAttribute('aria-current', 'page');
});

// Numbers count up: the public page answers only to the whole tracking code (number + random
// key, given to the reporter), never to a number alone. Following an event by its code, with
// JavaScript: events-live.spec.ts; without: server/tests/it/events.rs.
test('the public tracking page does not answer to a bare event number', async ({ page }, testInfo) => {
  const year = new Date().getFullYear();
  for (const code of [`TG-${year}-000001`, `TG-${year}-000001-22222222`, 'TG-1999-000001-K7P2QX9A']) {
    await gotoReady(page, testInfo, `/track?no=${code}`);
    await expect(page.getByRole('alert')).toContainText('记录不存在');
    await expect(page.getByTestId('track-state')).toHaveCount(0);
  }
  await expect(page.getByLabel('查询码')).toHaveAttribute('placeholder', /^TG-\d{4}-\d{6}-[2-9A-HJ-NP-Z]{8}$/);
});

test('a dispatcher accepts an event without JavaScript', async ({ page }, testInfo) => {
  await login(page, testInfo, 'staff');
  await gotoReady(page, testInfo, '/events?state=reported');
  await page.locator('.event-table tbody a').first().click();
  await ready(page, testInfo);
  await expect(page.getByTestId('event-state')).toHaveText('待受理');
  await page.getByRole('button', { name: '立案' }).click();
  await expect(page.getByTestId('event-state')).toHaveText('已立案');
});

test('statistics show on-time rate and satisfaction, and export with the filter', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader');
  await gotoReady(page, testInfo, '/events/stats?by=village');
  await expect(page.getByRole('heading', { name: '统计分析', level: 1 })).toBeVisible();
  await expect(page.getByText('按时率').first()).toBeVisible();
  await expect(page.locator('table tbody tr').first()).toBeVisible();
  const excel = page.getByRole('link', { name: /Excel/ }).first();
  await expect(excel).toHaveAttribute('href', /stats\.xlsx\?.*by=village/);
  const response = await page.request.get((await excel.getAttribute('href'))!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('spreadsheetml');
  await page.screenshot({ path: 'artifacts/stats-pc.png', fullPage: true });
});
