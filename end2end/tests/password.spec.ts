import { expect, test } from '@playwright/test';
import { login } from './helpers';

// The password lifecycle as people meet it: the system administrator gives a new colleague an
// initial password; at their first login every page leads to 修改密码, an initial password
// chosen again is refused with the reason, and a new one takes them on to the page they asked
// for; the next login lands there directly with the new password.

test('a new colleague replaces the initial password before anything else', async ({ browser, page }, testInfo) => {
  const username = `pw${testInfo.project.name === 'no-js' ? 'n' : 'h'}${Date.now() % 1_000_000}`;
  const initial = 'Chushi#Mima2026';
  const chosen = 'Ziji@Xuande2026';
  await login(page, testInfo, 'sysadmin', undefined, '/admin/users');
  await page.getByText('新建工作人员账号').click();
  await page.getByLabel(/^账号( \*)?$/).fill(username);
  await page.getByLabel(/^姓名( \*)?$/).fill('新同事');
  await page.getByLabel('角色').selectOption({ label: '网格员' });
  await page.getByLabel('初始密码').fill(initial);
  await page.getByRole('button', { name: '创建账号' }).click();
  await expect(page.getByRole('status').filter({ hasText: '账号已创建' })).toBeVisible();

  const context = await browser.newContext({
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const colleague = await context.newPage();
  await login(colleague, testInfo, username, initial, '/events');
  await expect(colleague).toHaveURL(/\/password\?next=%2Fevents/);
  await expect(colleague.getByRole('heading', { level: 1, name: '修改密码' })).toBeVisible();
  await expect(colleague.getByText(/初始密码/)).toBeVisible();
  await colleague.screenshot({ path: testInfo.outputPath('password-due.png'), fullPage: true });

  // Another page still leads back here.
  await colleague.goto('/me');
  await expect(colleague).toHaveURL(/\/password\?next=%2Fme/);
  await colleague.goto('/password?next=%2Fevents');

  await colleague.getByLabel(/^当前密码/).fill(initial);
  await colleague.getByLabel(/^密码( \*)?$/).fill(initial);
  await colleague.getByLabel(/^确认密码/).fill(initial);
  await colleague.getByRole('button', { name: '保存新密码' }).click();
  await expect(colleague.getByText('不能与最近 5 次使用过的密码相同', { exact: true })).toBeVisible();

  await colleague.getByLabel(/^当前密码/).fill(initial);
  await colleague.getByLabel(/^密码( \*)?$/).fill(chosen);
  await colleague.getByLabel(/^确认密码/).fill(chosen);
  await colleague.getByRole('button', { name: '保存新密码' }).click();
  await expect(colleague).toHaveURL(/\/events$/);
  await expect(colleague.getByRole('heading', { level: 1 })).toBeVisible();

  const fresh = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled, locale: 'zh-CN' });
  const again = await fresh.newPage();
  await login(again, testInfo, username, chosen, '/me');
  await expect(again).toHaveURL(/\/me$/);
  await context.close();
  await fresh.close();
});

// A colleague forgot their password: the system administrator resets it on 用户管理 and reads
// the temporary password once (with and without JavaScript); the colleague logs in with it, is
// led to 修改密码, and sets their own.
test('the system administrator resets a forgotten password to a temporary one', async ({ browser, page }, testInfo) => {
  const username = `rs${testInfo.project.name === 'no-js' ? 'n' : 'h'}${Date.now() % 1_000_000}`;
  const chosen = 'Ziji@Xuande2026';
  await login(page, testInfo, 'sysadmin', undefined, '/admin/users');
  await page.getByText('新建工作人员账号').click();
  await page.getByLabel(/^账号( \*)?$/).fill(username);
  await page.getByLabel(/^姓名( \*)?$/).fill('忘了密码的同事');
  await page.getByLabel('角色').selectOption({ label: '网格员' });
  await page.getByLabel('初始密码').fill('Chushi#Mima2026');
  await page.getByRole('button', { name: '创建账号' }).click();
  await expect(page.getByRole('status').filter({ hasText: '账号已创建' })).toBeVisible();

  await page.getByRole('button', { name: `重置密码 忘了密码的同事` }).click();
  const notice = page.getByTestId('temporary-password');
  await expect(notice).toContainText(`已为账号 ${username} 重置密码`);
  const temporary = (await notice.locator('strong.mono').textContent())?.trim() ?? '';
  expect(temporary).toMatch(/^[A-Za-z2-9@#%+=]{14}$/);
  await page.screenshot({ path: testInfo.outputPath('password-reset.png'), fullPage: true });
  if (testInfo.project.name === 'no-js') {
    // The note is read once: the same address again says so instead of showing it.
    await page.reload();
    await expect(page.getByRole('alert').filter({ hasText: '临时密码已显示过' })).toBeVisible();
  }

  const context = await browser.newContext({
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const colleague = await context.newPage();
  await login(colleague, testInfo, username, temporary, '/events');
  await expect(colleague).toHaveURL(/\/password\?next=%2Fevents/);
  await colleague.getByLabel(/^当前密码/).fill(temporary);
  await colleague.getByLabel(/^密码( \*)?$/).fill(chosen);
  await colleague.getByLabel(/^确认密码/).fill(chosen);
  await colleague.getByRole('button', { name: '保存新密码' }).click();
  await expect(colleague).toHaveURL(/\/events$/);
  await context.close();
});
