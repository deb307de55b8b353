import { expect, test } from '@playwright/test';
import { gotoReady, ready, sidebarEntries, uniquePhone } from './helpers';

test('the public registers: every mistake is explained, then it works', async ({ page }, testInfo) => {
  await gotoReady(page, testInfo, '/register');
  const phone = uniquePhone(testInfo);
  await page.getByLabel('手机号').fill('12345');
  await page.getByLabel('姓名或昵称').fill('测试用户');
  await page.getByLabel(/^密码/).fill('Password123!');
  await page.getByLabel('确认密码').fill('Password123!');
  await page.getByRole('button', { name: '注册并登录' }).click();
  await expect(page.getByText('请输入 11 位中国大陆手机号')).toBeVisible();
  await expect(page.getByText('这是常见或易猜的密码')).toBeVisible();
  await ready(page, testInfo);

  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('姓名或昵称').fill('测试用户');
  await page.getByLabel(/^密码/).fill('Lake-view#2031');
  await page.getByLabel('确认密码').fill('Lake-view#2031');
  await page.getByRole('button', { name: '注册并登录' }).click();
  await expect(page).toHaveURL(/\/me/);
  await expect(page.getByText('注册成功，欢迎使用统管！')).toBeVisible();
  expect(await sidebarEntries(page)).toEqual(['事件上报', '我的上报', '消息通知', '我的']);
});

test('an enterprise registers with its credit code and waits for approval', async ({ page }, testInfo) => {
  await gotoReady(page, testInfo, '/register/enterprise');
  const phone = uniquePhone(testInfo).replace(/^15/, '17');
  await page.getByLabel('统一社会信用代码').fill('91320581MA1TE7W001');
  await page.getByLabel('企业名称').fill('常熟测试纺织有限公司');
  await page.getByLabel('联系人姓名').fill('李四');
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel(/^密码/).fill('Lake-view#2031');
  await page.getByLabel('确认密码').fill('Lake-view#2031');
  await page.getByRole('button', { name: '提交注册' }).click();
  // Whatever the last character, either it is the right check character or it is refused.
  const refused = page.getByText('统一社会信用代码校验位不正确');
  const accepted = page.getByText('企业注册已提交');
  await expect(refused.or(accepted)).toBeVisible();
});
