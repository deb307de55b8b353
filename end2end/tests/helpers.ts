import { expect, Page, TestInfo } from '@playwright/test';

export const PASSWORD = 'Tongguan@2026';

/** Waits until the wasm has hydrated the page (only when JavaScript runs). */
export async function ready(page: Page, testInfo: TestInfo) {
  if (testInfo.project.use.javaScriptEnabled !== false) {
    await page.waitForSelector('html[data-hydrated="true"]', { timeout: 20_000 });
  }
}

export async function gotoReady(page: Page, testInfo: TestInfo, path: string) {
  await page.goto(path);
  await ready(page, testInfo);
}

/** Logs in through the form, as a person would, and waits for the landing page. */
export async function login(page: Page, testInfo: TestInfo, username: string, password = PASSWORD, next?: string) {
  await gotoReady(page, testInfo, next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.getByLabel('用户名或手机号').fill(username);
  await page.getByLabel(/^密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await ready(page, testInfo);
}

/** Names of the sidebar's menu entries. */
export async function sidebarEntries(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: '主导航' });
  await expect(nav.getByRole('link').first()).toBeVisible();
  return (await nav.getByRole('link').allInnerTexts()).map((t) => t.trim());
}

/** A mobile number unique to this run and worker. */
export function uniquePhone(testInfo: TestInfo): string {
  const tail = String(Date.now() % 1_0000_0000).padStart(8, '0');
  return `15${testInfo.workerIndex % 10}${tail}`;
}
