import { expect, test } from '@playwright/test';
import { gotoReady, login, ready } from './helpers';

test('Chinese by default, English on request, and the choice persists', async ({ page }, testInfo) => {
  await gotoReady(page, testInfo, '/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await ready(page, testInfo);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.getByRole('link', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
});

test('the console itself switches language', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader');
  await page.getByRole('banner').getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Residents' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await page.getByRole('banner').getByRole('link', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '态势总览', level: 1 })).toBeVisible();
});

test("the browser's texts are fetched once, in the page's language only, at this build's address", async ({ page }, testInfo) => {
  const js = testInfo.project.use.javaScriptEnabled !== false;
  const fetched: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/texts/')) fetched.push(path);
  });
  // The page's head names this build's texts of its language, with or without JavaScript.
  const address = async () => (await page.locator('link[rel="preload"][href^="/texts/"]').getAttribute('href')) ?? '';
  await gotoReady(page, testInfo, '/login');
  const zh = await address();
  expect(zh).toMatch(/^\/texts\/zh-CN\.[0-9a-f]{16}\.txt$/);
  const version = zh.split('.')[1];
  // At most one request, of that language: with the wasm, exactly one (the head's preload is
  // the request the wasm reads; a second would mean it missed).
  expect(fetched).toEqual(js ? [zh] : fetched.length ? [zh] : []);
  // What the page says (the login form's answer) is in its language.
  await page.getByLabel('用户名或手机号').fill('nobody-texts');
  await page.getByLabel(/^密码/).fill('wrong password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible();

  fetched.length = 0;
  await page.getByRole('link', { name: 'English' }).click();
  await ready(page, testInfo);
  const en = `/texts/en.${version}.txt`;
  expect(await address()).toBe(en);
  expect(fetched).toEqual(js ? [en] : fetched.length ? [en] : []);
  await page.getByLabel('User name or mobile').fill('nobody-texts');
  await page.getByLabel(/^Password/).fill('wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong user name or password' })).toBeVisible();

  const texts = await page.request.get(en);
  expect(texts.status()).toBe(200);
  expect(texts.headers()['cache-control']).toContain('immutable');
  expect(await texts.text()).toContain('nav.logout\tLog out\n');
  expect((await page.request.get('/texts/en.0000000000000000.txt')).status()).toBe(404);
});
