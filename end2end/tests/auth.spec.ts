import { expect, test } from '@playwright/test';
import { gotoReady, login, PASSWORD, ready, sidebarEntries } from './helpers';

// The registers of the module engine each role may view (shared/src/accounts/builtin_roles.rs
// derives them from the declarations): every register for the town's leaders and staff and
// the county; a village's own registers (place Village or Grid) for a village; a grid's
// (place Grid) for a grid worker. Child tables (a meeting's attendance) are not in the menu.
const PARTY_VILLAGE = ['党组织', '党员', '组织生活', '党费缴纳', '学习培训', '发展党员', '组织关系转接', '新时代文明实践阵地', '志愿服务点单'];
const OFFICE = ['发文', '收文', '档案', '档案借阅', '物品目录', '物品领用', '出入库记录', '印章', '用印登记'];
const ALL_REGISTERS = [...PARTY_VILLAGE, ...OFFICE];
// The platform's own operation records (9.4): the system administrator's, read by the leaders.
const MAINTENANCE = ['巡检记录', '故障报告', '应急预案', '演练记录'];
const GRID_REGISTERS = ['党员', '志愿服务点单'];
// 互联感知 (6.6): the monitoring page opens the section for who may view the stations (place
// Village: not a grid worker); the stations' alarm rules are a child table, not in the menu;
// the vital-sign indicators are the township's (place Township: not a village's).
const SENSING_VILLAGE = ['监测态势', '监测站点'];
const SENSING = [...SENSING_VILLAGE, '体征指标'];
// The party board opens the party section for who may view the organisations (not for the
// system administrator, who configures fields and sees no records).
const BOARD = '党建概况';

// What each kind of user may open: the menu is built from their permissions.
const menus: Record<string, string[]> = {
  // The system administrator configures every register's fields (its link opens them) and
  // keeps the operation records.
  sysadmin: ['态势总览', '事件配置', ...MAINTENANCE, ...ALL_REGISTERS, '监测站点', '体征指标', '用户管理', '专项台账管理', '接口密钥', '上级平台交换', '运行维护', '消息通知', '我的'],
  secadmin: ['态势总览', '用户管理', '角色权限', '在线用户', '两步验证', '消息通知', '我的'],
  auditor: ['审计日志', '消息通知', '我的'],
  county: ['态势总览', '指挥大屏', '我的待办', '事件受理', '统计分析', '实有人口', '法人单位', '数据目录', '标准代码', BOARD, ...ALL_REGISTERS, ...SENSING, '消息通知', '我的'],
  leader: ['态势总览', '指挥大屏', '我的待办', '事件受理', '统计分析', '实有人口', '法人单位', '数据目录', '标准代码', BOARD, ...ALL_REGISTERS, ...MAINTENANCE, ...SENSING, '消息通知', '我的'],
  staff: [
    '态势总览', '指挥大屏', '事件上报', '我的待办', '事件受理', '调度指挥', '统计分析',
    '实有人口', '法人单位', '数据目录', '标准代码', BOARD, ...ALL_REGISTERS, ...SENSING, '用户管理', '我的上报', '消息通知', '我的',
  ],
  village: ['态势总览', '事件上报', '我的待办', '事件受理', '实有人口', '法人单位', '数据目录', '标准代码', BOARD, ...PARTY_VILLAGE, ...SENSING_VILLAGE, '我的上报', '消息通知', '我的'],
  grid: ['态势总览', '事件上报', '我的待办', '事件受理', '实有人口', '法人单位', '数据目录', '标准代码', ...GRID_REGISTERS, '我的上报', '消息通知', '我的'],
  handler: ['事件上报', '我的待办', '事件受理', '我的上报', '消息通知', '我的'],
  '13800000001': ['事件上报', '我的上报', '消息通知', '我的'],
  '13800000002': ['事件上报', '我的上报', '消息通知', '我的'],
};

for (const [username, expected] of Object.entries(menus)) {
  test(`${username} sees exactly the allowed navigation`, async ({ page }, testInfo) => {
    await login(page, testInfo, username);
    expect(await sidebarEntries(page)).toEqual(expected);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  });
}

test('a wrong password is said plainly, and the entered name is kept', async ({ page }, testInfo) => {
  await gotoReady(page, testInfo, '/login');
  await page.getByLabel('用户名或手机号').fill('village');
  await page.getByLabel(/^密码/).fill('Wrong#password1');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '用户名或密码错误' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  // A correct login afterwards clears the failure count.
  await login(page, testInfo, 'village');
});

test('a pending enterprise is told it waits for approval', async ({ page }, testInfo) => {
  await gotoReady(page, testInfo, '/login');
  await page.getByLabel('用户名或手机号').fill('13800000003');
  await page.getByLabel(/^密码/).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert').filter({ hasText: '等待镇工作人员审核' })).toBeVisible();
});

test('pages need a login and remember where the user wanted to go', async ({ page }, testInfo) => {
  await page.goto('/base/residents');
  await expect(page).toHaveURL(/\/login\?next=%2Fbase%2Fresidents|\/login\?next=\/base\/residents/);
  await ready(page, testInfo);
  await page.getByLabel('用户名或手机号').fill('staff');
  await page.getByLabel(/^密码/).fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/base\/residents/);
  await expect(page.getByRole('heading', { name: '实有人口', level: 1 })).toBeVisible();
});

test('logout ends the session', async ({ page }, testInfo) => {
  await login(page, testInfo, 'grid');
  await page.getByRole('banner').getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a page outside the role is refused with 403', async ({ page }, testInfo) => {
  await login(page, testInfo, 'sysadmin');
  const response = await page.goto('/admin/audit');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: '无权访问' })).toBeVisible();
});
