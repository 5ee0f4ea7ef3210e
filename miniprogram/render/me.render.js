// The 我的 page: a counselor linked for silent login (the 解除免密登录 button) and one who is
// not, bound and following.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, COUNSELOR } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/me/index';

test('me, linked for silent login', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/me': ok(COUNSELOR) });
  save('me-linked', await mountPage(ROUTE), ROUTE);
});

test('me, bound and not linked', async () => {
  const bound = Object.assign({}, COUNSELOR, { wechat: { bound: true, following: true, mini_linked: false } });
  loggedIn(bound);
  useApi({ 'GET /api/v1/me': ok(bound) });
  save('me-unlinked', await mountPage(ROUTE), ROUTE);
});
