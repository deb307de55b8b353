import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { gotoReady, login, ready } from './helpers';

// The service layer as its users meet it: the system administrator issues an API key on
// 接口密钥 (refused first without a name; the key shown once), an Open311 client files a
// service request with it and reads it back in JSON and XML, the request is an event of the
// inbox, the call shows in the key's log, and after 吊销 the same key is refused. The no-js
// project runs the same steps as plain posts (the key then comes through the redirect).
// Then the exchange with an upper platform: a city platform registered with the command line
// sends a work order signed with HMAC-SM3 by another implementation (Node's OpenSSL); the
// township's 立案 cannot reach the city's closed endpoint, so the message becomes a dead
// letter on 上级平台交换, which the administrator sends again.

test('an administrator issues a key, a client files through Open311, the key is revoked', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  const name = `随手拍${suffix}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await expect(page.getByRole('heading', { level: 1, name: '接口密钥' })).toBeVisible();
  await page.getByTestId('api-key-issue').click();
  await expect(page.locator('#field-name-error')).toContainText('必填');
  await page.getByLabel('使用方').fill(name);
  await page.getByLabel('每分钟调用上限').fill('30');
  await page.getByLabel('Open311 服务请求（提交与查询）').check();
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
  await page.getByLabel('Open311 服务请求（提交与查询）').check();
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

test('a work order from an upper platform is an event; its undeliverable step is a dead letter sent again', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}${testInfo.project.name === 'no-js' ? 'n' : 'h'}`;
  const code = `city${suffix}`;
  const secret = `e2e-city-secret-${suffix}-0123456789abcdef`;
  // Port 9 (discard) is closed: every delivery fails at once; one attempt and it is dead.
  execFileSync(
    process.env.E2E_BIN ?? '../target/release/tongguan',
    ['exchange', 'peer', '--code', code, '--name', `市级平台${suffix}`, '--kind', 'city', '--endpoint', 'http://127.0.0.1:9/results', '--max-attempts', '1'],
    { env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, TONGGUAN_PEER_SECRET: secret }, stdio: 'pipe' },
  );
  const instruction = `SJ-${suffix}`;
  const body = JSON.stringify({
    instruction_id: instruction,
    kind: 'work_order',
    title: `市级转办工单 ${suffix}`,
    description: '市民来电反映路灯不亮，请核实处理并答复。',
    category: 'CG0501',
    lat: 31.65,
    lon: 120.9,
  });
  const sendSigned = async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createHmac('sm3', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
    return request.post('/exchange/v1/instructions', {
      headers: { 'content-type': 'application/json', 'x-tg-peer': code, 'x-tg-timestamp': timestamp, 'x-tg-nonce': nonce, 'x-tg-signature': signature },
      data: body,
    });
  };
  const taken = await sendSigned();
  expect(taken.status()).toBe(201);
  const receipt = await taken.json();
  expect(receipt).toMatchObject({ instruction_id: instruction, duplicate: false });
  const again = await sendSigned();
  expect(again.status()).toBe(200);
  expect(await again.json()).toMatchObject({ event_number: receipt.event_number, duplicate: true });

  // The township takes the order (立案): its message to the city cannot be delivered.
  await login(page, testInfo, 'staff', undefined, `/events?q=${receipt.event_number}`);
  await page.getByRole('link', { name: receipt.event_number }).click();
  await ready(page, testInfo);
  await expect(page.getByText('上级交办').first()).toBeVisible();
  await page.getByRole('button', { name: '立案' }).click();
  await expect(page.getByTestId('event-state')).toHaveText('已立案');

  await page.context().clearCookies();
  await login(page, testInfo, 'sysadmin', undefined, '/admin/exchange?view=dead');
  await expect(page.getByRole('heading', { level: 1, name: '上级平台交换' })).toBeVisible();
  await expect(page.getByTestId('exchange-peers')).toContainText(`市级平台${suffix}`);
  const row = page.locator('tr[data-view="dead"]').filter({ hasText: instruction });
  await expect(async () => {
    await gotoReady(page, testInfo, '/admin/exchange?view=dead');
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText('死信');
  await expect(row).toContainText('立案');
  await expect(row.locator('[data-label="最近错误"]')).toContainText('request failed');
  await row.getByText('查看').click();
  await expect(row.locator('pre')).toContainText('"stage": "sign"');
  await row.getByTestId('exchange-retry').click();
  await expect(page.getByText('已重新排队发送')).toBeVisible();
  await expect(page.locator('.tabs .tab[aria-current="page"]')).toContainText('死信');
});

