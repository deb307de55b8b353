import { expect, test } from '@playwright/test';
import { login } from './helpers';

const artifact = (name: string, project: string) => `artifacts/${project}-${name}.png`;

test('the PC console: sidebar, stats, town map', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await login(page, testInfo, 'leader');
  await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: '底部导航' })).toBeHidden();
  await expect(page.locator('.stat-card').first()).toBeVisible();
  await expect(page.getByRole('img', { name: '全镇地图' })).toBeVisible();
  await expect(page.locator('.map-village')).toHaveCount(10);
  await page.screenshot({ path: artifact('pc-dashboard', testInfo.project.name), fullPage: true });
});

test('the phone layout has a bottom tab bar instead of the sidebar', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, testInfo, 'grid');
  const tabs = page.getByRole('navigation', { name: '底部导航' });
  await expect(tabs).toBeVisible();
  await expect(page.getByRole('navigation', { name: '主导航' })).toBeHidden();
  expect((await tabs.getByRole('link').allInnerTexts()).map((t) => t.trim())).toEqual(['态势总览', '事件上报', '我的待办', '我的上报', '我的']);
  const box = await tabs.getByRole('link').first().boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: artifact('mobile-dashboard', testInfo.project.name), fullPage: true });
  await tabs.getByRole('link', { name: '我的待办' }).click();
  await expect(page.getByRole('heading', { name: '我的待办', level: 1 })).toBeVisible();
  await page.screenshot({ path: artifact('mobile-tasks', testInfo.project.name), fullPage: true });
});

test('the big screen is a dark kiosk without navigation', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await login(page, testInfo, 'leader', undefined, '/screen');
  await expect(page).toHaveURL(/\/screen/);
  await expect(page.locator('.screen-shell')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('一网统管指挥中心');
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByRole('region', { name: '核心指标' }).locator('.screen-kpi')).toHaveCount(6);
  // The leader may see events: the wall shows their situation, live.
  const events = page.getByRole('region', { name: '事件态势' });
  await expect(events.locator('.screen-kpi')).toHaveCount(6);
  for (const label of ['在办事件', '待受理', '已超期', '即将超期', '今日办结', '按时办结率（近30天）']) {
    await expect(events.getByText(label)).toBeVisible();
  }
  await expect(page.getByRole('list', { name: '近30天事件类别' }).getByRole('listitem').first()).toBeVisible();
  // The registers' figures beside them, an alert in red (the demo has supplies at their
  // reorder level).
  const registers = page.getByRole('region', { name: '台账动态' });
  await expect(registers.getByText('内务办公 · 核稿中')).toBeVisible();
  await expect(registers.locator('.screen-kpi.is-alert', { hasText: '库存不足' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('实时连接');
  await page.screenshot({ path: artifact('screen-1080p', testInfo.project.name) });
});

test('a user without the big-screen permission is refused', async ({ page }, testInfo) => {
  await login(page, testInfo, 'sysadmin');
  await page.goto('/screen');
  await expect(page.getByRole('heading', { name: '无权访问' })).toBeVisible();
});
