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

  test('忘记密码 sets a new password with the code, then logs in with it', async () => {
    const api = useApi({
      'POST /api/v1/auth/password-reset': { status: 204, body: '' },
      'POST /api/v1/auth/login': ok({ token: 't2', expires_at: '2030-01-01T00:00:00Z', must_change_password: false }),
      'GET /api/v1/me': ok({ id: 7, role: 'counselor', name: '赵欣怡' }),
    });
    const page = await mountPage('pages/login/index');
    await tap(page, '#forgot');
    expect(page.instance.data.mode).toBe('reset');
    expect(textOf(page.querySelector('#reset-steps'))).toContain('发送“重置密码”');
    await input(page, '#reset-username', ' zhao ');
    await input(page, '#code', '12345');
    await input(page, '#new-password', 'Forgot2026x');
    await input(page, '#confirm-password', 'Forgot2026y');
    await tap(page, '#reset');
    expect(wxControl.lastToast()).toBe('请输入 6 位数字验证码');
    await input(page, '#code', '042917');
    await tap(page, '#reset');
    expect(wxControl.lastToast()).toBe('两次输入的新密码不一致');
    expect(api.calls('POST /api/v1/auth/password-reset')).toHaveLength(0);
    await input(page, '#confirm-password', 'Forgot2026x');
    await tap(page, '#reset');
    const sent = api.calls('POST /api/v1/auth/password-reset')[0];
    expect(sent.body).toEqual({ username: 'zhao', code: '042917', new_password: 'Forgot2026x' });
    expect(sent.header.authorization).toBeUndefined();
    expect(api.calls('POST /api/v1/auth/login')[0].body).toMatchObject({ username: 'zhao', password: 'Forgot2026x' });
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });
  });

  test('opened from the chat link in 忘记密码; a wrong code keeps the form with the message', async () => {
    const api = useApi({
      'POST /api/v1/auth/password-reset': fail(422, 'invalid_input', '验证码错误，还可尝试 4 次'),
    });
    const page = await mountPage('pages/login/index', { reset: '1' });
    expect(page.querySelector('#reset')).toBeTruthy();
    expect(page.querySelector('#submit')).toBeFalsy();
    await input(page, '#reset-username', 'zhao');
    await input(page, '#code', '000000');
    await input(page, '#new-password', 'Forgot2026x');
    await input(page, '#confirm-password', 'Forgot2026x');
    await tap(page, '#reset');
    expect(wxControl.lastToast()).toBe('验证码错误，还可尝试 4 次');
    expect(api.calls('POST /api/v1/auth/login')).toHaveLength(0);
    expect(page.instance.data.mode).toBe('reset');
    expect(page.instance.data.submitting).toBe(false);
    await tap(page, '#back-to-login');
    expect(page.querySelector('#submit')).toBeTruthy();
  });

  test('忘记密码 offers a code by SMS when the server sends them, then waits a minute', async () => {
    const api = useApi({
      'GET /api/v1/auth/password-reset': ok({ chat: true, sms: true }),
      'POST /api/v1/auth/password-reset/sms': { status: 202, body: '' },
    });
    const page = await mountPage('pages/login/index', { reset: '1' });
    expect(textOf(page.querySelector('#reset-steps'))).toContain('短信获取');
    await tap(page, '#sms-code');
    expect(wxControl.lastToast()).toBe('请先输入用户名');
    await input(page, '#reset-username', ' zhao ');
    await tap(page, '#sms-code');
    expect(api.calls('POST /api/v1/auth/password-reset/sms')[0].body).toEqual({ username: 'zhao' });
    expect(api.calls('POST /api/v1/auth/password-reset/sms')[0].header.authorization).toBeUndefined();
    expect(wxControl.lastToast()).toBe('如该账号登记了手机号，验证码已发送');
    expect(textOf(page.querySelector('#sms-code'))).toBe('60 秒');
    await tap(page, '#sms-code');
    expect(api.calls('POST /api/v1/auth/password-reset/sms')).toHaveLength(1);
    page.instance.onUnload();
  });

  test('without SMS codes the chat is the only way', async () => {
    useApi({ 'GET /api/v1/auth/password-reset': ok({ chat: true, sms: false }) });
    const page = await mountPage('pages/login/index');
    await tap(page, '#forgot');
    expect(page.querySelector('#reset')).toBeTruthy();
    expect(page.querySelector('#sms-code')).toBeFalsy();
    expect(textOf(page.querySelector('#reset-steps'))).not.toContain('短信获取');
  });
});
