import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

// 运维管理 (clause 9.4) as the system administrator keeps it: a fault found on an inspection is
// reported on its form, numbered, taken on, resolved and closed from its page; the inspection
// that found it names it, and the fault's page lists the inspection among its 关联记录; the
// faults are searched by their title and exported. The leader reads them and changes nothing.
// With and without JavaScript (each project its own fault, by the project's name).

test('a fault is reported, handled and closed, and its inspection names it', async ({ page }, testInfo) => {
  const title = `门户证书过期（${testInfo.project.name}）`;
  await login(page, testInfo, 'sysadmin', undefined, '/m/maintenance/faults/new');
  await page.getByLabel('故障简述', { exact: true }).fill(title);
  await page.getByLabel('故障部位', { exact: true }).selectOption({ label: '应用服务' });
  await page.getByLabel('故障等级', { exact: true }).selectOption({ label: '一般（Ⅳ级）' });
  await page.getByLabel('发现时间', { exact: true }).fill('2026-11-30T08:40');
  const reporter = page.getByLabel('报告人', { exact: true });
  const me = reporter.locator('option', { hasText: '周立群' });
  await expect(me).toHaveCount(1);
  await reporter.selectOption((await me.getAttribute('value')) ?? '');
  await page.getByLabel('故障现象', { exact: true }).fill('浏览器提示门户网站证书无效。');
  await page.getByTestId('engine-save').click();
  await expect(page).toHaveURL(/\/m\/maintenance\/faults\/\d+$/);
  const fault = new URL(page.url()).pathname;
  const facts = page.getByTestId('engine-facts');
  await expect(facts).toContainText(/运维故障〔\d{4}〕\d+号/);
  const state = page.getByTestId('engine-state');
  const workflow = page.getByTestId('engine-workflow');
  await expect(state).toHaveText('待受理');
  await expect(page.getByTestId('engine-due')).toBeVisible();
  await workflow.getByRole('button', { name: '受理处置', exact: true }).click();
  await expect(state).toHaveText('处置中');
  await workflow.getByRole('button', { name: '故障排除', exact: true }).click();
  await expect(state).toHaveText('已排除待确认');
  await workflow.getByRole('button', { name: '确认关闭', exact: true }).click();
  await expect(state).toHaveText('已关闭');

  // The inspection that found it, naming it.
  await gotoReady(page, testInfo, '/m/maintenance/inspections/new');
  await page.getByLabel('巡检时间', { exact: true }).fill('2026-11-30T08:40');
  await page.getByLabel('巡检对象', { exact: true }).selectOption({ label: '应用服务' });
  await page.getByLabel('检查内容', { exact: true }).fill('门户网站证书有效期');
  const inspector = page.getByLabel('巡检人', { exact: true });
  await inspector.selectOption((await inspector.locator('option', { hasText: '周立群' }).getAttribute('value')) ?? '');
  await page.getByLabel('巡检结果', { exact: true }).selectOption({ label: '异常，已报故障' });
  const found = page.getByLabel('上报的故障', { exact: true });
  const option = found.locator('option', { hasText: title });
  await expect(option).toHaveCount(1);
  await found.selectOption((await option.getAttribute('value')) ?? '');
  await page.getByTestId('engine-save').click();
  await expect(page).toHaveURL(/\/m\/maintenance\/inspections\/\d+$/);
  await expect(page.getByTestId('engine-facts').locator('dd[data-field="fault"]')).toContainText(title);
  await gotoReady(page, testInfo, fault);
  await expect(page.getByTestId('engine-referrers')).toContainText('巡检记录');

  // Searched by its title; exported.
  await gotoReady(page, testInfo, `/m/maintenance/faults?q=${encodeURIComponent(title)}`);
  const rows = page.locator('table.engine-list tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('已关闭');
  const exported = await page.request.get(`/api/engine/maintenance/faults/export.csv?q=${encodeURIComponent(title)}`);
  expect(exported.status()).toBe(200);
  const csv = await exported.text();
  expect(csv).toContain(title);
  expect(csv).toContain('故障简述');
  await page.screenshot({ path: `artifacts/maintenance-faults-${testInfo.project.name}.png`, fullPage: true });
});

test('the leader reads the operation records and cannot add one', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader', undefined, '/m/maintenance/drills');
  await expect(page.getByRole('heading', { level: 1, name: '演练记录' })).toBeVisible();
  await expect(page.locator('table.engine-list tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('engine-new')).toHaveCount(0);
  await gotoReady(page, testInfo, '/m/maintenance/plans');
  await expect(page.locator('table.engine-list tbody tr')).toHaveCount(5);
  await page.screenshot({ path: `artifacts/maintenance-plans-${testInfo.project.name}.png`, fullPage: true });
});
