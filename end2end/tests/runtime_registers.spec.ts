import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login, ready } from './helpers';

// A register made at run time (专项台账): the system administrator creates a campaign's
// ledger in the UI (refused first with the reasons next to the fields), lands on its fields
// page and adds two fields, then renames it; a clerk finds it in the menu, fills in a record, and lists and
// filters it — no code, no restart. The no-js project runs the same steps as plain posts.

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('an administrator makes a ledger and a clerk keeps it', async ({ page }, testInfo) => {
      const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}${device === 'PC' ? 'p' : 'm'}`;
      const name = `flood_${suffix}`;
      const title = `防汛物资${suffix}`;
      const js = testInfo.project.use.javaScriptEnabled !== false;

      await login(page, testInfo, 'sysadmin', undefined, '/admin/registers');
      await expect(page.getByRole('heading', { level: 1, name: '专项台账管理' })).toBeVisible();
      // Refused with every reason at once; nothing made.
      await page.getByLabel('中文名称').fill(title);
      await page.getByLabel('英文标识').fill('Flood-Supplies');
      await page.getByTestId('register-create').click();
      await expect(page.locator('#field-name-error')).toContainText('小写英文字母');
      await expect(page.locator('#field-title_en-error')).toContainText('必填');
      if (js) {
        await expect(page.getByLabel('中文名称')).toHaveValue(title);
      }
      await page.getByLabel('中文名称').fill(title);
      await page.getByLabel('英文名称').fill(`Flood supplies ${suffix}`);
      await page.getByLabel('英文标识').fill(name);
      await page.getByLabel('记录归属').selectOption({ label: '全镇' });
      await page.getByTestId('register-create').click();

      // Its fields page opens: two fields, one a filter.
      await expect(page).toHaveURL(new RegExp(`/m/ledger/${name}/fields`));
      await ready(page, testInfo);
      await page.getByLabel('中文名称').fill('物资名称');
      await page.getByLabel('英文名称').fill('Item');
      await page.getByLabel('字段标识').fill('item');
      await page.getByLabel('必填', { exact: true }).check();
      await page.getByLabel('在列表中显示').check();
      await page.getByTestId('custom-field-add').click();
      await expect(page.getByTestId('custom-fields')).toContainText('物资名称');
      await page.getByLabel('中文名称').fill('存放点');
      await page.getByLabel('英文名称').fill('Store');
      await page.getByLabel('字段标识').fill('store');
      await page.getByLabel('类型', { exact: true }).selectOption({ label: '单选' });
      await page.getByLabel('选项').fill('镇仓库\n村仓库');
      await page.getByLabel('在列表中显示').check();
      await page.getByLabel('可作为筛选条件').check();
      await page.getByTestId('custom-field-add').click();
      await expect(page.getByTestId('custom-fields')).toContainText('存放点');
      // Listed among the ledgers with its two fields.
      await gotoReady(page, testInfo, '/admin/registers');
      await expect(page.locator(`[data-register="${name}"]`)).toContainText(title);
      await expect(page.locator(`[data-register="${name}"] [data-label="字段数"]`)).toHaveText('2');
      // Renamed: the titles change, the identifier (its address, codes, records) stays.
      await page.locator(`[data-register="${name}"]`).getByRole('link', { name: '改名' }).click();
      const retitle = page.getByTestId('register-retitle');
      await expect(retitle).toContainText(name);
      await expect(retitle.getByLabel('中文名称')).toHaveValue(title);
      await retitle.getByLabel('中文名称').fill('');
      await retitle.getByTestId('register-retitle-save').click();
      await expect(page.getByTestId('register-retitle').locator('#retitle-title_zh-error')).toContainText('必填');
      const renamed = `${title}台账`;
      await page.getByTestId('register-retitle').getByLabel('中文名称').fill(renamed);
      await page.getByTestId('register-retitle').getByTestId('register-retitle-save').click();
      await expect(page.getByRole('status').filter({ hasText: '名称已修改' })).toBeVisible();
      await expect(page.locator(`[data-register="${name}"]`)).toContainText(renamed);
      await expect(page.getByTestId('register-retitle')).toHaveCount(0);
      await page.screenshot({ path: `artifacts/runtime-registers-${device}-${testInfo.project.name}.png`, fullPage: true });
      await page.context().clearCookies();

      // A clerk finds it in the menu under 专项台账 and keeps it.
      await login(page, testInfo, 'staff', undefined, '/me');
      const link = page.locator(`a[href="/m/ledger/${name}"]`).first();
      if (device === 'PC') {
        await expect(link).toContainText(`${title}台账`);
      } else {
        await expect(link).toHaveCount(1);
      }
      await gotoReady(page, testInfo, `/m/ledger/${name}/new`);
      await page.getByTestId('engine-save').click();
      await expect(page.locator('.field-error', { hasText: '必填' }).first()).toBeVisible();
      await page.getByLabel('物资名称', { exact: true }).fill('编织袋');
      await page.getByLabel('存放点', { exact: true }).selectOption({ label: '村仓库' });
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(new RegExp(`/m/ledger/${name}/\\d+$`));
      await ready(page, testInfo);
      await expect(page.getByTestId('engine-facts').locator('[data-field="item"]')).toHaveText('编织袋');
      await gotoReady(page, testInfo, `/m/ledger/${name}/new`);
      await page.getByLabel('物资名称', { exact: true }).fill('救生衣');
      await page.getByLabel('存放点', { exact: true }).selectOption({ label: '镇仓库' });
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(new RegExp(`/m/ledger/${name}/\\d+$`));

      // Listed, and filtered by its choice.
      await gotoReady(page, testInfo, `/m/ledger/${name}`);
      await expect(page.getByRole('heading', { level: 1, name: `${title}台账` })).toBeVisible();
      const rows = page.locator('table.engine-list tbody tr');
      await expect(rows).toHaveCount(2);
      await page.getByLabel('存放点', { exact: true }).selectOption({ label: '村仓库' });
      await page.getByRole('button', { name: '查询' }).click();
      await expect(page).toHaveURL(/store=/);
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('编织袋');
      await page.screenshot({ path: `artifacts/runtime-ledger-${device}-${testInfo.project.name}.png`, fullPage: true });
    });
  });
}
