// The new-account form of a school admin: the roles and education levels come from GET /me's
// capabilities, the colleges and majors from the org catalog.
const { mountPage, change } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/account-edit/index';

test('new account, a school admin picking a counselor', async () => {
  loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  useApi({
    'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3), unit(5, '经济管理学院', 'college', 3)])),
    'GET /api/v1/org/units/4/majors': ok([
      { id: 1, college_id: 4, education_level: 'bachelor', name: '软件工程' },
      { id: 2, college_id: 4, education_level: 'master', name: '计算机技术' },
    ]),
  });
  const p = await mountPage(ROUTE);
  await change(p, '#role', 1);
  await change(p, '#unit', 0);
  save('account-edit-new', p, ROUTE);
});
