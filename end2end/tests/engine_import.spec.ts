import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login, ready } from './helpers';
import { xlsx } from './xlsx';

// Import into a register from its page (R-import): a clerk opens 导入 above the supplies list,
// uploads an Excel file with one bad row — the page names the row, the column and the reason,
// offers no commit, and nothing is written; the corrected file is checked clean, committed,
// runs to done, and its records are in the list. On PC and phone, hydrated and without
// JavaScript (plain forms; the progress then by reloading).

const SUPPLIES = '/m/office/supplies';

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('an Excel file with one bad row imports nothing; corrected, it imports whole', async ({ page }, testInfo) => {
      const tag = `${String(Date.now()).slice(-6)}${device === 'PC' ? 'p' : 'm'}${testInfo.project.name === 'no-js' ? 'n' : 'h'}`;
      const names = [`导入测试笔${tag}`, `导入测试纸${tag}`, `导入测试夹${tag}`];
      const header = ['物品名称', '类别', '计量单位', '库存数量'];
      const upload = async (rows: string[][]) => {
        await page.locator('#import-file').setInputFiles({
          name: `物品${tag}.xlsx`,
          mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          buffer: xlsx([header, ...rows]),
        });
        await page.getByTestId('import-check').click();
        await expect(page).toHaveURL(/\/m\/office\/supplies\/import\/\d+$/);
        await ready(page, testInfo);
      };

      await login(page, testInfo, 'leader', undefined, SUPPLIES);
      await page.getByTestId('engine-import').click();
      await expect(page).toHaveURL(/\/m\/office\/supplies\/import$/);
      await ready(page, testInfo);
      await expect(page.getByTestId('import-template')).toHaveAttribute('href', '/api/engine/office/supplies/template.xlsx');

      // The second data row (the sheet's row 3) has a category that does not exist.
      await upload([
        [names[0], '办公用品', '支', '12'],
        [names[1], '不存在的类别', '包', '5'],
        [names[2], 'stationery', '个', '30'],
      ]);
      await expect(page.getByTestId('import-summary')).toContainText('文件共 3 行：无误 2 行，有问题 1 行');
      await expect(page.getByTestId('import-problems')).toBeVisible();
      const problem = page.getByTestId('import-errors').locator('tbody tr');
      await expect(problem).toHaveCount(1);
      await expect(problem.first()).toHaveAttribute('data-row', '3');
      await expect(problem.first()).toContainText('类别');
      await expect(page.getByTestId('import-commit')).toHaveCount(0);
      await page.screenshot({ path: `artifacts/engine-import-problems-${device}-${testInfo.project.name}.png`, fullPage: true });
      // Nothing was written.
      await gotoReady(page, testInfo, `${SUPPLIES}?q=${encodeURIComponent(`导入测试`)}`);
      await expect(page.locator('table.engine-list')).not.toContainText(tag);

      // Corrected: checked clean, committed, done, and in the list.
      await gotoReady(page, testInfo, `${SUPPLIES}/import`);
      await upload([
        [names[0], '办公用品', '支', '12'],
        [names[1], '办公耗材', '包', '5'],
        [names[2], 'stationery', '个', '30'],
      ]);
      await expect(page.getByTestId('import-summary')).toContainText('无误 3 行，有问题 0 行');
      await page.getByTestId('import-commit').click();
      await expect(page).toHaveURL(/\/m\/office\/supplies\/import\/\d+$/);
      const done = page.getByTestId('import-done');
      if (testInfo.project.use.javaScriptEnabled === false) {
        // Without JavaScript the page does not poll: reload until the import has ended.
        for (let i = 0; i < 20 && !(await done.isVisible()); i++) {
          await page.waitForTimeout(500);
          await page.reload();
        }
      }
      await expect(done).toContainText('已写入 3 条记录', { timeout: 20_000 });
      await page.screenshot({ path: `artifacts/engine-import-done-${device}-${testInfo.project.name}.png`, fullPage: true });
      await gotoReady(page, testInfo, `${SUPPLIES}?q=${encodeURIComponent(`导入测试`)}`);
      for (const name of names) {
        await expect(page.locator('table.engine-list')).toContainText(name);
      }
      // The import is among the latest, to come back to.
      await gotoReady(page, testInfo, `${SUPPLIES}/import`);
      await expect(page.getByTestId('import-recent').locator('[data-status="done"]').first()).toBeVisible();
    });
  });
}
