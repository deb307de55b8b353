import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login, ready } from './helpers';

// The party board (党建概况, /m/party/board): the leader opens it from the party section of
// the menu and finds the township's figures, the organisation tree under the 党委 with its
// warnings, the 三会一课 board (narrowed to those behind), and the villages' figures with the
// total; the members behind on their dues, longest first, each opening their dues; a
// branch's 主题党日 recorded through the meetings register shows on the board at
// once. On PC and phone, hydrated and without JavaScript.

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('the board shows the tree, the meetings owed and the villages', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/board');
      await expect(page.getByRole('heading', { level: 1, name: '党建概况' })).toBeVisible();
      const figures = page.getByTestId('party-figures');
      await expect(figures.locator('[data-figure="party.board.full_members"] .stat-value')).toHaveText(/^[1-9][\d,]*$/);

      const tree = page.getByTestId('party-tree').locator('tbody tr');
      await expect(tree.first()).toHaveAttribute('data-kind', 'committee');
      expect(await tree.count()).toBeGreaterThan(5);
      await page.screenshot({ path: `artifacts/party-board-${device}-${testInfo.project.name}.png`, fullPage: true });

      const compliance = page.getByTestId('party-compliance').locator('tbody tr');
      const all = await compliance.count();
      expect(all).toBeGreaterThan(0);
      // Each row says its attendance: a rate with the head counts, or that none was recorded.
      const rates = await page.getByTestId('party-attendance').allInnerTexts();
      expect(rates.length).toBe(all);
      expect(rates.some((rate) => /^\d+%（\d+\/\d+ 人次）$/.test(rate.trim()))).toBe(true);
      for (const rate of rates) expect(rate.trim()).toMatch(/^(\d+%（\d+\/\d+ 人次）|未登记)$/);
      await page.getByTestId('party-behind-only').click();
      await expect(page).toHaveURL(/behind=1/);
      const behind = await compliance.count();
      expect(behind).toBeLessThanOrEqual(all);
      for (const flag of await compliance.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-behind')))) {
        expect(flag).toBe('true');
      }

      const villages = page.getByTestId('party-villages').locator('tbody tr');
      await expect(villages.last()).toContainText('全镇合计');
    });

    test('members behind on their dues are listed and open their dues', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/board');
      const arrears = page.getByTestId('party-arrears');
      await expect(arrears.getByRole('heading', { name: /党费欠缴/ })).toBeVisible();
      const rows = arrears.locator('tbody tr');
      await expect(rows.first()).toBeVisible();
      // Longest run first, each at least three months.
      const runs = await rows.evaluateAll((trs) =>
        trs.map((tr) => Number((tr.querySelector('td:nth-of-type(4)')?.textContent ?? '').replace(/\D/g, ''))),
      );
      expect(runs.every((run) => run >= 3)).toBe(true);
      expect(runs).toEqual([...runs].sort((a, b) => b - a));
      const first = rows.first().getByRole('link');
      const member = (await rows.first().getAttribute('data-member')) ?? '';
      await first.click();
      await expect(page).toHaveURL(new RegExp(`/m/party/dues\\?member=${member}$`));
      await ready(page, testInfo);
      await expect(page.locator('table.engine-list tbody tr').first()).toBeVisible();
    });

    test("the development pipeline's time rules are listed, those past their time first", async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/board');
      const pipeline = page.getByTestId('party-pipeline');
      await expect(pipeline.getByRole('heading', { name: /发展党员时限/ })).toBeVisible();
      const rows = pipeline.locator('tbody tr');
      await expect(rows.first()).toBeVisible();
      const overdue = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-overdue') === 'true'));
      expect(overdue).toEqual([...overdue].sort((a, b) => Number(b) - Number(a)));
      const applicant = (await rows.first().getAttribute('data-applicant')) ?? '';
      await rows.first().getByRole('link').click();
      await expect(page).toHaveURL(new RegExp(`/m/party/applicants/${applicant}$`));
      await ready(page, testInfo);
      await expect(page.getByTestId('engine-workflow')).toBeVisible();
    });

    test('a meeting recorded shows on the board at once', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/board');
      // A branch (it owes a 主题党日 every month), a different one for each run in parallel.
      // A village's branch: a meeting belongs to a village (the register's place).
      await expect(page.getByTestId('party-tree').locator('tbody tr').first()).toBeVisible();
      const inVillages = await page.getByTestId('party-tree').locator('tbody tr[data-kind="branch"]').evaluateAll((rows) =>
        rows.filter((row) => row.querySelectorAll('td')[2]?.textContent?.trim() !== '—').map((row) => [row.getAttribute('data-organisation'), row.querySelectorAll('td')[2].textContent!.trim()]),
      );
      const [id, village] = inVillages[(device === 'PC' ? 0 : 1) + (testInfo.project.name === 'no-js' ? 2 : 0)];
      const branch = page.getByTestId('party-compliance').locator(`tbody tr[data-organisation="${id}"]`);
      const name = (await branch.locator('th a').innerText()).trim();
      const cell = branch.locator('td[data-kind="theme_day"] [data-held]');
      const held = Number(await cell.getAttribute('data-held'));

      await gotoReady(page, testInfo, '/m/party/meetings/new');
      await page.getByLabel('会议主题', { exact: true }).fill(`主题党日：垃圾分类宣传${testInfo.project.name}`);
      await page.getByLabel('会议类型', { exact: true }).selectOption({ label: '主题党日' });
      await page.getByLabel('党组织', { exact: true }).selectOption({ label: name });
      await page.getByLabel('村（社区）', { exact: true }).selectOption({ label: village });
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      await page.getByLabel('召开日期', { exact: true }).fill(today);
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/party\/meetings\/\d+$/);

      await gotoReady(page, testInfo, '/m/party/board');
      const again = page.getByTestId('party-compliance').locator('tbody tr').filter({ has: page.locator('th a', { hasText: name }) }).first();
      await expect(again.locator('td[data-kind="theme_day"] [data-held]')).toHaveAttribute('data-held', String(held + 1));
    });
  });
}
