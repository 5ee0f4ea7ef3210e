const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, COUNSELOR, admin } = require('../support/stub');

const ROUTE = 'pages/me/index';

describe('me page', () => {
  test('shows the profile, levels and majors, and the WeChat status', async () => {
    loggedIn(COUNSELOR);
    useApi({ 'GET /api/v1/me': ok(COUNSELOR) });
    const p = await mountPage(ROUTE);
    const text = textOf(p.querySelector('#profile'));
    expect(text).toContain('赵欣怡');
    expect(text).toContain('辅导员');
    expect(text).toContain('本科、硕士研究生');
    expect(text).toContain('软件工程');
    expect(textOf(p.querySelector('#bound'))).toBe('未绑定');
    expect(textOf(p.querySelector('#following'))).toBe('—');
    expect(textOf(p.querySelector('#mini'))).toContain('已关联');
    expect(p.querySelector('#tab-bar').querySelector('#tab-me')).toBeTruthy();
    expect(textOf(p.querySelector('#tab-bar').querySelector('#tab-stats'))).toBe('就业进展');
    expect(p.querySelector('#tab-bar').querySelector('#tab-accounts')).toBeFalsy();
  });

  test('gets a bind code and copies the exact text to send', async () => {
    loggedIn(COUNSELOR);
    useApi({
      'GET /api/v1/me': ok(COUNSELOR),
      'POST /api/v1/me/bind-code': ok({ code: '020425', expires_at: '2030-01-01T02:10:00Z', message: '绑定 020425' }),
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#bind-code-button');
    expect(textOf(p.querySelector('#bind-code'))).toBe('020425');
    expect(textOf(p.querySelector('#bind-message'))).toBe('绑定 020425');
    expect(textOf(p.querySelector('#bind'))).toContain('10:10');
    await tap(p, '#copy-bind');
    expect(wxControl.state.clipboard).toEqual(['绑定 020425']);
    expect(wxControl.lastToast()).toBe('已复制，请到服务号发送');
  });

  test('a bound counselor who unfollowed is told to follow again', async () => {
    const bound = Object.assign({}, COUNSELOR, { wechat: { bound: true, following: false, mini_linked: true } });
    loggedIn(bound);
    useApi({ 'GET /api/v1/me': ok(bound) });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#bound'))).toBe('已绑定');
    expect(textOf(p.querySelector('#wechat'))).toContain('请重新关注');
    expect(p.querySelector('#bind-code-button')).toBeFalsy();
  });

  test('ends silent login from this WeChat after asking', async () => {
    const unlinked = Object.assign({}, COUNSELOR, { wechat: { bound: false, following: null, mini_linked: false } });
    loggedIn(COUNSELOR);
    const api = useApi({
      'GET /api/v1/me': ok(COUNSELOR),
      'DELETE /api/v1/me/mini-link': { status: 204, body: '' },
    });
    const p = await mountPage(ROUTE);
    api.route('GET /api/v1/me', ok(unlinked));
    wxControl.answerModal(false);
    await tap(p, '#unlink-mini');
    expect(wxControl.state.modals[0]).toMatchObject({ title: '解除免密登录', answer: false });
    expect(api.calls('DELETE /api/v1/me/mini-link')).toHaveLength(0);

    await tap(p, '#unlink-mini');
    expect(api.calls('DELETE /api/v1/me/mini-link')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('已解除免密登录');
    expect(textOf(p.querySelector('#mini'))).toBe('未关联');
    expect(p.querySelector('#unlink-mini')).toBeFalsy();
  });

  test('admins get the admin tab bar', async () => {
    const profile = admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' });
    loggedIn(profile);
    useApi({ 'GET /api/v1/me': ok(profile) });
    const p = await mountPage(ROUTE);
    expect(p.querySelector('#tab-bar').querySelector('#tab-accounts')).toBeTruthy();
    expect(p.querySelector('#tab-bar').querySelector('#tab-follow')).toBeTruthy();
  });

  test('change password and log out', async () => {
    loggedIn(COUNSELOR);
    const api = useApi({ 'GET /api/v1/me': ok(COUNSELOR), 'POST /api/v1/auth/logout': { status: 204, body: '' } });
    const p = await mountPage(ROUTE);
    await tap(p, '#change-password');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/password/index' });
    await tap(p, '#logout');
    expect(api.calls('POST /api/v1/auth/logout')[0].header.authorization).toBe('Bearer token-1');
    expect(wx.getStorageSync('fudao_token')).toBe('');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/login/index' });
  });
});
