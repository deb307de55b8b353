import { expect, test } from '@playwright/test';
import { gotoReady, ready, totp, uniquePhone } from './helpers';

// Two-step verification as a person sets it up: from 我的, the page shows a QR code and the
// key; a wrong code is refused under its field, the app's code turns it on; the next login
// asks for the code after the password, refuses a wrong one and lets the right one in.

test('a user turns on two-step verification and then logs in with a code', async ({ page }, testInfo) => {
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
});
