import { expect, Page, test, TestInfo } from '@playwright/test';
import { DEVICES, gotoReady, login, ready, sidebarEntries, uniquePhone } from './helpers';

// The module engine's generic pages, on the party members register (党员) of the demo
// township: list, filter, keyset pages, a new record refused for one field and then saved,
// its detail, an edit, the history of two versions and the first restored. The no-js project
// runs the same steps as plain form posts and GET forms.

const LIST = '/m/party/members';

/** A valid GB 11643 ID number, different for every call. */
function idNumber(testInfo: TestInfo): string {
  const seed = Date.now() + testInfo.workerIndex * 7919 + Math.floor(Math.random() * 1e6);
  const birth = new Date(Date.UTC(1960, 0, 1) + (seed % 14_000) * 86_400_000);
  const date = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `320581${date}${String(seed % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** The same number with a wrong check digit. */
function broken(id: string): string {
  const last = id.at(-1) === '0' ? '1' : '0';
  return id.slice(0, 17) + last;
}

/** Chooses the first real option of a select (the empty one is "请选择"). */
async function chooseFirst(page: Page, label: string) {
  const select = page.getByLabel(label, { exact: true });
  await expect(select.locator('option').nth(1)).toBeAttached();
  const value = await select.locator('option').nth(1).getAttribute('value');
  await select.selectOption(value!);
}

async function fillMember(page: Page, name: string, id: string) {
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('性别', { exact: true }).selectOption({ label: '女' });
  await page.getByLabel('公民身份号码', { exact: true }).fill(id);
  await page.getByLabel('政治面貌', { exact: true }).selectOption({ label: '中共预备党员' });
  await chooseFirst(page, '所在党组织');
  await page.getByLabel('入党时间', { exact: true }).fill('2025-07-01');
  await page.getByLabel('党费计缴类别', { exact: true }).selectOption({ label: '农民' });
  await chooseFirst(page, '网格');
}

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('the members list filters by a choice and pages by keyset', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, LIST);
      await expect(page.getByRole('heading', { level: 1, name: '党员' })).toBeVisible();
      await expect(page.getByTestId('engine-count')).toHaveText(/共 \d+ 条|\d+ 条以上/);
      const rows = page.locator('table.engine-list tbody tr');
      await expect(rows.first()).toBeVisible();
      if (device === 'PC') {
        // The module is a section of the sidebar, its registers entries, with no line written for them.
        expect(await sidebarEntries(page)).toEqual(expect.arrayContaining(['党员', '党组织']));
      }
      if (device === 'phone') {
        // Cards, not a table: the header row is out of sight.
        await expect(page.locator('table.engine-list thead')).toHaveCSS('position', 'absolute');
      }

      await page.getByLabel('政治面貌', { exact: true }).selectOption({ label: '中共预备党员' });
      await page.getByRole('button', { name: '查询' }).click();
      await expect(page).toHaveURL(/political_status=02/);
      const status = page.locator('table.engine-list tbody tr td:nth-child(2)');
      await expect.poll(async () => [...new Set(await status.allInnerTexts())].map((t) => t.trim())).toEqual(['中共预备党员']);

      // The next page of everyone: its cursor is in the URL, and back comes back.
      await gotoReady(page, testInfo, LIST);
      const firstName = (await rows.first().locator('td').first().innerText()).trim();
      await page.getByTestId('engine-next').click();
      await expect(page).toHaveURL(/after=/);
      await expect(page.getByRole('link', { name: '第一页' })).toBeVisible();
      await expect.poll(async () => (await rows.first().locator('td').first().innerText()).trim()).not.toBe(firstName);
      await page.goBack();
      await ready(page, testInfo);
      await expect.poll(async () => (await rows.first().locator('td').first().innerText()).trim()).toBe(firstName);
    });

    test('a member is created after one refused field, edited, and its first version restored', async ({ page }, testInfo) => {
      const name = `测试${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
      const id = idNumber(testInfo);
      await login(page, testInfo, 'leader', undefined, LIST);
      await page.getByTestId('engine-new').click();
      await expect(page).toHaveURL(/\/m\/party\/members\/new/);
      await ready(page, testInfo);

      // One bad field: the error is said next to it, and nothing is saved.
      await fillMember(page, name, broken(id));
      await page.getByTestId('engine-save').click();
      const idError = page.locator('[data-field="id_number"] .field-error');
      await expect(idError).toBeVisible();
      await expect(idError).toContainText('校验');
      await expect(page).toHaveURL(/\/new/);

      // Fixed (without JavaScript the page came back empty: fill it again).
      if ((await page.getByLabel('姓名', { exact: true }).inputValue()) === '') {
        await fillMember(page, name, id);
      } else {
        await page.getByLabel('公民身份号码', { exact: true }).fill(id);
      }
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/party\/members\/\d+$/);
      await ready(page, testInfo);
      const facts = page.getByTestId('engine-facts');
      await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
      await expect(facts.locator('[data-field="political_status"]')).toHaveText('中共预备党员');
      await expect(facts.locator('[data-field="floating"]')).toHaveText('否');
      const recordUrl = page.url();

      // It was saved once: the refused attempt left nothing.
      await gotoReady(page, testInfo, `${LIST}?q=${encodeURIComponent(name)}`);
      await expect(page.locator('table.engine-list tbody tr')).toHaveCount(1);

      // Edit.
      await gotoReady(page, testInfo, recordUrl);
      await page.getByTestId('engine-edit').click();
      await expect(page).toHaveURL(/\/edit$/);
      await ready(page, testInfo);
      await expect(page.getByLabel('姓名', { exact: true })).toHaveValue(name);
      const phone = uniquePhone(testInfo);
      await page.getByLabel('手机号码', { exact: true }).fill(phone);
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/party\/members\/\d+$/);
      await ready(page, testInfo);
      await expect(facts.locator('[data-field="mobile"]')).toHaveText(phone);

      // Two versions; restoring the first makes a third with the first's values.
      const history = page.getByTestId('engine-history');
      await expect(history.locator('[data-version]')).toHaveCount(2);
      await expect(history.locator('[data-version="2"]')).toContainText('手机号码');
      await history.locator('[data-version="1"]').getByRole('button', { name: '恢复此版本' }).click();
      await expect(history.locator('[data-version]')).toHaveCount(3);
      await expect(facts.locator('[data-field="mobile"]')).toHaveText('—');

      // The printable 登记表, without the console around it.
      await gotoReady(page, testInfo, `${recordUrl}/print`);
      await expect(page.getByRole('heading', { level: 1, name: '党员登记表' })).toBeVisible();
      await expect(page.locator('.sidebar')).toHaveCount(0);
      await expect(page.locator('.print-table')).toContainText(name);
    });

    test('a branch lists its members among its related records, all of them a filtered list away', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/organisations');
      // The branch with the most members is a 党支部 of the demo's first village; any row
      // with members does: open rows until one lists them.
      const links = page.locator('table.engine-list tbody tr td:first-child a');
      await expect(links.first()).toBeVisible();
      const hrefs = await links.evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
      let found = false;
      for (const href of hrefs) {
        await gotoReady(page, testInfo, href);
        const group = page.locator('[data-referrers="party.members.organisation"]');
        if ((await group.count()) === 0) continue;
        found = true;
        await expect(page.getByTestId('engine-referrers').getByRole('heading', { name: '关联记录' })).toBeVisible();
        await expect(group.getByRole('heading')).toContainText('党员 · 所在党组织');
        const shown = await group.locator('.referrers-rows li').count();
        expect(shown).toBeGreaterThan(0);
        expect(shown).toBeLessThanOrEqual(10);
        if (device === 'PC') {
          await page.screenshot({ path: `artifacts/engine-referrers-record-${testInfo.project.name}.png`, fullPage: true });
        }
        const total = Number((await group.locator('.badge').innerText()).replace(/\D/g, ''));
        if (total > shown) {
          await group.getByRole('link', { name: '查看全部' }).click();
          await expect(page).toHaveURL(/\/m\/party\/members\?organisation=\d+/);
          await ready(page, testInfo);
          await expect(page.locator('.table-footer, .list-count, body')).toContainText(`共 ${total} 条`);
        } else {
          // A member listed opens its own record.
          await group.locator('.referrers-rows a').first().click();
          await expect(page).toHaveURL(/\/m\/party\/members\/\d+$/);
        }
        break;
      }
      expect(found).toBe(true);
      if (device === 'PC') {
        await page.screenshot({ path: `artifacts/engine-referrers-${testInfo.project.name}.png`, fullPage: true });
      }
    });
  });
}
