import { expect, test } from '@playwright/test';
import { DEVICES, gotoReady, login } from './helpers';

// The registers in "my tasks" and on the map (issue 13): a town leader, who may take every
// step of every register, finds the records waiting for them under their events, soonest
// deadline first with its flag, opens one and finds on its page the step the list offered
// and the state's deadline; a register with a map layer shows its records on the township's
// map, with the list's filters carried over. Without JavaScript the tasks are the same
// server-rendered table, and the map page says how many records it holds.

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('a leader finds the register records waiting for them and opens one', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/events/tasks');
      const card = page.getByTestId('pending-records');
      await expect(card.getByRole('heading', { name: '待我办理的台账' })).toBeVisible();
      const rows = card.locator('tbody tr');
      await expect(rows.first()).toBeVisible();
      expect(await rows.count()).toBeLessThanOrEqual(50);
      // The demo's older documents are past their deadlines: flagged, and listed first.
      await expect(rows.first().getByText('已超期')).toBeVisible();
      await page.screenshot({ path: `artifacts/engine-tasks-${device}-${testInfo.project.name}.png`, fullPage: true });

      const first = rows.first();
      const steps = (await first.locator('td').nth(3).innerText()).split('、').map((s) => s.trim());
      const link = first.locator('a').first();
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(/^\/m\/[a-z_]+\/[a-z_]+\/\d+$/);
      await link.click();
      await expect(page).toHaveURL(new RegExp(`${href}$`));
      const workflow = page.getByTestId('engine-workflow');
      await expect(workflow).toBeVisible();
      await expect(page.getByTestId('engine-due')).toContainText('已超期');
      // Every step the list offered is on the record (a button, or a disclosure asking a reason).
      for (const step of steps) {
        await expect(workflow.locator('[data-step]', { hasText: step }).first()).toBeVisible();
      }
    });

    test('a register with a map layer shows its filtered records on the map', async ({ page }, testInfo) => {
      await login(page, testInfo, 'leader', undefined, '/m/party/organisations');
      await page.getByTestId('engine-map').click();
      await expect(page).toHaveURL(/\/m\/party\/organisations\/map/);
      const count = page.getByTestId('engine-map-count');
      await expect(count).toContainText(/地图上共 \d+ 条记录/);
      const all = Number((await count.innerText()).match(/(\d+)/)![1]);
      expect(all).toBeGreaterThan(0);
      if (testInfo.project.use.javaScriptEnabled !== false) {
        await expect(page.locator('.engine-map')).toHaveAttribute('data-state', 'ready');
        // The organisations' layer is declared not to cluster: every one stays its own pin,
        // even zoomed far out, where clustered pins of a whole township fold into one.
        for (let i = 0; i < 3; i++) {
          await page.locator('.engine-map .leaflet-control-zoom-out').click();
        }
        await page.waitForTimeout(500);
        await expect(page.locator('.engine-map .map-cluster')).toHaveCount(0);
      }
      await page.screenshot({ path: `artifacts/engine-map-${device}-${testInfo.project.name}.png`, fullPage: true });

      // A filter of the list narrows the map (to the one 党委): the link carries it.
      await gotoReady(page, testInfo, '/m/party/organisations?kind=committee');
      await expect(page.getByTestId('engine-map')).toHaveAttribute('href', /\/map\?kind=committee/);
      await page.getByTestId('engine-map').click();
      await expect(count).toContainText(/地图上共 \d+ 条记录/);
      const narrowed = Number((await count.innerText()).match(/(\d+)/)![1]);
      expect(narrowed).toBe(1);
      expect(narrowed).toBeLessThan(all);
      // Back to the list, with the same filter.
      await expect(page.getByTestId('engine-map-list')).toHaveAttribute('href', /\/m\/party\/organisations\?kind=committee/);
    });
  });
}

