const { mountPage, input, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR } = require('../support/stub');

const ROUTE = 'pages/password/index';

async function fill(p, oldPassword, newPassword, confirm) {
  await input(p, '#old', oldPassword);
  await input(p, '#new', newPassword);
  await input(p, '#confirm', confirm === undefined ? newPassword : confirm);
}

describe('password page', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('forced change: explains, changes, keeps the new token and goes back to the task', async () => {
    const api = useApi({
      'POST /api/v1/me/password': ok({ token: 'new-token', must_change_password: false }),
      'GET /api/v1/me': ok(COUNSELOR),
    });
    const p = await mountPage(ROUTE, { forced: '1', redirect: encodeURIComponent('/pages/task/detail?id=3') });
    expect(textOf(p.querySelector('#forced-notice'))).toContain('须先修改初始密码');
    await fill(p, 'Init1234abc', 'NewPass2026');
    await tap(p, '#submit');
    expect(api.calls('POST /api/v1/me/password')[0].body).toEqual({ old_password: 'Init1234abc', new_password: 'NewPass2026' });
    expect(wx.getStorageSync('fudao_token')).toBe('new-token');
    expect(api.calls('GET /api/v1/me')[0].header.authorization).toBe('Bearer new-token');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/task/detail?id=3' });
  });

  test('checks the new password before sending', async () => {
    const api = useApi({});
    const p = await mountPage(ROUTE, {});
    expect(p.querySelector('#forced-notice')).toBeFalsy();
    await fill(p, 'old12345a', 'NewPass2026', 'NewPass2027');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('两次输入的新密码不一致');
    await fill(p, 'old12345a', 'short1');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('新密码须为 8–64 位');
    await fill(p, 'old12345a', 'onlyletters');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('新密码须同时包含字母和数字');
    expect(api.seen).toHaveLength(0);
  });

  test('a wrong old password shows the API message; a voluntary change goes back', async () => {
    let wrong = true;
    useApi({
      'POST /api/v1/me/password': () =>
        wrong ? fail(422, 'wrong_old_password', '原密码不正确', 'old_password') : ok({ token: 't2' }),
      'GET /api/v1/me': ok(COUNSELOR),
    });
    const p = await mountPage(ROUTE, {});
    await fill(p, 'bad12345', 'NewPass2026');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('原密码不正确');
    wrong = false;
    await tap(p, '#submit');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  });
});
