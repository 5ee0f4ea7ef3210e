const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, ok, fail, inDays } = require('../support/stub');

const ROUTE = 'pages/share/index';

describe('share page (students)', () => {
  test('shows the task without a login and without a token', async () => {
    const api = useApi({
      'GET /api/v1/share/tok-1': ok({
        kind_label: '招聘会',
        title: '春季双选会',
        content: '第一段\n\n第二段',
        link: 'https://example.edu.cn',
        deadline: inDays(3),
        starts_at: null,
        ends_at: null,
        publisher: '江南示范大学就业处',
      }),
    });
    const p = await mountPage(ROUTE, { token: 'tok-1' });
    expect(api.calls('GET /api/v1/share/tok-1')[0].header.authorization).toBeUndefined();
    expect(wxControl.state.logins).toBe(0);
    expect(textOf(p)).toContain('春季双选会');
    expect(p.querySelectorAll('.paragraph')).toHaveLength(2);
    await tap(p, '#copy-link');
    expect(wxControl.state.clipboard).toEqual(['https://example.edu.cn']);
    expect(p.instance.onShareAppMessage().path).toBe('/pages/share/index?token=tok-1');
    expect(wxControl.lastNavigation()).toBeNull();
  });

  test('a forged or withdrawn token gets a clear message, not a login page', async () => {
    useApi({ 'GET /api/v1/share/forged': fail(404, 'share_unavailable', '分享链接无效，或该任务不可转发') });
    const p = await mountPage(ROUTE, { token: 'forged' });
    const error = textOf(p.querySelector('#error'));
    expect(error).toContain('该通知无法查看');
    expect(error).toContain('分享链接无效，或该任务不可转发');
    expect(wxControl.lastNavigation()).toBeNull();
    expect(wxControl.state.toasts).toEqual([]);
  });

  test('no token at all', async () => {
    const api = useApi({});
    const p = await mountPage(ROUTE, {});
    expect(textOf(p)).toContain('链接不完整');
    expect(api.seen).toHaveLength(0);
  });

  test('a network failure can be retried', async () => {
    wxControl.setTransport(() => Promise.reject(new Error('offline')));
    const p = await mountPage(ROUTE, { token: 'tok' });
    expect(textOf(p)).toContain('加载失败');
    expect(p.querySelector('#retry')).toBeTruthy();
  });
});
