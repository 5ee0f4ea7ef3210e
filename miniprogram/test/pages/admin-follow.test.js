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
});
