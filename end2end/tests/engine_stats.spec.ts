import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login } from './helpers';

// A register's statistics page (issue 13): from the list, the records counted by a choice,
// then by month; a month opens the list of exactly its records; sums of money are shown in
// yuan. The form is a plain GET form, so it works the same without JavaScript.

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('a leader counts meetings by kind and by month and drills down to a month', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/meetings');
      await page.getByTestId('engine-stats').click();
      await expect(page).toHaveURL(/\/m\/party\/meetings\/stats/);
      await expect(page.getByRole('heading', { level: 1, name: '统计分析' })).toBeVisible();
      const table = page.getByTestId('engine-stats-table');
      // The first dimension offered is the meeting's kind: 主题党日 is one of its groups.
      await expect(table.getByRole('link', { name: '主题党日' })).toBeVisible();
      const total = Number((await page.getByTestId('engine-stats-total').innerText()).replace(/[^\d]/g, ''));
      expect(total).toBeGreaterThan(0);
      await page.screenshot({ path: `artifacts/engine-stats-${device}-${testInfo.project.name}.png`, fullPage: true });

      await page.locator('#stats-by').selectOption('held_on@month');
      await page.getByRole('button', { name: '统计', exact: true }).click();
      await expect(page).toHaveURL(/by=held_on%40month|by=held_on@month/);
      const first = table.locator('tbody tr').first();
      await expect(first.locator('th')).toHaveText(/^\d{4}-\d{2}$/);
      const month = (await first.locator('th').innerText()).trim();
      const count = Number((await first.locator('td').first().innerText()).replace(/[^\d]/g, ''));
      await first.getByRole('link').click();
      await expect(page).toHaveURL(new RegExp(`/m/party/meetings\\?held_on=${month}`));
      await expect(page.getByText(`共 ${count} 条`)).toBeVisible();
      // The list keeps the month in its filter form.
      await expect(page.locator('#filter-held_on')).toHaveValue(month);
    });
  });
}

test('dues are summed in yuan by village', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader', undefined, '/');
  await gotoReady(page, testInfo, '/m/party/dues/stats?by=village&sum=amount');
  await expect(page.getByTestId('engine-stats-total')).toContainText(/共 [\d,]+ 条 · 应缴金额 ¥[\d,]+\.\d{2}/);
  await expect(page.getByTestId('engine-stats-table').locator('tbody tr').first().locator('td').nth(1)).toHaveText(/^¥/);
});
