const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR, admin } = require('../support/stub');

describe('launch page', () => {
  test('a counselor goes to the tasks page', async () => {
    loggedIn();
    useApi({ 'GET /api/v1/me': ok(COUNSELOR) });
    await mountPage('pages/index/index');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });
    expect(wx.getStorageSync('fudao_profile').role).toBe('counselor');
  });

  test('an admin goes to the admin home, after a silent login', async () => {
    useApi({
      'POST /api/v1/auth/wx-login': ok({ token: 'silent', must_change_password: false }),
      'GET /api/v1/me': ok(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })),
    });
    wxControl.setLoginCode(() => Promise.resolve('c1'));
    wxControl.openPage('pages/index/index');
    await mountPage('pages/index/index');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/admin/home/index' });
  });

  test('must change the password first', async () => {
    loggedIn();
    useApi({ 'GET /api/v1/me': ok(Object.assign({}, COUNSELOR, { must_change_password: true })) });
    wxControl.openPage('pages/index/index');
    await mountPage('pages/index/index');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/password/index?forced=1' });
  });

  test('no session and no silent login: the login page, with no way back to the launcher', async () => {
    useApi({});
    wxControl.openPage('pages/index/index');
    await mountPage('pages/index/index');
    expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/login/index' });
  });

  test('a server that cannot be reached offers a retry', async () => {
    loggedIn();
    const api = useApi({ 'GET /api/v1/me': fail(503, 'database_unavailable', '服务暂时不可用') });
    const p = await mountPage('pages/index/index');
    expect(textOf(p)).toContain('暂时无法连接服务器');
    api.route('GET /api/v1/me', ok(COUNSELOR));
    await tap(p, '#retry');
    expect(wxControl.lastNavigation().url).toBe('/pages/tasks/index');
  });
});

describe('app', () => {
  test('registers the app and offers a downloaded update', () => {
    let definition;
    global.App = (options) => {
      definition = options;
    };
    let ready;
    let applied = false;
    wx.getUpdateManager = () => ({
      onUpdateReady: (fn) => {
        ready = fn;
      },
      applyUpdate: () => {
        applied = true;
      },
    });
    jest.isolateModules(() => require('../../src/app.js'));
    definition.onLaunch();
    ready();
    return new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
      expect(wxControl.state.modals[0].title).toBe('发现新版本');
      expect(applied).toBe(true);
    });
  });
});
