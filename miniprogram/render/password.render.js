// 修改密码: forced after the first login (the notice on top) and chosen from 我的.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, COUNSELOR } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/password/index';

test('forced change of the initial password', async () => {
  loggedIn(Object.assign({}, COUNSELOR, { must_change_password: true }));
  useApi({});
  const p = await mountPage(ROUTE, { forced: '1', redirect: encodeURIComponent('/pages/tasks/index') });
  save('password-forced', p, ROUTE);
});

test('a change chosen from 我的', async () => {
  loggedIn(COUNSELOR);
  useApi({});
  const p = await mountPage(ROUTE, {});
  save('password-change', p, ROUTE);
});
