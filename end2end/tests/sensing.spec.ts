import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

// 互联感知 (issue 17): a stations' gateway, given a key by the system administrator, sends a
// river gauge's readings past its alarm level for the rule's ten minutes; the leader's
// 监测态势 shows the alarm, the gauge marked, every station's values graded by its standard,
// and the event the alarm was filed as, which opens in the event loop.

test('a gauge past its alarm level for its duration shows on 监测态势 and becomes an event', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await page.getByLabel('使用方').fill(`水位监测网关${suffix}`);
  await page.getByLabel('监测站点读数上传（物联感知设备与网关）').check();
  await page.getByTestId('api-key-issue').click();
  const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  expect(key).toMatch(/^tgk_/);
  const auth = { authorization: `Bearer ${key}` };

  // Minutes ago, 17 seconds past the minute (never on the hour of the demo's readings).
  const at = (minutesAgo: number) => {
    const t = new Date(Date.now() - minutesAgo * 60_000);
    t.setUTCSeconds(17, 0);
    return t.toISOString();
  };
  const refused = await request.post('/api/v1/readings', {
    headers: { ...auth, 'accept-language': 'zh-CN' },
    data: { readings: [{ station: 'WL-03', measurand: 'radon', at: at(1), value: 1 }] },
  });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).errors[0]).toMatchObject({ field: 'readings[0].measurand', code: 'sensing.measurand_unknown' });
  const sent = await request.post('/api/v1/readings', {
    headers: auth,
    data: {
      readings: [12, 7, 2].map((minutesAgo, i) => ({ station: 'WL-03', measurand: 'water_level', at: at(minutesAgo), value: 3.7 + i * 0.1 })),
    },
  });
  expect(sent.status()).toBe(200);
  expect((await sent.json()).accepted + (await sent.json()).duplicates).toBe(3);

  await page.context().clearCookies();
  await login(page, testInfo, 'leader');
  await page.getByRole('link', { name: '监测态势' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: '监测态势' })).toBeVisible();
  const stations = page.getByTestId('sensing-stations');
  await expect(stations.locator('.station-card')).toHaveCount(11);
  const gauge = stations.locator('[data-station="WL-03"]');
  await expect(gauge).toHaveAttribute('data-alarm', 'alarm');
  await expect(gauge.locator('[data-measurand="water_level"]')).toContainText('3.9');
  // Water graded by its class, air by its IAQI and level, noise against its zone's limit.
  await expect(stations.locator('[data-station="WQ-01"] [data-measurand="nh3n"]')).toContainText(/[ⅠⅡⅢⅣⅤ]类/);
  await expect(stations.locator('[data-station="AQ-01"] [data-measurand="pm25"]')).toContainText('IAQI');
  await expect(stations.locator('[data-station="NS-01"] [data-measurand="leq"]')).toContainText('限值');
  await expect(stations.locator('[data-station="CAM-01"] [data-measurand="online"]')).toContainText('在线');

  const alarm = page.getByTestId('sensing-open-alarms').locator('tr', { hasText: '水位' }).first();
  await expect(alarm.locator('[data-severity]')).toHaveText('报警');
  const filed = alarm.getByRole('link', { name: /^TG-/ });
  await expect(filed).toBeVisible();
  await filed.click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('水位报警');
  await expect(page.locator('main')).toContainText('物联感知');

  // Opened directly, the page hydrates as it was rendered (its code is fetched first).
  await gotoReady(page, testInfo, '/m/sensing/monitor');
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
  await expect(page.getByTestId('sensing-stations').locator('.station-card')).toHaveCount(11);

  // The gauge's own page draws its readings: the last day, the rule's two levels dashed;
  // a week is a link away, with more points.
  await page.getByTestId('sensing-stations').locator('[data-station="WL-03"] a').first().click();
  const chart = page.getByTestId('station-chart');
  const level = chart.locator('[data-measurand="water_level"]');
  await expect(level).toBeVisible();
  await expect(level.locator('figcaption')).toContainText('水位（m）');
  await expect(level.locator('line.chart-level')).toHaveCount(2);
  const dayPoints = Number(await level.getAttribute('data-points'));
  expect(dayPoints).toBeGreaterThan(20);
  await chart.getByRole('link', { name: '近 7 天' }).click();
  await expect(page).toHaveURL(/span=week/);
  await expect(chart.getByRole('link', { name: '近 7 天' })).toHaveAttribute('aria-current', 'page');
  await expect.poll(async () => Number(await level.getAttribute('data-points'))).toBeGreaterThan(150);
  await chart.scrollIntoViewIfNeeded();
  await chart.screenshot({ path: `artifacts/${testInfo.project.name}-station-chart.png` });
});