test('a partner system reads shared data with a scoped key, and the auditor sees its calls', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await page.getByLabel('使用方').fill(`市大数据平台${suffix}`);
  await page.getByLabel('事件数据（只读）').check();
  await page.getByTestId('api-key-issue').click();
  const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  expect(key).toMatch(/^tgk_/);
  const auth = { authorization: `Bearer ${key}` };

  const events = await request.get('/api/v1/events?limit=5', { headers: auth });
  expect(events.status()).toBe(200);
  const feed = await events.json();
  expect(feed.data.length).toBeGreaterThan(0);
  expect(feed.data.length).toBeLessThanOrEqual(5);
  for (const row of feed.data) {
    expect(row.contact_phone).not.toMatch(/^1\d{10}$/);
  }
  const refused = await request.get('/api/v1/villages', { headers: { ...auth, 'accept-language': 'zh-CN' } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).errors[0]).toMatchObject({ field: 'authorization', code: 'api_key.scope' });
  const openapi = await request.get('/api/openapi.json');
  expect((await openapi.json()).openapi).toBe('3.1.0');

  await page.context().clearCookies();
  await login(page, testInfo, 'auditor', undefined, '/admin/audit');
  const calls = page.getByTestId('api-calls');
  await expect(calls).toContainText('/api/v1/events?limit=5');
  await expect(calls).toContainText(`市大数据平台${suffix}`);
});

test('a key for one village reads a granted register, masked; registers not granted stay hidden', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/api-keys');
  await page.getByLabel('使用方').fill(`村级看板${suffix}`);
  await page.getByLabel('基础数据：村（社区）与网格').check();
  await page.getByLabel('数据目录台账（只读）').check();
  const village = page.getByLabel('限定村（社区）');
  await village.selectOption({ index: 1 });
  const villageName = (await village.locator('option:checked').textContent()) ?? '';
  await page.getByTestId('api-key-datasets').locator('input[value="party.members"]').check();
  await page.getByTestId('api-key-issue').click();
  const key = (await page.getByTestId('api-key-secret').textContent()) ?? '';
  expect(key).toMatch(/^tgk_/);
  await gotoReady(page, testInfo, '/admin/api-keys');
  const row = page.locator(`[data-key="${key.slice(0, 12)}"]`);
  await expect(row).toContainText('党建引领 · 党员');
  await expect(row).toContainText(villageName);
  const auth = { authorization: `Bearer ${key}` };

  const catalogue = await (await request.get('/api/v1/datasets', { headers: auth })).json();
  const keys = catalogue.map((d: { key: string }) => d.key);
  expect(keys).toContain('party.members');
  expect(keys).toContain('party.stations');
  expect(keys).not.toContain('office.archives');
  const villages = await (await request.get('/api/v1/villages', { headers: auth })).json();
  expect(villages).toHaveLength(1);
  expect(villages[0].name).toBe(villageName);
  const members = await request.get('/api/v1/datasets/party.members/records?limit=50', { headers: auth });
  expect(members.status()).toBe(200);
  const feed = await members.json();
  expect(feed.data.length).toBeGreaterThan(0);
  for (const member of feed.data) {
    expect(member.village).toBe(villages[0].code);
    expect(member.values.name).toMatch(/^.\*+$/);
    expect(member.values.id_number).toContain('****');
  }
  const hidden = await request.get('/api/v1/datasets/office.archives/records', { headers: auth });
  expect(hidden.status()).toBe(404);
});

test('an administrator registers a peer platform on the page, which signs with the secret shown once, then stops it', async ({ page, request }, testInfo) => {
  const suffix = `${String(Date.now()).slice(-6)}${testInfo.workerIndex}${testInfo.project.name === 'no-js' ? 'n' : 'h'}`;
  const code = `town${suffix}`;
  await login(page, testInfo, 'sysadmin', undefined, '/admin/exchange');
  const editor = page.getByTestId('exchange-peer-new');
  await editor.getByTestId('exchange-peer-save').click();
  await expect(page.locator('#field-code-error')).toContainText('小写字母');
  await editor.getByLabel('代码', { exact: true }).fill(code);
  await editor.getByLabel('名称', { exact: true }).fill(`区级平台${suffix}`);
  await editor.getByLabel('类别对应').fill('0105 = CG0501');
  await editor.getByTestId('exchange-peer-save').click();
  const shown = page.getByTestId('exchange-peer-secret');
  await expect(shown).toContainText('只显示这一次');
  const secret = ((await shown.locator('code').textContent()) ?? '').trim();
  expect(secret).toMatch(/^[A-Za-z0-9]{43}$/);
  const row = page.locator(`tr[data-peer="${code}"]`);
  await expect(row).toContainText('启用');

  const send = async (id: string) => {
    const body = JSON.stringify({ instruction_id: id, kind: 'task', title: `区级交办 ${suffix}`, description: '核查路灯。', category: '0105', lat: 31.65, lon: 120.9 });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createHmac('sm3', secret).update(`${timestamp}\n${nonce}\n${body}`).digest('hex');
    return request.post('/exchange/v1/instructions', {
      headers: { 'content-type': 'application/json', 'x-tg-peer': code, 'x-tg-timestamp': timestamp, 'x-tg-nonce': nonce, 'x-tg-signature': signature },
      data: body,
    });
  };
  expect((await send(`QJ-${suffix}-1`)).status()).toBe(201);

  await gotoReady(page, testInfo, '/admin/exchange');
  await expect(page.getByTestId('exchange-peer-secret')).toHaveCount(0);
  await row.getByTestId('exchange-peer-stop').click();
  await expect(page.getByText('对接平台已停用')).toBeVisible();
  await expect(row).toContainText('已停用');
  expect((await send(`QJ-${suffix}-2`)).status()).toBe(401);
});