// The registers' declared figures on the dashboard, each opening the list it counts.
test('the dashboard shows the registers figures and opens their lists', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader', undefined, '/');
  const figures = page.getByTestId('register-counters');
  await expect(figures.getByRole('heading', { name: '台账概况' })).toBeVisible();
  const themeDays = figures.locator('a.counter-tile', { hasText: '主题党日次数' });
  await expect(themeDays.locator('.counter-value')).toHaveText(/^[1-9][\d,]*$/);
  await expect(themeDays).toHaveAttribute('href', '/m/party/meetings?kind=theme_day');
  // Supplies at their reorder level are an alert, opening the list lowest stock first.
  const low = figures.locator('a.counter-tile', { hasText: '库存不足' });
  await expect(low).toHaveClass(/counter-alert/);
  await expect(low).toHaveAttribute('href', '/m/office/supplies?sort=stock&dir=asc');
  await themeDays.click();
  await expect(page).toHaveURL(/\/m\/party\/meetings\?kind=theme_day/);
});

// The data catalogue: every register as a dataset, with its owner, sharing level and
// the records the user may see; a dataset opens its list.
test('the data catalogue lists the registers as datasets', async ({ page }, testInfo) => {
  await login(page, testInfo, 'leader', undefined, '/base/catalogue');
  await expect(page.getByRole('heading', { level: 1, name: '数据目录' })).toBeVisible();
  const members = page.getByTestId('catalogue').locator('tr[data-dataset="party.members"]');
  await expect(members).toContainText('党建工作办公室');
  await expect(members).toContainText('有条件共享');
  await expect(members.locator('[data-records]')).toHaveText(/^[1-9][\d,]*$/);
  await expect(page.getByTestId('catalogue').locator('tr[data-dataset="office.seals"]')).toContainText('不予共享');
  await members.getByRole('link', { name: '党员' }).click();
  await expect(page).toHaveURL(/\/m\/party\/members$/);
});

// The command map offers the registers with a map layer: switching on 党组织 draws its
// records beside the events (the count says how many), switching it off takes them away.
test('the command map shows a register as a layer', async ({ page }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, 'the map needs JavaScript');
  // The dispatcher (the clerk of the events office) also sees the party's registers.
  await login(page, testInfo, 'staff', undefined, '/events/command');
  await expect(page.locator('.command-leaflet')).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
  const layer = page.getByTestId('command-layers').locator('label[data-layer="party.organisations"]');
  await expect(layer).toContainText('党组织');
  await layer.getByRole('checkbox').check();
  await expect(layer.getByTestId('command-layer-count')).toHaveText(/^（[1-9][\d,]*）$/);
  await page.screenshot({ path: `artifacts/command-layers-${testInfo.project.name}.png`, fullPage: true });
  await layer.getByRole('checkbox').uncheck();
  await expect(layer.getByTestId('command-layer-count')).toHaveText('');
});

// The national code tables (R-5b): shipped in the database, one tab each, searchable by code
// or name, a match shown under its class.
test('the standard code tables are browsed and searched', async ({ page }, testInfo) => {
  await login(page, testInfo, 'staff', undefined, '/base/codes');
  await expect(page.getByRole('heading', { level: 1, name: '标准代码' })).toBeVisible();
  const tabs = page.getByRole('navigation', { name: '代码表' }).getByRole('link');
  await expect(tabs).toHaveCount(4);
  await expect(tabs.first()).toHaveAttribute('aria-current', 'page');
  const entries = page.getByTestId('code-entries');
  await expect(entries).toHaveAttribute('data-table', 'gbt21010');
  await expect(entries.locator('tbody tr')).toHaveCount(85);
  await expect(entries.locator('tr[data-code="0101"]')).toContainText('水田');
  await expect(entries.locator('tr[data-code="01"]')).toHaveClass(/code-level-1/);

  // Another standard, and a search inside it that keeps the tab.
  await page.locator('a.tab[data-table="gbt13923"]').click();
  await expect(entries).toHaveAttribute('data-table', 'gbt13923');
  await expect(entries.locator('tr[data-code="440000"]')).toContainText('乡村道路');
  await page.getByLabel('代码或名称').fill('道路');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/filter=gbt13923/);
  await expect(entries.locator('tbody tr')).toHaveCount(4);
  await expect(entries.locator('tbody tr').first()).toContainText('交通');
  await expect(page.getByText('匹配 3 项')).toBeVisible();
  await page.getByLabel('代码或名称').fill('没有这个');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(entries).toContainText('没有匹配的代码');
});