// 体征指标 on the wall (issue 17): the leader's big screen shows the township's indicators as
// tiles under the map, computed by the server as it runs; a camera's gateway reports it
// offline for the rule's ten minutes, and the warning appears on the wall within seconds,
// pushed by the live channel, with no reload.
test('the wall shows the vital signs and a sensor alarm arrives live', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.use.javaScriptEnabled === false, 'live updates need JavaScript');
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await page.getByLabel('使用方').fill(`视频监控网关${suffix}`);
  await page.getByLabel('监测站点读数上传（物联感知设备与网关）').check();
  await page.getByTestId('api-key-issue').click();
  const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  await page.context().clearCookies();

  await page.setViewportSize({ width: 1920, height: 1080 });
  await login(page, testInfo, 'leader', undefined, '/screen');
  const tiles = page.getByTestId('screen-indicators');
  await expect(tiles.locator('.indicator-tile')).toHaveCount(6);
  await expect(tiles.locator('.indicator-tile').last()).toBeInViewport();
  for (const name of ['在办事件', '超期事件', '今日新增事件', '按期办结率', '未解除站点报警', '河道水位']) {
    await expect(tiles.locator(`[data-indicator="${name}"]`)).toBeVisible();
  }
  // Computed over the demo's events: a number, with the last day's line.
  await expect(tiles.locator('[data-indicator="在办事件"] .indicator-number')).toHaveText(/^\d+$/);
  await expect(tiles.locator('[data-indicator="在办事件"] .indicator-spark polyline')).toBeVisible();
  await expect(tiles.locator('[data-indicator="按期办结率"] .indicator-unit')).toHaveText('%');

  // The map: every station marked, the grids with open events shaded.
  const map = page.locator('.screen-map');
  await expect(map.locator('.map-station')).toHaveCount(11);
  expect(await map.locator('.map-grid:not(.load-0)').count()).toBeGreaterThan(0);
  await expect(page.locator('.screen-map-legend')).toContainText('网格在办事件');

  const alarms = page.getByTestId('screen-alarms');
  await expect(alarms.locator('.live-alarm', { hasText: '在线状态' })).toHaveCount(0);
  // Marked now: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { wallMark: number }).wallMark = 1));
  const at = (minutesAgo: number) => {
    const t = new Date(Date.now() - minutesAgo * 60_000);
    t.setUTCSeconds(17, 0);
    return t.toISOString();
  };
  const sent = await request.post('/api/v1/readings', {
    headers: { authorization: `Bearer ${key}` },
    data: { readings: [12, 7, 2].map((minutesAgo) => ({ station: 'CAM-02', measurand: 'online', at: at(minutesAgo), value: 0 })) },
  });
  expect(sent.status()).toBe(200);
  const offline = alarms.locator('.live-alarm', { hasText: '在线状态' });
  await expect(offline).toBeVisible({ timeout: 3_000 });
  await expect(offline).toBeInViewport();
  await expect(offline).toContainText('预警');
  await expect(map.locator('.map-station.is-warning[data-station$="河道监控"]').first()).toBeVisible();
  // The count of open station alarms is recomputed at the job's next run, not a minute later.
  const open = tiles.locator('[data-indicator="未解除站点报警"] .indicator-number');
  await expect(open).not.toHaveText('0', { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { wallMark?: number }).wallMark)).toBe(1);
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-screen-vital-signs-1080p.png` });

  // The same tiles at 4K: the stage scales, nothing overflows its panel.
  await page.setViewportSize({ width: 3840, height: 2160 });
  await expect(tiles.locator('.indicator-tile').first()).toBeVisible();
  const overflow = await tiles.evaluate((panel) => panel.scrollHeight - panel.clientHeight);
  expect(overflow).toBeLessThanOrEqual(1);
  await page.screenshot({ path: `artifacts/${testInfo.project.name}-screen-vital-signs-2160p.png` });
});
