import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

test('the residents table sorts, filters and pages on the server', async ({ page }, testInfo) => {
  await login(page, testInfo, 'staff', undefined, '/base/residents');
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(21); // header + 20
  await expect(page.getByText(/共 [\d,]+ 条，第 1\/\d+ 页/)).toBeVisible();

  await table.getByRole('link', { name: '出生日期' }).click();
  await expect(page).toHaveURL(/sort=birth_date&dir=asc/);
  await expect(table.getByRole('columnheader', { name: '出生日期' })).toHaveAttribute('aria-sort', 'ascending');
  // Wait for the sorted page (with JavaScript it is fetched after the URL changes).
  const dateCells = table.locator('tbody tr td:nth-child(3)');
  await expect.poll(async () => {
    const dates = await dateCells.allInnerTexts();
    return dates.length === 20 && dates.join() === [...dates].sort().join();
  }).toBeTruthy();

  await page.getByRole('navigation', { name: '分页' }).getByRole('link', { name: '下一页' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText(/第 2\/\d+ 页/)).toBeVisible();

  await gotoReady(page, testInfo, '/base/residents');
  const village = page.getByLabel('村（社区）');
  const options = await village.locator('option').allInnerTexts();
  await village.selectOption({ label: options[1] });
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/filter=\d+/);
  const villageCells = page.getByRole('table').locator('tbody tr td:nth-child(6)');
  await expect.poll(async () => [...new Set(await villageCells.allInnerTexts())]).toEqual([options[1]]);
  // Masked personal data.
  const id = await page.getByRole('table').locator('tbody tr td:nth-child(4) .mono').first().innerText();
  expect(id).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
});

test('a clerk reveals one ID number, found again by it, and the auditor sees the reveal', async ({ page }, testInfo) => {
  await login(page, testInfo, 'staff', undefined, '/base/residents');
  const cell = page.getByRole('table').locator('tbody tr td:nth-child(4)').first();
  const number = cell.locator('.mono');
  await expect(number).toHaveText(/^\d{6}\*{8}[\dX]{4}$/);
  if (testInfo.project.use.javaScriptEnabled === false) {
    // Revealing runs in the page's code: without it the masks stay, and no dead button shows.
    await expect(page.getByRole('table').getByRole('button')).toHaveCount(0);
    return;
  }
  const masked = await number.innerText();
  const name = await page.getByRole('table').locator('tbody tr td:nth-child(1)').first().innerText();
  await cell.getByRole('button', { name: `显示${name}的居民公民身份号码（将记入审计日志）` }).click();
  await expect(number).toHaveText(/^\d{17}[\dX]$/);
  const whole = await number.innerText();
  expect([whole.slice(0, 6), whole.slice(14)]).toEqual([masked.slice(0, 6), masked.slice(14)]);
  await expect(cell.getByRole('button')).toBeHidden();

  // The whole number (the database holds it only sealed) finds that resident and no other.
  await gotoReady(page, testInfo, `/base/residents?q=${whole}`);
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator('td').first()).toHaveText(name);
  await page.context().clearCookies();

  // A grid worker sees the mask and no button.
  await login(page, testInfo, 'grid', undefined, '/base/residents');
  await expect(page.getByRole('table').locator('tbody tr td:nth-child(4) .mono').first()).toHaveText(/\*{8}/);
  await expect(page.getByRole('table').getByRole('button', { name: /显示/ })).toHaveCount(0);
  await page.context().clearCookies();

  await login(page, testInfo, 'auditor', undefined, '/admin/audit?action=personal.reveal');
  const log = page.getByRole('table', { name: '审计日志' });
  await expect(log.getByText('查看个人信息明文').first()).toBeVisible();
  await expect(log.getByText('居民公民身份号码').first()).toBeVisible();
});

test('a grid worker sees only their own grid', async ({ page }, testInfo) => {
  await login(page, testInfo, 'grid', undefined, '/base/residents');
  // With JavaScript the rows arrive after the client-side navigation: wait for them.
  const gridCells = page.getByRole('table').locator('tbody tr td:nth-child(7)');
  await expect(gridCells.first()).toBeVisible();
  await expect.poll(async () => new Set(await gridCells.allInnerTexts()).size).toBe(1);
});
