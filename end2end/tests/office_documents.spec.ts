import { expect, test } from '@playwright/test';
import { DEVICES, login, ready } from './helpers';

// Outgoing documents (发文, 8.7.1): a document drafted by the town leader goes 送核稿 → 签发 →
// 印制 → 用印 → 分发 → 归档 from its record's buttons, is given its 发文字号 (梅委发〔YYYY〕N号)
// when signed, and prints as GB/T 9704 lays out a 公文: the red 发文机关标志 and line, the
// number, the title, the 主送机关 and body, the date in 年月日 under the seal, the 版记. On a
// PC and a phone, with and without JavaScript.

for (const [device, viewport] of DEVICES) {
  test.describe(`on ${device}`, () => {
    test.use({ viewport });

    test('an outgoing document goes from draft to archive with its number and prints as a 公文', async ({ page }, testInfo) => {
      const title = `关于做好冬季防火工作的通知${String(Date.now()).slice(-6)}${testInfo.workerIndex}${device === 'PC' ? 'p' : 'm'}`;
      await login(page, testInfo, 'leader', undefined, '/m/office/outgoing/new');
      await page.getByLabel('标题', { exact: true }).fill(title);
      await page.getByLabel('文种', { exact: true }).selectOption({ label: '通知' });
      await page.getByLabel('紧急程度', { exact: true }).selectOption({ label: '加急' });
      await page.getByLabel('发文机关标志', { exact: true }).fill('中共梅李镇委员会文件');
      await page.getByLabel('主送机关', { exact: true }).fill('各村（社区）党组织');
      await page.getByLabel('正文', { exact: true }).fill('入冬以来，天干物燥。\n\n一、落实防火责任。\n二、开展隐患排查。');
      await page.getByLabel('成文日期', { exact: true }).fill('2026-11-28');
      await page.getByLabel('抄送机关', { exact: true }).fill('县应急管理局');
      await page.getByLabel('印发机关', { exact: true }).fill('中共梅李镇委员会办公室');
      await page.getByLabel('印发日期', { exact: true }).fill('2026-11-29');
      await page.getByTestId('engine-save').click();
      await expect(page).toHaveURL(/\/m\/office\/outgoing\/\d+$/);
      await ready(page, testInfo);
      const path = new URL(page.url()).pathname;
      const state = page.getByTestId('engine-state');
      await expect(state).toHaveText('拟稿');

      const workflow = page.getByTestId('engine-workflow');
      for (const [step, reached] of [
        ['submit', '核稿'],
        ['sign', '签发'],
        ['print', '印制'],
        ['seal', '用印'],
        ['distribute', '分发'],
        ['archive', '归档'],
      ]) {
        await workflow.locator(`button[data-step="${step}"]`).click();
        await expect(state).toHaveText(reached);
      }
      const facts = page.getByTestId('engine-facts');
      await expect(facts).toContainText(/梅委发〔\d{4}〕\d+号/);
      const number = (await facts.innerText()).match(/梅委发〔\d{4}〕\d+号/)![0];

      await page.goto(`${path}/print`);
      await ready(page, testInfo);
      const document = page.getByTestId('official-document');
      await expect(document.getByTestId('gw-issuer')).toHaveText('中共梅李镇委员会文件');
      await expect(document.getByTestId('gw-issuer')).toHaveCSS('color', 'rgb(212, 0, 0)');
      await expect(document.getByTestId('gw-number')).toHaveText(number);
      await expect(document.getByRole('heading', { level: 1 })).toHaveText(title);
      await expect(document.locator('.gw-urgency')).toHaveText('加急');
      // No 份号 or 密级 was given: none printed.
      await expect(document.locator('.gw-copy, .gw-secrecy')).toHaveCount(0);
      await expect(document.locator('.gw-recipients')).toHaveText('各村（社区）党组织：');
      await expect(document.locator('.gw-text p')).toHaveText(['入冬以来，天干物燥。', '一、落实防火责任。', '二、开展隐患排查。']);
      await expect(document.getByTestId('gw-date')).toHaveText('2026年11月28日');
      await expect(document.getByTestId('gw-seal')).toBeVisible();
      await expect(document.locator('.gw-cc')).toHaveText('抄送：县应急管理局。');
      await expect(document.locator('.gw-printed')).toContainText('2026年11月29日印发');
      await page.screenshot({ path: `artifacts/official-document-${device}-${testInfo.project.name}.png`, fullPage: true });
    });
  });
}
