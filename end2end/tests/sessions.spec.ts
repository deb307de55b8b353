import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

// 在线用户 as the security administrator meets it: a staff member logged in elsewhere is listed
// with roles and browser; 结束会话 ends that session at once — the staff member's next page
// is the login. The administrator's own session is marked and has no button. Sessions of
// other specs running alongside are left alone: the row is found by the handle of this
// spec's own session (the first 16 hex digits of its token's SHA-256).

test('the security administrator ends a session and its user is logged out at once', async ({ browser, page }, testInfo) => {
  const staffContext = await browser.newContext({
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const staff = await staffContext.newPage();
  await login(staff, testInfo, 'handler', undefined, '/me');
  const token = (await staffContext.cookies()).find((c) => c.name === 'tg_session')?.value ?? '';
  expect(token).not.toBe('');
  const handle = createHash('sha256').update(token).digest('hex').slice(0, 16);

  await login(page, testInfo, 'secadmin', undefined, '/admin/sessions');
  await expect(page.getByRole('heading', { level: 1, name: '在线用户' })).toBeVisible();
  const row = page.locator(`[data-handle="${handle}"]`);
  await expect(row).toContainText('handler');
  await expect(row).toContainText('部门');
  await expect(row).toContainText('Chrome');
  const mine = page.getByTestId('online-sessions').locator('tr[data-user="secadmin"]').filter({ hasText: '当前会话' });
  await expect(mine.first()).toBeVisible();
  await expect(mine.first().getByRole('button')).toHaveCount(0);

  await row.getByRole('button', { name: /^结束 .+ 的会话$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: '会话已结束' })).toBeVisible();
  await expect(page.locator(`[data-handle="${handle}"]`)).toHaveCount(0);

  await expect(async () => {
    await staff.goto('/me');
    await expect(staff).toHaveURL(/\/login/, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await staffContext.close();
  await gotoReady(page, testInfo, '/admin/sessions');
  await expect(page.locator(`[data-handle="${handle}"]`)).toHaveCount(0);
});
