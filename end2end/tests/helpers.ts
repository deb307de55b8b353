import { Browser, expect, Page, TestInfo } from '@playwright/test';
import { createHmac } from 'node:crypto';

export const PASSWORD = 'Tongguan@2026';

/** The two screens a spec runs on: a PC and a phone. */
export const DEVICES = [
  ['PC', { width: 1280, height: 860 }],
  ['phone', { width: 390, height: 844 }],
] as const;

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
  // The run-time registers (专项台账, /m/ledger/…) other specs make in the shared demo
  // township while this one runs are left out: what a role sees of the declared modules is
  // what is compared (runtime_registers.spec.ts checks a new ledger's place in the menu).
  const links = await nav.getByRole('link').evaluateAll((anchors) =>
    anchors.map((a) => [a.getAttribute('href') ?? '', (a as HTMLElement).innerText.trim()] as const),
  );
  return links.filter(([href]) => !href.startsWith('/m/ledger/')).map(([, text]) => text);
}

/** A mobile number unique to this run and worker. */
export function uniquePhone(testInfo: TestInfo): string {
  const tail = String(Date.now() % 1_0000_0000).padStart(8, '0');
  return `15${testInfo.workerIndex % 10}${tail}`;
}

/** A requisition (物品领用) of the first supply for `department` naming only `approver`,
 * applied by the clerk (沈晓燕) in a browser context of its own with JavaScript, which the
 * approver picker needs; the record's path. */
export async function applyForRequisition(browser: Browser, approver: string, department: string): Promise<string> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const clerk = await context.newPage();
  const withJavaScript = { project: { use: { javaScriptEnabled: true } } } as unknown as TestInfo;
  await login(clerk, withJavaScript, 'staff', undefined, '/m/office/requisitions/new');
  const supply = clerk.getByLabel('物品', { exact: true });
  await expect(supply.locator('option').nth(1)).toBeAttached();
  await supply.selectOption({ index: 1 });
  await clerk.getByLabel('数量', { exact: true }).fill('1');
  await clerk.getByLabel('领用科室', { exact: true }).fill(department);
  await clerk.getByLabel('申领日期', { exact: true }).fill('2026-11-28');
  await clerk.locator('[data-field="approvers"]').getByRole('checkbox', { name: approver }).check();
  await clerk.getByTestId('engine-save').click();
  await expect(clerk).toHaveURL(/\/m\/office\/requisitions\/\d+$/);
  const path = new URL(clerk.url()).pathname;
  await context.close();
  return path;
}

/** The code an authenticator app shows for a base32 `secret` at `at` (RFC 6238: HMAC-SHA1,
 * 30-second steps, six digits), worked out apart from the server's code. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of secret.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const digest = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
