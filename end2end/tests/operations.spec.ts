import { expect, type Page, type TestInfo, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

// 运行维护 as the system administrator meets it: the verdict at the top says what needs a
// person (the e2e server runs with the backup schedule off, and no backup exists yet); 立即备份
// makes a real pg_dump of the demo township, 恢复演练 restores it into a scratch database and
// every table comes back as the manifest says; the verdict no longer asks for a backup. The
// no-js project does the same with plain form posts, reloading instead of the page's own
// polling. Other roles are refused.

const hydrated = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/** Starts a run once no other is going (the other project may be running one). */
async function start(page: Page, testInfo: TestInfo, button: string, started: RegExp) {
  await expect(async () => {
    await gotoReady(page, testInfo, '/admin/ops');
    await expect(page.getByTestId('ops-running')).toHaveCount(0, { timeout: 1_000 });
    await page.getByRole('button', { name: button }).click();
    await expect(page.getByRole('status').filter({ hasText: started })).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 90_000 });
}

/** Waits for the running backup or drill to end. */
async function finished(page: Page, testInfo: TestInfo) {
  await expect(async () => {
    if (!hydrated(testInfo)) await gotoReady(page, testInfo, '/admin/ops');
    await expect(page.getByTestId('ops-running')).toHaveCount(0, { timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  await gotoReady(page, testInfo, '/admin/ops');
}

test('the system administrator backs up, drills a restore and sees the platform\'s health', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await login(page, testInfo, 'sysadmin', undefined, '/admin/ops');
  await expect(page.getByRole('heading', { level: 1, name: '运行维护' })).toBeVisible();
  const health = page.getByTestId('ops-health');
  await expect(health.locator('[data-finding="backups_off"]')).toHaveText('未启用定时备份');
  await expect(page.getByTestId('ops-jobs').locator('[data-job="supervision"]')).toContainText('时限督办');
  await expect(page.getByTestId('ops-disks')).toContainText('备份');
  await expect(page.getByTestId('ops-largest')).toContainText('public.');

  await start(page, testInfo, '立即备份', /备份已开始/);
  await finished(page, testInfo);
  const backup = page.getByTestId('ops-runs').locator('tr[data-kind="backup"]').first();
  await expect(backup.locator('[data-outcome="ok"]')).toHaveText('成功');
  await expect(backup).toContainText(/tongguan-\d{8}T\d{6}\.\d{3}Z\.dump/);
  await expect(page.getByTestId('ops-files')).toContainText('.dump');
  await expect(page.getByTestId('ops-health').locator('[data-finding="backup_missing"]')).toHaveCount(0);

  await start(page, testInfo, '恢复演练', /恢复演练已开始/);
  await finished(page, testInfo);
  const drill = page.getByTestId('ops-runs').locator('tr[data-kind="drill"]').first();
  await expect(drill.locator('[data-outcome="ok"]')).toHaveText('成功');
  await drill.getByText(/核对 \d+ 张表/).click();
  await expect(drill.locator('tr[data-intact="true"]').first()).toBeVisible();
  expect(await drill.locator('tr[data-intact="true"]').count()).toBeGreaterThan(30);
  await expect(drill.locator('tr[data-intact="false"]')).toHaveCount(0);
  await expect(page.getByTestId('ops-last-drill')).toContainText('成功');
  await expect(page.getByTestId('ops-health').locator('[data-finding="drill_missing"]')).toHaveCount(0);
  await page.screenshot({ path: `artifacts/operations-${testInfo.project.name}.png`, fullPage: true });
});

test('roles other than the system administrator cannot open 运行维护', async ({ page }, testInfo) => {
  for (const username of ['auditor', 'secadmin']) {
    await login(page, testInfo, username);
    const response = await page.goto('/admin/ops');
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: '无权访问' })).toBeVisible();
    await page.context().clearCookies();
  }
});
