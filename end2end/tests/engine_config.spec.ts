import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login, ready } from './helpers';

// Configuration at run time and workflow on the module engine's pages: the system
// administrator adds a custom field to a register in the UI and a clerk fills it in, finds
// it on the record, in the list and as a filter; a seal use (用印登记) goes through its
// workflow from the record's own buttons, one refused with a reason. The no-js project runs
// the same steps as plain form posts.

const SUPPLIES = '/m/office/supplies';
const SEAL_USES = '/m/office/seal_uses';

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('an administrator adds a field and a clerk fills it', async ({ page }, testInfo) => {
      const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}${device === 'PC' ? 'p' : 'm'}`;
      const label = `存放楼层${suffix}`;
      const key = `floor_${suffix}`;

      // The administrator configures the register (and sees none of its records).
      await login(page, testInfo, 'sysadmin', undefined, `${SUPPLIES}/fields`);
      await expect(page.getByRole('heading', { level: 1, name: '自定义字段' })).toBeVisible();
      await page.getByLabel('中文名称').fill(label);
      await page.getByLabel('英文名称').fill(`Floor ${suffix}`);
      await page.getByLabel('字段标识').fill(key);
      await page.getByLabel('类型', { exact: true }).selectOption({ label: '单选' });
      await page.getByLabel('选项').fill('一楼\n二楼\n三楼');
      await page.getByLabel('在列表中显示').check();
      await page.getByLabel('可作为筛选条件').check();
      await page.getByTestId('custom-field-add').click();
      await expect(page.getByTestId('custom-fields')).toContainText(label);
      // The form is empty again for the next field.
      await expect(page.getByLabel('中文名称')).toHaveValue('');
      // A key cannot be used twice: said next to the field, nothing added.
      await page.getByLabel('中文名称').fill(`${label}又`);
      await page.getByLabel('英文名称').fill('Again');
      await page.getByLabel('字段标识').fill(key);
      await page.getByTestId('custom-field-add').click();
      await expect(page.locator('.field-error', { hasText: '已有同名字段' })).toBeVisible();
      // Refused, the form keeps what was typed (with JavaScript; without, the page is new).
      if (testInfo.project.use.javaScriptEnabled !== false) {
        await expect(page.getByLabel('中文名称')).toHaveValue(`${label}又`);
      }
      await page.context().clearCookies();

      // A clerk fills it in on the form, which now has it.
      const name = `档案盒${suffix}`;
      await login(page, testInfo, 'staff', undefined, `${SUPPLIES}/new`);
      await page.getByLabel('物品名称', { exact: true }).fill(name);
      await page.getByLabel('类别', { exact: true }).selectOption({ label: '办公用品' });
      await page.getByLabel('计量单位', { exact: true }).fill('个');
      await page.getByLabel('库存数量', { exact: true }).fill('40');
      await page.getByLabel(label, { exact: true }).selectOption({ label: '二楼' });
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/office\/supplies\/\d+$/);
      await ready(page, testInfo);
      await expect(page.getByTestId('engine-facts').locator(`[data-field="${key}"]`)).toHaveText('二楼');

      // In the list as a column, and a filter that finds it.
      await gotoReady(page, testInfo, SUPPLIES);
      await page.getByLabel(label, { exact: true }).selectOption({ label: '二楼' });
      await page.getByRole('button', { name: '查询' }).click();
      await expect(page).toHaveURL(new RegExp(`${key}=`));
      const rows = page.locator('table.engine-list tbody tr');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(name);
      await expect(rows.first()).toContainText('二楼');
      // The export is of what the list shows: the same filter.
      await expect(page.getByTestId('engine-export')).toHaveAttribute('href', new RegExp(`/export\\.xlsx\\?.*${key}=`));
    });

    test('an administrator renames and retires a field; the clerk\'s form follows', async ({ page }, testInfo) => {
      const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}${device === 'PC' ? 'p' : 'm'}`;
      const label = `保管人${suffix}`;
      const renamed = `保管责任人${suffix}`;
      const key = `keeper_${suffix}`;

      await login(page, testInfo, 'sysadmin', undefined, `${SUPPLIES}/fields`);
      await page.getByLabel('中文名称').fill(label);
      await page.getByLabel('英文名称').fill(`Keeper ${suffix}`);
      await page.getByLabel('字段标识').fill(key);
      await page.getByTestId('custom-field-add').click();
      const row = page.getByTestId(`custom-field-${key}`);
      await expect(row).toContainText(label);
      await expect(row).toContainText('在用');

      // Renamed: the same key (the records' values stay under it), a new label. (Something
      // typed into the adding form first must not show up in the changing one.)
      await page.getByLabel('中文名称').fill('未提交的名称');
      await row.getByRole('link', { name: `修改字段：${label}` }).click();
      const form = page.getByTestId('custom-field-change-form');
      await expect(form.getByRole('heading', { name: `修改字段：${label}` })).toBeVisible();
      await expect(form.getByTestId('custom-field-key')).toHaveText(key);
      await expect(form.getByLabel('中文名称')).toHaveValue(label);
      await form.getByLabel('中文名称').fill(renamed);
      await form.getByTestId('custom-field-save').click();
      await expect(page).toHaveURL(new RegExp(`${SUPPLIES}/fields$`));
      await expect(row).toContainText(renamed);
      await expect(page.getByTestId('custom-field-add')).toBeVisible();

      // The clerk's form has it under its new name.
      await page.context().clearCookies();
      await login(page, testInfo, 'staff', undefined, `${SUPPLIES}/new`);
      await expect(page.getByLabel(renamed, { exact: true })).toBeVisible();
      await page.context().clearCookies();

      // Retired: marked in the table, gone from the clerk's form.
      await login(page, testInfo, 'sysadmin', undefined, `${SUPPLIES}/fields`);
      await row.getByRole('button', { name: `停用：${renamed}` }).click();
      await expect(row).toContainText('已停用');
      await expect(row.getByRole('button', { name: `恢复启用：${renamed}` })).toBeVisible();
      await page.context().clearCookies();
      await login(page, testInfo, 'staff', undefined, `${SUPPLIES}/new`);
      await expect(page.getByLabel('物品名称', { exact: true })).toBeVisible();
      await expect(page.getByLabel(renamed, { exact: true })).toHaveCount(0);
    });

    test('a seal use is approved and used from its record, another refused with a reason', async ({ page }, testInfo) => {
      const matter = `用印${String(Date.now()).slice(-6)}${testInfo.workerIndex}${device === 'PC' ? 'p' : 'm'}`;
      await login(page, testInfo, 'leader', undefined, `${SEAL_USES}/new`);
      const apply = async (what: string) => {
        const seal = page.getByLabel('印章', { exact: true });
        await expect(seal.locator('option').nth(1)).toBeAttached();
        await seal.selectOption((await seal.locator('option').nth(1).getAttribute('value'))!);
        await page.getByLabel('用印事由', { exact: true }).fill(what);
        await page.getByLabel('用印份数', { exact: true }).fill('3');
        await page.getByLabel('申请人', { exact: true }).fill('沈晓燕');
        await page.getByLabel('申请日期', { exact: true }).fill('2026-11-28');
        await page.getByTestId('engine-save').click();
        await expect(page).toHaveURL(/\/m\/office\/seal_uses\/\d+$/);
        await ready(page, testInfo);
      };
      const state = page.getByTestId('engine-state');
      const workflow = page.getByTestId('engine-workflow');

      await apply(matter);
      await expect(state).toHaveText('待审批');
      await workflow.getByRole('button', { name: '批准', exact: true }).click();
      await expect(state).toHaveText('已批准');
      await workflow.getByRole('button', { name: '用印', exact: true }).click();
      await expect(state).toHaveText('已用印');
      // A final state: no step leaves it; the history has the two steps.
      await expect(workflow.getByRole('button')).toHaveCount(0);
      await expect(page.getByTestId('engine-history').locator('[data-version]')).toHaveCount(3);

      // Another, refused: the reason is asked for first.
      await gotoReady(page, testInfo, `${SEAL_USES}/new`);
      await apply(`${matter}退`);
      await workflow.locator('summary', { hasText: '不予批准' }).click();
      await workflow.getByLabel('理由').fill('用印事由不清');
      await workflow.getByRole('button', { name: '不予批准', exact: true }).click();
      await expect(state).toHaveText('未批准');
    });
  });
}
