import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

// The service layer as its users meet it: the system administrator issues an API key on
// 接口密钥 (refused first without a name; the key shown once), an Open311 client files a
// service request with it and reads it back in JSON and XML, the request is an event of the
// inbox, the call shows in the key's log, and after 吊销 the same key is refused. The no-js
// project runs the same steps as plain posts (the key then comes through the redirect).

test('an administrator issues a key, a client files through Open311, the key is revoked', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  const name = `随手拍${suffix}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await expect(page.getByRole('heading', { level: 1, name: '接口密钥' })).toBeVisible();
  await page.getByTestId('api-key-issue').click();
  await expect(page.locator('#field-name-error')).toContainText('必填');
  await page.getByLabel('使用方').fill(name);
  await page.getByLabel('每分钟调用上限').fill('30');
  await page.getByTestId('api-key-issue').click();
  const secret = page.getByTestId('api-key-secret');
  await expect(secret).toHaveText(/^tgk_[a-z0-9]{8}_[a-z0-9]{32}$/);
  const key = (await secret.textContent()) ?? '';
  const prefix = key.slice(0, 12);
  await gotoReady(page, testInfo, '/admin/api-keys');
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
  const row = page.locator(`[data-key="${prefix}"]`);
  await expect(row).toContainText(name);
  await expect(row).toContainText('有效');
  await expect(page.getByTestId('api-keys')).not.toContainText(key.slice(13));

  // A client written by others: form-encoded POST, JSON and XML reads.
  const filed = await request.post('/open311/v2/requests.json', {
    form: {
      api_key: key,
      service_code: 'CG0501',
      lat: '31.65',
      long: '120.90',
      'attribute[lamp_state]': 'flicker',
      description: `路灯闪烁 ${suffix}`,
      first_name: '三',
      last_name: '张',
    },
  });
  expect(filed.status()).toBe(200);
  const [created] = await filed.json();
  expect(created.service_request_id).toMatch(/^TG-\d{4}-\d+$/);
  const json = await request.get(`/open311/v2/requests/${created.service_request_id}.json`);
  expect((await json.json())[0]).toMatchObject({ status: 'open', status_notes: '待受理', service_code: 'CG0501' });
  const xml = await request.get(`/open311/v2/requests/${created.service_request_id}.xml`);
  expect(xml.headers()['content-type']).toContain('text/xml');
  expect(await xml.text()).toContain(`<service_request_id>${created.service_request_id}</service_request_id>`);

  // The call is in the log, and the key's count.
  await gotoReady(page, testInfo, '/admin/api-keys');
  await expect(page.getByTestId('api-calls')).toContainText('POST /open311/v2/requests.json');
  await expect(row.locator('[data-label="近 30 天调用"]')).not.toHaveText('0');

  // Revoked: the next call with it is refused.
  await row.getByTestId('api-key-revoke').click();
  await expect(page.locator(`[data-key="${prefix}"]`)).toContainText('已吊销');
  const refused = await request.get(`/open311/v2/services.json?api_key=${key}`);
  expect(refused.status()).toBe(403);
  expect((await refused.json())[0].description).toContain('api_key');
});

test('staff find the Open311 request in the inbox with its attributes', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await page.getByLabel('使用方').fill(`巡查助手${suffix}`);
  await page.getByTestId('api-key-issue').click();
  const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  const filed = await request.post('/open311/v2/requests.json', {
    form: { api_key: key, service_code: 'CG0503', lat: '31.65', lon: '120.90', 'attribute[area]': '2.5', description: `人行道破损 ${suffix}` },
  });
  expect(filed.status()).toBe(200);
  const [created] = await filed.json();
  await page.context().clearCookies();
  await login(page, testInfo, 'staff', undefined, `/events?q=${created.service_request_id}`);
  const row = page.getByRole('row').filter({ hasText: `人行道破损 ${suffix}` });
  await expect(row).toContainText('开放接口');
  await row.getByRole('link', { name: created.service_request_id }).click();
  await expect(page.getByText('破损面积（平方米，估计即可）：2.5')).toBeVisible();
  await expect(page.getByText('开放接口').first()).toBeVisible();
});
