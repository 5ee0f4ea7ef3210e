// The login page, and its 忘记密码 form as the official account's 重置密码 reply opens it.
const { mountPage, input } = require('../test/support/mount');
const { useApi, ok } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/login/index';

test('login', async () => {
  useApi({});
  const p = await mountPage(ROUTE);
  save('login', p, ROUTE);
});

test('忘记密码', async () => {
  useApi({ 'GET /api/v1/auth/password-reset': ok({ chat: true, sms: false }) });
  const p = await mountPage(ROUTE, { reset: '1' });
  await input(p, '#reset-username', '13900010030');
  await input(p, '#code', '042917');
  save('login-reset', p, ROUTE);
});

test('忘记密码 with codes by SMS', async () => {
  useApi({ 'GET /api/v1/auth/password-reset': ok({ chat: true, sms: true }) });
  const p = await mountPage(ROUTE, { reset: '1' });
  save('login-reset-sms', p, ROUTE);
});
