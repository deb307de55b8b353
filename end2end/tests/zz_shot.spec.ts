import { test } from '@playwright/test';
import { login } from './helpers';
test('shot', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'hydrated');
  await page.setViewportSize({ width: 1280, height: 900 });
  await login(page, testInfo, 'sysadmin', undefined, '/m/office/supplies/fields');
  for (const [zh, key, kind] of [['存放楼层', 'floor', 'choice'], ['保管人', 'keeper', 'text']]) {
    await page.getByLabel('中文名称').fill(zh);
    await page.getByLabel('英文名称').fill(key);
    await page.getByLabel('字段标识').fill(key);
    await page.getByLabel('类型', { exact: true }).selectOption(kind);
    if (kind === 'choice') await page.getByLabel('选项').fill('一楼\n二楼');
    await page.getByTestId('custom-field-add').click();
    await page.getByTestId(`custom-field-${key}`).waitFor();
  }
  await page.getByTestId('custom-field-keeper').getByRole('button').click();
  await page.getByTestId('custom-field-keeper').getByText('已停用').waitFor();
  await page.screenshot({ path: '/tmp/fields.png', fullPage: true });
  await page.getByTestId('custom-field-floor').getByRole('link').click();
  await page.getByTestId('custom-field-change-form').waitFor();
  console.log('after click', await page.getByTestId('custom-field-change-form').getByLabel('中文名称').inputValue(), await page.getByTestId('custom-field-change-form').locator('input[name="form[label_zh]"]').getAttribute('value'));
  await page.reload();
  await page.getByTestId('custom-field-change-form').waitFor();
  console.log('after reload', await page.getByTestId('custom-field-change-form').getByLabel('中文名称').inputValue());
  await page.screenshot({ path: '/tmp/fields-edit.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: '/tmp/fields-phone.png', fullPage: true });
});
