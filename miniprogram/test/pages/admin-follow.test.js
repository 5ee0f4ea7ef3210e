const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../support/stub');

const ROUTE = 'pages/admin/follow/index';

describe('follow-and-bind page', () => {
  test('shows the counts and who has not bound or has unfollowed', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    const api = useApi({
      'GET /api/v1/wechat/follow-status': ok({ counselors: 24, bound: 6, following: 5, not_bound: 18, unfollowed: 1 }),
      'GET /api/v1/wechat/follow-status/counselors': (req) =>
        ok(
          page(
            req.query.state === 'not_bound'
              ? [{ id: 1, name: '赵欣怡', phone: '139****0001', college_id: 4, college: '计算机科学与技术学院', bound: false, following: null, bound_at: null }]
              : [{ id: 2, name: '胡婷婷', phone: null, college_id: 4, college: '计算机科学与技术学院', bound: true, following: false, bound_at: '2026-11-01T00:00:00Z' }],
          ),
        ),
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#count-counselors'))).toBe('24');
    expect(textOf(p.querySelector('#count-not-bound'))).toBe('18');
    expect(textOf(p.querySelector('#counts'))).toContain('25%');
    expect(textOf(p.querySelector('#person-1'))).toContain('赵欣怡');
    await tap(p, '#tab-unfollowed');
    expect(api.calls('GET /api/v1/wechat/follow-status/counselors')[1].query.state).toBe('unfollowed');
    expect(textOf(p.querySelector('#person-2'))).toContain('胡婷婷');
    expect(p.querySelector('#person-1')).toBeFalsy();
  });

  test('nobody left to chase', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    useApi({
      'GET /api/v1/wechat/follow-status': ok({ counselors: 0, bound: 0, following: 0, not_bound: 0, unfollowed: 0 }),
      'GET /api/v1/wechat/follow-status/counselors': ok(page([])),
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p)).toContain('辅导员都已绑定');
    expect(textOf(p.querySelector('#counts'))).toContain('0%');
  });

  test('with an SMS provider, the not-bound counselors listed are texted the binding steps', async () => {
    const profile = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });
    profile.capabilities = Object.assign({}, profile.capabilities, { bind_sms: true });
    loggedIn(profile);
    const person = (id, name) => ({ id, name, phone: '139****0001', college_id: 4, college: '计算机科学与技术学院', bound: false, following: null, bound_at: null });
    const api = useApi({
      'GET /api/v1/wechat/follow-status': ok({ counselors: 3, bound: 1, following: 1, not_bound: 2, unfollowed: 0 }),
      'GET /api/v1/wechat/follow-status/counselors': ok(page([person(1, '赵欣怡'), person(7, '钱多多')])),
      'POST /api/v1/wechat/bind-sms': ok({ queued: 1, already_bound: 0, sent_today: 1, no_phone: 0 }),
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#bind-sms'))).toBe('短信提醒列表中的 2 人绑定');
    await tap(p, '#bind-sms');
    expect(wxControl.state.modals.pop().content).toContain('2 名未绑定的辅导员');
    expect(api.calls('POST /api/v1/wechat/bind-sms')[0].body).toEqual({ account_ids: [1, 7] });
    expect(wxControl.lastToast()).toBe('已发送 1 条，1 人今天已提醒过');
    // Not offered on the unfollowed tab, nor without the capability.
    await tap(p, '#tab-unfollowed');
    expect(p.querySelector('#bind-sms')).toBeFalsy();
  });

  test('without an SMS provider there is no texting', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    useApi({
      'GET /api/v1/wechat/follow-status': ok({ counselors: 1, bound: 0, following: 0, not_bound: 1, unfollowed: 0 }),
      'GET /api/v1/wechat/follow-status/counselors': ok(page([{ id: 1, name: '赵欣怡', phone: null, college_id: 4, college: '计算机学院', bound: false, following: null, bound_at: null }])),
    });
    const p = await mountPage(ROUTE);
    expect(p.querySelector('#person-1')).toBeTruthy();
    expect(p.querySelector('#bind-sms')).toBeFalsy();
  });
});
