import { expect, test } from '@playwright/test';
import { DEVICES, login } from './helpers';

// History retention (issue 13, R-7.1 / R-5c): on a register's fields page the system
// administrator sees how long its history stays online and is kept — the module's default
// until changed —, is told next to the field when years kept would delete versions before
// they are archived, and saves a new retention, which the page then shows as set by an
// administrator. Each run its own register (runs are parallel); plain forms without JavaScript.

const REGISTERS: Record<string, string> = {
  'hydrated PC': '/m/party/studies',
  'hydrated phone': '/m/office/borrowings',
  'no-js PC': '/m/party/transfers',
  'no-js phone': '/m/office/seals',
};

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('an administrator sets how long a register keeps its history', async ({ page }, testInfo) => {
      const register = REGISTERS[`${testInfo.project.name} ${device}`];
      // Every project and device has its own register: a new one must add one, not skip.
      expect(register, `a register for ${testInfo.project.name} ${device}`).toBeDefined();
      await login(page, testInfo, 'sysadmin', undefined, `${register}/fields`);
      const section = page.getByTestId('retention');
      await expect(section.getByRole('heading', { name: '历史版本保留' })).toBeVisible();
      await expect(page.getByTestId('retention-now')).toContainText(/在线保留 \d+ 天后归档/);

      // Years kept shorter than the online period: refused next to the field.
      await section.getByLabel('在线保留天数').fill('1095');
      await section.getByLabel('保存年限').fill('2');
      await page.getByTestId('retention-save').click();
      await expect(section.locator('.field-error', { hasText: '保存年限不能短于在线保留期' })).toBeVisible();
      // Refused, the form keeps what was typed (with JavaScript; without, the page is new).
      if (testInfo.project.use.javaScriptEnabled !== false) {
        await expect(section.getByLabel('在线保留天数')).toHaveValue('1095');
        await expect(section.getByLabel('保存年限')).toHaveValue('2');
      }

      await section.getByLabel('在线保留天数').fill('365');
      await section.getByLabel('保存年限').fill('10');
      await page.getByTestId('retention-save').click();
      await expect(page.getByTestId('retention-now')).toContainText('在线保留 365 天后归档，共保存 10 年');
      await expect(page.getByTestId('retention-now')).toContainText('管理员设定');
      await page.screenshot({ path: `artifacts/engine-retention-${device}-${testInfo.project.name}.png`, fullPage: true });
    });
  });
}
