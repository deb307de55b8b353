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
