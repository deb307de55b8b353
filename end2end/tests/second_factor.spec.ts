import { expect, test } from '@playwright/test';
import { gotoReady, login, ready, totp, uniquePhone } from './helpers';

// Two-step verification as a person sets it up: from 我的, the page shows a QR code and the
// key; a wrong code is refused under its field, the app's code turns it on and shows ten
// recovery codes once; the next login asks for the code after the password, refuses a wrong
// one and lets the right one in; a recovery code lets them in once in place of the app. The
// security administrator then resets the factor of the user who lost their phone.

test('a user turns on two-step verification and then logs in with a code', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const phone = uniquePhone(testInfo).replace(/^15/, '18');
  const password = 'Lake-view#2031';
  await gotoReady(page, testInfo, '/register');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('姓名或昵称').fill('两步用户');
  await page.getByLabel(/^密码/).fill(password);
  await page.getByLabel('确认密码').fill(password);
  await page.getByRole('button', { name: '注册并登录' }).click();
  await expect(page).toHaveURL(/\/me/);
  await ready(page, testInfo);

  await page.getByRole('link', { name: '两步验证' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '两步验证' })).toBeVisible();
  await ready(page, testInfo);
  await expect(page.getByRole('img', { name: '两步验证二维码' }).locator('svg')).toBeVisible();
  const secret = (await page.locator('[data-secret]').getAttribute('data-secret')) ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.screenshot({ path: testInfo.outputPath('two-factor-enrol.png'), fullPage: true });

  await page.getByLabel(/^动态口令/).fill('000000');
  await page.getByRole('button', { name: '启用两步验证' }).click();
  await expect(page.getByText('动态口令不正确或已使用过', { exact: false }).first()).toBeVisible();
  await ready(page, testInfo);
  // The page shows the same key after a refusal (without JavaScript it is a new page).
  await expect(page.locator('[data-secret]')).toHaveAttribute('data-secret', secret);
  await page.getByLabel(/^动态口令/).fill(totp(secret));
  await page.getByRole('button', { name: '启用两步验证' }).click();
  await expect(page.getByText('两步验证已启用', { exact: false }).first()).toBeVisible();
  await ready(page, testInfo);
  // Ten recovery codes, shown this once, and the way on.
  const codes = page.getByTestId('recovery-codes').locator('li');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.allTextContents()).map((code) => code.trim());
  expect(recovery[0]).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  await expect(page.getByRole('link', { name: '我已保存恢复码，继续' })).toBeVisible();
  await expect(page.getByTestId('recovery-left')).toHaveText(/剩余 10 个/);
  await page.screenshot({ path: testInfo.outputPath('two-factor-codes.png'), fullPage: true });
  // A reload does not show them again.
  await page.reload();
  await ready(page, testInfo);
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0);

  // Log out, and in again: the password first, then the code.
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login/);
  await ready(page, testInfo);
  await page.getByLabel('用户名或手机号').fill(phone);
  await page.getByLabel(/^密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByText('请输入验证器应用中的 6 位动态口令', { exact: false }).first()).toBeVisible();
  await ready(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath('two-factor-login.png'), fullPage: true });
  // Without JavaScript the page came back empty: the password again.
  if (testInfo.project.use.javaScriptEnabled === false) {
    await page.getByLabel('用户名或手机号').fill(phone);
    await page.getByLabel(/^密码/).fill(password);
  }
  await page.getByLabel(/^动态口令/).fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await ready(page, testInfo);

  // The phone is lost: a recovery code, typed in lower case, lets them in once.
  await gotoReady(page, testInfo, '/two-factor');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login/);
  await ready(page, testInfo);
  const loginWith = async (code: string) => {
    await page.getByLabel('用户名或手机号').fill(phone);
    await page.getByLabel(/^密码/).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByLabel(/^动态口令/)).toBeVisible();
    await ready(page, testInfo);
    if (testInfo.project.use.javaScriptEnabled === false) {
      await page.getByLabel('用户名或手机号').fill(phone);
      await page.getByLabel(/^密码/).fill(password);
    }
    await page.getByLabel(/^动态口令/).fill(code);
    await page.getByRole('button', { name: '登录' }).click();
  };
  await loginWith(recovery[3].toLowerCase());
  await expect(page).not.toHaveURL(/\/login/);
  await gotoReady(page, testInfo, '/two-factor');
  await expect(page.getByTestId('recovery-left')).toHaveText(/剩余 9 个/);

  // And the codes are lost too: the security administrator resets the factor.
  const context = await browser.newContext({
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const admin = await context.newPage();
  await login(admin, testInfo, 'secadmin', undefined, '/admin/second-factors');
  await expect(admin.getByRole('heading', { level: 1, name: '两步验证' })).toBeVisible();
  await expect(admin.getByTestId('policy')).toContainText('尚未要求管理员启用两步验证');
  await expect(admin.locator('tr[data-user="auditor"]')).toContainText('管理员未启用');
  const row = admin.locator(`tr[data-user="${phone}"]`);
  await expect(row).toContainText('已启用');
  await expect(admin.locator('tr[data-user="secadmin"]')).toContainText('本人');
  await admin.screenshot({ path: testInfo.outputPath('two-factor-admin.png'), fullPage: true });
  await row.getByRole('button', { name: '重置 两步用户 的两步验证' }).click();
  await expect(admin.getByText('已重置', { exact: false })).toBeVisible();
  // A citizen is listed only while they have a factor: after the reset, no longer.
  await expect(row).toHaveCount(0);
  await context.close();

  // The user was logged out, and logs in with the password alone.
  await page.reload();
  await page.getByRole('link', { name: '请先登录，再设置两步验证。' }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await ready(page, testInfo);
  await page.getByLabel('用户名或手机号').fill(phone);
  await page.getByLabel(/^密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/login/);
});
