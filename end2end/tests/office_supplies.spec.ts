import { expect, test } from '@playwright/test';
import { applyForRequisition, gotoReady, login, ready } from './helpers';

// Office supplies (8.7.1): a requisition is applied for, approved by the approver ticked on
// its form, and issued — and the supply's stock goes down by its quantity (the tally the
// requisitions register declares; that it never goes below zero under concurrent requests is
// the integration test `engine_tally`). The approver is picked from the township's people,
// which needs JavaScript (without it, ids are typed): the no-js project skips this spec.

for (const [device, viewport, row] of [
  ['PC', { width: 1280, height: 860 }, 0],
  ['phone', { width: 390, height: 844 }, 1],
] as const) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('a requisition is approved and issued, and the stock goes down', async ({ page }, testInfo) => {
      test.skip(testInfo.project.use.javaScriptEnabled === false, 'the approver picker needs JavaScript');
      await login(page, testInfo, 'leader', undefined, '/m/office/supplies');
      // A supply of its own for each run in parallel, with enough in stock.
      const supply = page.locator('table.engine-list tbody tr').filter({ has: page.locator('td[data-label="库存数量"]', { hasText: /^[1-9]\d+$/ }) }).nth(row);
      const name = (await supply.locator('td[data-label="物品名称"]').innerText()).trim();
      const before = Number((await supply.locator('td[data-label="库存数量"]').innerText()).trim());
      const me = (await page.locator('.user-chip span').first().innerText()).trim();

      await gotoReady(page, testInfo, '/m/office/requisitions/new');
      await page.getByLabel('物品', { exact: true }).selectOption({ label: name });
      await page.getByLabel('数量', { exact: true }).fill('2');
      await page.getByLabel('领用科室', { exact: true }).fill('党政办');
      await page.getByLabel('申领日期', { exact: true }).fill('2026-11-28');
      // The leader approves it themself.
      const approvers = page.locator('[data-field="approvers"]');
      await approvers.getByRole('checkbox', { name: me }).check();
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/office\/requisitions\/\d+$/);
      await ready(page, testInfo);

      const state = page.getByTestId('engine-state');
      const workflow = page.getByTestId('engine-workflow');
      await expect(state).toHaveText('待审批');
      await expect(page.getByTestId('engine-due')).toBeVisible();
      await workflow.getByRole('button', { name: '批准', exact: true }).click();
      await expect(state).toHaveText('已批准');
      await workflow.getByRole('button', { name: '发放', exact: true }).click();
      await expect(state).toHaveText('已发放');

      await gotoReady(page, testInfo, '/m/office/supplies');
      const after = page.locator('table.engine-list tbody tr').filter({ has: page.locator('td[data-label="物品名称"]', { hasText: name }) }).first();
      await expect(after.locator('td[data-label="库存数量"]')).toHaveText(String(before - 2));
    });
  });
}

// The approver named on a requisition is told: a clerk applies naming the town leader (in a
// browser with JavaScript, which the approver picker needs), and the leader — in this
// project's browser, with or without JavaScript — finds the notice among their notifications
// and opens the requisition from it.
test('the approver named on a requisition gets a notice opening it', async ({ page, browser }, testInfo) => {
  const record = await applyForRequisition(browser, '顾海峰', '党政办');

  await login(page, testInfo, 'leader', undefined, '/notifications');
  const notice = page.locator(`.notification-list a[href="${record}"]`);
  await expect(notice).toHaveText('请审批：物品领用「党政办」— 批准');
  await notice.click();
  await expect(page).toHaveURL(new RegExp(`${record}$`));
  await expect(page.getByTestId('engine-state')).toHaveText('待审批');
});
