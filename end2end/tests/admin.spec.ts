import * as fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { gotoReady, login } from './helpers';

test('the system administrator creates a staff account; bad input is explained', async ({ page }, testInfo) => {
  await login(page, testInfo, 'sysadmin', undefined, '/admin/users');
  const username = `clerk${testInfo.project.name === 'no-js' ? 'n' : 'h'}${Date.now() % 1_000_000}`;
  await page.getByText('新建工作人员账号').click();
  await page.getByLabel(/^账号( \*)?$/).fill(username);
  await page.getByLabel(/^姓名( \*)?$/).fill('新同事');
  await page.getByLabel('初始密码').fill('short');
  await page.getByRole('button', { name: '创建账号' }).click();
  await expect(page.getByText('密码至少需要 10 个字符')).toBeVisible();

  // The form stays open with the error, so the person corrects and resubmits.
  await expect(page.locator('details', { hasText: '新建工作人员账号' })).toHaveAttribute('open', '');
  await page.getByLabel(/^账号( \*)?$/).fill(username);
  await page.getByLabel(/^姓名( \*)?$/).fill('新同事');
  await page.getByLabel('角色').selectOption({ label: '网格员' });
  await page.getByLabel('初始密码').fill('Grid-Worker-7x9');
  await page.getByRole('button', { name: '创建账号' }).click();
  await expect(page.getByRole('status').filter({ hasText: '账号已创建' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`q=${username}`));
  await expect(page.getByRole('table').getByText(username)).toBeVisible();
});

test('the auditor reads a verified audit log', async ({ page }, testInfo) => {
  await login(page, testInfo, 'auditor', undefined, '/admin/audit');
  await expect(page.getByText(/哈希链校验通过/)).toBeVisible();
  await expect(page.getByRole('table').getByText('登录成功').first()).toBeVisible();
});

test('the auditor finds failed logins by outcome and day; a backwards range is explained', async ({ page }, testInfo) => {
  // A failed login to find (the next correct one clears the count).
  await gotoReady(page, testInfo, '/login');
  await page.getByLabel('用户名或手机号').fill('handler');
  await page.getByLabel(/^密码/).fill('Wrong#password1');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible();
  await login(page, testInfo, 'handler');
  await page.context().clearCookies();

  await login(page, testInfo, 'auditor', undefined, '/admin/audit');
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const search = page.getByRole('search', { name: '检索审计日志' });
  await search.getByLabel('结果').selectOption({ label: '失败' });
  await search.getByLabel('对象').fill('handler');
  await search.getByLabel('起始日期').fill(today);
  await search.getByLabel('截止日期').fill(today);
  await search.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(/outcome=failure/);
  const table = page.getByRole('table', { name: '审计日志' });
  await expect(table.getByText('登录失败').first()).toBeVisible();
  await expect(table.getByText('登录成功')).toHaveCount(0);
  await expect(table.locator('.badge-warn').first()).toHaveText('失败');
  // The search is kept in the form after the reload.
  await expect(search.getByLabel('结果')).toHaveValue('failure');
  // And it leaves as a file holding what the page shows, with each record's chain value.
  const exported = page.getByRole('link', { name: '导出检索结果（CSV）' });
  await expect(exported).toHaveAttribute('href', /outcome=failure/);
  const [download] = await Promise.all([page.waitForEvent('download'), exported.click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv).toContain('链值');
  expect(csv).toContain('登录失败');
  expect(csv).not.toContain('登录成功');

  await gotoReady(page, testInfo, `/admin/audit?from=${today}&to=2000-01-01`);
  await expect(page.getByText('结束日期不能早于开始日期').first()).toBeVisible();
});

test('the security administrator sees roles with their scopes', async ({ page }, testInfo) => {
  await login(page, testInfo, 'secadmin', undefined, '/admin/roles');
  await expect(page.getByRole('table').getByText('审计管理员')).toBeVisible();
  await expect(page.getByRole('table').getByText('查看审计日志').first()).toBeVisible();
});

test('the security administrator creates a role from permission codes', async ({ page }, testInfo) => {
  await login(page, testInfo, 'secadmin', undefined, '/admin/roles');
  const code = `role_${testInfo.project.name === 'no-js' ? 'n' : 'h'}${Date.now() % 1_000_000}`;
  await page.getByText('新建角色').click();
  await page.getByLabel(/^角色编码/).fill(code);
  await page.getByLabel(/^角色名称/).fill('河长');
  await page.getByLabel('数据范围').selectOption({ label: '本村（社区）' });
  await page.getByRole('button', { name: '创建角色' }).click();
  await expect(page.getByText('请至少选择一项权限')).toBeVisible();
  await page.getByLabel(/^角色编码/).fill(code);
  await page.getByLabel(/^角色名称/).fill('河长');
  await page.getByLabel('态势总览').check();
  await page.getByLabel('查看基础数据').check();
  await page.getByRole('button', { name: '创建角色' }).click();
  await expect(page.getByRole('status').filter({ hasText: '角色已创建' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: '河长' }).first();
  await expect(row).toContainText('本村（社区）');
  await expect(row).toContainText('查看基础数据');
});
