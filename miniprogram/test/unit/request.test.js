const http = require('../../src/api/request');
const config = require('../../src/config');
const { useApi, loggedIn, ok, fail } = require('../support/stub');

describe('request layer', () => {
  test('sends the base URL, the bearer token and the query string', async () => {
    const api = useApi({ 'GET /api/v1/my/tasks': ok({ items: [], total: 0 }) });
    loggedIn();
    await http.get('/api/v1/my/tasks', { status: 'pending', page: 2, per_page: 20, kind: undefined });
    const [call] = api.calls('GET /api/v1/my/tasks');
    expect(call.header.authorization).toBe('Bearer token-1');
    expect(call.query).toEqual({ status: 'pending', page: '2', per_page: '20' });
    expect(wxControl.state.requests[0].url.startsWith(`${config.apiBaseUrl}/api/v1/my/tasks?`)).toBe(true);
  });

  test('without a token it logs in silently with wx.login, then sends the request', async () => {
    const api = useApi({
      'POST /api/v1/auth/wx-login': ok({ token: 'silent', must_change_password: false }),
      'GET /api/v1/me': ok({ role: 'counselor' }),
    });
    wxControl.setLoginCode(() => Promise.resolve('wx-code'));
    const me = await http.get('/api/v1/me');
    expect(me.role).toBe('counselor');
    expect(api.calls('POST /api/v1/auth/wx-login')[0].body).toEqual({ code: 'wx-code' });
    expect(api.calls('GET /api/v1/me')[0].header.authorization).toBe('Bearer silent');
    expect(wx.getStorageSync('fudao_token')).toBe('silent');
  });

  test('without a session it goes to the login page with the way back', async () => {
    useApi({ 'POST /api/v1/auth/wx-login': fail(404, 'wechat_not_linked', '该微信尚未关联账号') });
    wxControl.setLoginCode(() => Promise.resolve('wx-code'));
    wxControl.openPage('pages/task/detail', { id: '42' });
    await expect(http.get('/api/v1/my/tasks/42')).rejects.toMatchObject({ code: 'unauthenticated', handled: true });
    expect(wxControl.lastNavigation()).toEqual({
      type: 'reLaunch',
      url: `/pages/login/index?redirect=${encodeURIComponent('/pages/task/detail?id=42')}`,
    });
    expect(wxControl.state.toasts).toEqual([]);
  });

  test('an expired session is cleared; a silent login retries the request once', async () => {
    let first = true;
    const api = useApi({
      'GET /api/v1/me': () => {
        if (first) {
          first = false;
          return fail(401, 'unauthenticated', '请先登录');
        }
        return ok({ role: 'school_admin' });
      },
      'POST /api/v1/auth/wx-login': ok({ token: 'fresh' }),
    });
    loggedIn({ role: 'school_admin' });
    wxControl.setLoginCode(() => Promise.resolve('c'));
    await expect(http.get('/api/v1/me')).resolves.toEqual({ role: 'school_admin' });
    expect(api.calls('GET /api/v1/me').map((c) => c.header.authorization)).toEqual(['Bearer token-1', 'Bearer fresh']);
  });

  test('an expired session without silent login goes to login and back', async () => {
    useApi({ 'GET /api/v1/tasks': fail(401, 'unauthenticated', '请先登录') });
    loggedIn({ role: 'school_admin' });
    wxControl.openPage('pages/admin/progress/index', { id: '9' });
    await expect(http.get('/api/v1/tasks')).rejects.toMatchObject({ statusCode: 401 });
    expect(wx.getStorageSync('fudao_token')).toBe('');
    expect(wx.getStorageSync('fudao_profile')).toEqual({ role: 'school_admin' });
    expect(wxControl.lastNavigation().url).toBe(
      `/pages/login/index?redirect=${encodeURIComponent('/pages/admin/progress/index?id=9')}`,
    );
  });

  test('password_change_required goes to the password page', async () => {
    useApi({ 'GET /api/v1/my/tasks': fail(403, 'password_change_required', '首次登录请先修改初始密码') });
    loggedIn();
    wxControl.openPage('pages/tasks/index');
    await expect(http.get('/api/v1/my/tasks')).rejects.toMatchObject({ code: 'password_change_required', handled: true });
    expect(wxControl.lastNavigation()).toEqual({
      type: 'redirectTo',
      url: `/pages/password/index?forced=1&redirect=${encodeURIComponent('/pages/tasks/index')}`,
    });
  });

  test('other errors show the API message and reject with code and field', async () => {
    useApi({ 'POST /api/v1/tasks': fail(422, 'invalid_input', '标题不能为空', 'title') });
    loggedIn();
    const error = await http.post('/api/v1/tasks', { title: '' }).catch((e) => e);
    expect(error).toBeInstanceOf(http.ApiError);
    expect(error).toMatchObject({ statusCode: 422, code: 'invalid_input', field: 'title', message: '标题不能为空', handled: true });
    expect(wxControl.state.toasts).toEqual(['标题不能为空']);
  });

  test('toast: false leaves the message to the caller', async () => {
    useApi({ 'POST /api/v1/tasks/preview': fail(422, 'invalid_input', '单位不在范围内') });
    loggedIn();
    await expect(http.post('/api/v1/tasks/preview', {}, { toast: false })).rejects.toMatchObject({ handled: false });
    expect(wxControl.state.toasts).toEqual([]);
  });

  test('a network failure is told in Chinese', async () => {
    wxControl.setTransport(() => Promise.reject(new Error('ECONNREFUSED')));
    loggedIn();
    await expect(http.get('/api/v1/me')).rejects.toMatchObject({ code: 'network_error' });
    expect(wxControl.lastToast()).toBe('网络连接失败，请检查网络后重试');
  });

  test('auth: false sends no token and never redirects', async () => {
    const api = useApi({ 'GET /api/v1/share/x': fail(404, 'share_unavailable', '分享链接无效，或该任务不可转发') });
    loggedIn();
    await expect(http.get('/api/v1/share/x', undefined, { auth: false, toast: false })).rejects.toMatchObject({
      code: 'share_unavailable',
    });
    expect(api.calls('GET /api/v1/share/x')[0].header.authorization).toBeUndefined();
    expect(wxControl.lastNavigation()).toBeNull();
  });

  test('204 resolves to null', async () => {
    useApi({ 'POST /api/v1/auth/logout': { status: 204, body: '' } });
    loggedIn();
    await expect(http.post('/api/v1/auth/logout')).resolves.toBeNull();
  });
});
