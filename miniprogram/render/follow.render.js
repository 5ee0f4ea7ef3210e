// The follow-and-bind page of a school admin whose server texts the binding steps.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/follow/index';

test('not bound, with 短信提醒', async () => {
  const profile = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });
  profile.capabilities = Object.assign({}, profile.capabilities, { bind_sms: true });
  loggedIn(profile);
  const person = (id, name, college) => ({ id, name, phone: '139****0001', college_id: 4, college, bound: false, following: null, bound_at: null });
  useApi({
    'GET /api/v1/wechat/follow-status': ok({ counselors: 24, bound: 21, following: 20, not_bound: 3, unfollowed: 1 }),
    'GET /api/v1/wechat/follow-status/counselors': ok(
      page([person(1, '赵欣怡', '计算机科学与技术学院'), person(2, '钱多多', '经济管理学院'), person(3, '孙悦', '外国语学院')]),
    ),
  });
  const p = await mountPage(ROUTE);
  save('follow-bind-sms', p, ROUTE);
});
