// 忘记密码 against the real server: a counselor binds WeChat, sends 重置密码 to the official
// account (a signed callback, as WeChat sends it), opens the login page from the reply's
// link, sets a new password with the code and is logged in; the old password is gone.
const { input, tap, textOf } = require('../support/mount');
const { coldStart } = require('../support/driver');
const real = require('../support/real');

const USERNAME = '13900010030';
const OPENID = 'o_mp_forgot';

beforeEach(() => real.useRealServer());

test('a bound counselor resets a forgotten password with the code from the chat', async () => {
  const token = await real.readyToken(USERNAME);
  const bind = await real.api('POST', '/api/v1/me/bind-code', { token });
  expect(await real.chat(OPENID, bind.message)).toContain('绑定成功');

  const reply = await real.chat(OPENID, '重置密码');
  expect(reply).toContain('data-miniprogram-path="pages/login/index?reset=1"');
  const code = /验证码：(\d{6})/.exec(reply)[1];

  // The reply's link opens the login page in 忘记密码.
  const page = await coldStart('pages/login/index', { reset: '1' });
  expect(textOf(page.querySelector('#reset-steps'))).toContain('发送“重置密码”');
  // The test server has no SMS provider: no SMS button.
  expect(page.querySelector('#sms-code')).toBeFalsy();
  await input(page, '#reset-username', USERNAME);
  await input(page, '#code', code === '000000' ? '111111' : '000000');
  await input(page, '#new-password', 'Forgot2026x');
  await input(page, '#confirm-password', 'Forgot2026x');
  await tap(page, '#reset');
  expect(wxControl.lastToast()).toBe('验证码错误，还可尝试 4 次');
  expect(page.instance.data.mode).toBe('reset');

  await input(page, '#code', code);
  await tap(page, '#reset');
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });
  const me = await real.api('GET', '/api/v1/me', { token: wx.getStorageSync('fudao_token') });
  expect(me.username).toBe(USERNAME);
  await expect(
    real.api('POST', '/api/v1/auth/login', { body: { username: USERNAME, password: real.NEW_PASSWORD } }),
  ).rejects.toThrow(/401/);
});
