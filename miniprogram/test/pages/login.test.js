const { mountPage, input, tap, textOf } = require('../support/mount');
const { createStubApi, ok, fail } = require('../support/stub-api');

function useApi(routes) {
  const api = createStubApi(routes);
  wxControl.setTransport(api.transport);
  return api;
}

describe('login page', () => {
  test('renders the form in Chinese', async () => {
    useApi({});
    const page = await mountPage('pages/login/index');
    expect(textOf(page)).toContain('用户名');
    expect(textOf(page)).toContain('登录');
  });

  test('logs in with the wx.login code and returns to the page the user came from', async () => {
    const api = useApi({
      'POST /api/v1/auth/login': ok({ token: 't1', expires_at: '2030-01-01T00:00:00Z', must_change_password: false }),
      'GET /api/v1/me': ok({ id: 7, role: 'counselor', name: '赵欣怡' }),
    });
    wxControl.setLoginCode(() => Promise.resolve('code-1'));
    const page = await mountPage('pages/login/index', { redirect: encodeURIComponent('/pages/task/detail?id=5') });
    await input(page, '#username', ' zhao ');
    await input(page, '#password', 'secret123');
    await tap(page, '#submit');
    expect(api.calls('POST /api/v1/auth/login')[0].body).toEqual({ username: 'zhao', password: 'secret123', code: 'code-1' });
    expect(api.calls('POST /api/v1/auth/login')[0].header.authorization).toBeUndefined();
    expect(wx.getStorageSync('fudao_token')).toBe('t1');
    expect(api.calls('GET /api/v1/me')[0].header.authorization).toBe('Bearer t1');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/task/detail?id=5' });
  });

  test('shows the API message on wrong credentials', async () => {
    useApi({ 'POST /api/v1/auth/login': fail(401, 'invalid_credentials', '用户名或密码错误') });
    const page = await mountPage('pages/login/index');
    await input(page, '#username', 'zhao');
    await input(page, '#password', 'bad');
    await tap(page, '#submit');
    expect(wxControl.lastToast()).toBe('用户名或密码错误');
    expect(wxControl.lastNavigation()).toBeNull();
    expect(page.instance.data.submitting).toBe(false);
  });
});
