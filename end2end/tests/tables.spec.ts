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
  const id = await page.getByRole('table').locator('tbody tr td:nth-child(4)').first().innerText();
  expect(id).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
});

test('a grid worker sees only their own grid', async ({ page }, testInfo) => {
  await login(page, testInfo, 'grid', undefined, '/base/residents');
  // With JavaScript the rows arrive after the client-side navigation: wait for them.
  const gridCells = page.getByRole('table').locator('tbody tr td:nth-child(7)');
  await expect(gridCells.first()).toBeVisible();
  await expect.poll(async () => new Set(await gridCells.allInnerTexts()).size).toBe(1);
});
