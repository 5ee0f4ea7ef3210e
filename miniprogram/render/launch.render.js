// The launch page: while it finds out who is logged in, and when the server cannot be reached.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, fail } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/index/index';

test('entering, then the server unreachable', async () => {
  loggedIn();
  useApi({ 'GET /api/v1/me': fail(503, 'database_unavailable', '服务暂时不可用') });
  const p = await mountPage(ROUTE);
  save('launch-failed', p, ROUTE);
  p.instance.setData({ failed: false });
  save('launch-entering', p, ROUTE);
});
