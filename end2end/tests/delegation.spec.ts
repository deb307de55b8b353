import { expect, test } from '@playwright/test';
import { applyForRequisition, login, ready } from './helpers';

// Delegation while away (外出委托审批, issue 13): an approver going away names the town
// leader (顾海峰) on their profile to approve in their place; a bad pair of dates is refused
// next to the field and adds nothing. A requisition naming only the absent approver then tells
// the leader, who approves it from its page, where the approval shows whom it was given for.
// Ended early, the delegation says so. Each project has its own approver (the leader is the
// delegate of both): the hydrated one on a PC, the no-js one on a phone, with plain forms.

const AWAY = {
  hydrated: { username: 'village', name: '徐建华', viewport: { width: 1280, height: 860 } },
  'no-js': { username: 'grid', name: '陈雨婷', viewport: { width: 390, height: 844 } },
} as const;

function day(offset: number): string {
  // The server's days are China Standard Time.
  const shanghai = new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000);
  return shanghai.toISOString().slice(0, 10);
}

test('an approver away is stood for by the colleague they named', async ({ page }, testInfo) => {
  // Every project has its own approver: a new project must add one, not skip.
  const away = AWAY[testInfo.project.name as keyof typeof AWAY];
  expect(away, `an approver for project ${testInfo.project.name}`).toBeDefined();
  await page.setViewportSize(away.viewport);

  await login(page, testInfo, away.username, undefined, '/me');
  const section = page.getByTestId('delegation');
  await expect(section.getByRole('heading', { name: '外出委托审批' })).toBeVisible();
  // An earlier run's delegation still running is ended first (one at a time).
  const given = page.getByTestId('delegations-given');
  while ((await given.getByTestId('delegation-revoke').count()) > 0) {
    const before = await given.locator('tr[data-status="revoked"]').count();
    await given.getByTestId('delegation-revoke').first().click();
    await expect(given.locator('tr[data-status="revoked"]')).toHaveCount(before + 1);
  }
  const rows = await given.locator('tbody tr').count();

  // The last day before the first: refused next to the field, nothing added.
  await section.getByLabel('受托人').selectOption({ label: '顾海峰' });
  await section.getByLabel('开始日期').fill(day(1));
  await section.getByLabel('结束日期').fill(day(0));
  await section.getByTestId('delegation-add').click();
  await expect(section.locator('.field-error', { hasText: '结束日期不能早于开始日期' })).toBeVisible();
  // Refused, the form keeps what was typed (with JavaScript; without, the page is new).
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await expect(section.getByLabel('开始日期')).toHaveValue(day(1));
  }
  await expect(given.locator('tbody tr')).toHaveCount(rows);

  // Today and tomorrow: running.
  await section.getByLabel('受托人').selectOption({ label: '顾海峰' });
  await section.getByLabel('开始日期').fill(day(0));
  await section.getByLabel('结束日期').fill(day(1));
  await section.getByLabel('原因').fill('到县里参加培训');
  await section.getByTestId('delegation-add').click();
  const running = given.locator('tr[data-status="active"]');
  await expect(running).toHaveCount(1);
  await expect(running).toContainText('顾海峰');
  await expect(running).toContainText(`${day(0)} ~ ${day(1)}`);
  await page.screenshot({ path: `artifacts/delegation-${testInfo.project.name}.png`, fullPage: true });
  await page.context().clearCookies();

  // A requisition waits for the absent approver: the leader is told and approves it.
  const record = await applyForRequisition(page.context().browser()!, away.name, '综治办');
  await login(page, testInfo, 'leader', undefined, '/me');
  await expect(page.getByTestId('delegations-received').locator('tr[data-status="active"]', { hasText: away.name }).first()).toBeVisible();
  await page.goto('/notifications');
  await ready(page, testInfo);
  await page.locator(`.notification-list a[href="${record}"]`).click();
  await expect(page).toHaveURL(new RegExp(`${record}$`));
  await ready(page, testInfo);
  const workflow = page.getByTestId('engine-workflow');
  await expect(page.getByTestId('engine-state')).toHaveText('待审批');
  await workflow.getByRole('button', { name: '批准', exact: true }).click();
  await expect(page.getByTestId('engine-state')).toHaveText('已批准');
  await expect(page.getByTestId('engine-approvals')).toContainText(`${away.name}（顾海峰 代签）`);
  await page.context().clearCookies();

  // The approver, back, ends it early.
  await login(page, testInfo, away.username, undefined, '/me');
  await given.locator('tr[data-status="active"]').getByTestId('delegation-revoke').click();
  await expect(given.locator('tr[data-status="active"]')).toHaveCount(0);
  await expect(given.locator('tr[data-status="revoked"]').first()).toContainText('已提前结束');
});
