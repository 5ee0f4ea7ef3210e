// Without an SMS contract: the new account's password shown once on the form, and a bulk
// import's one-time workbook of initial passwords on the result.
const { mountPage, change, tap, input } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../test/support/stub');
const { save } = require('./html');

function withoutSms(profile) {
  profile.capabilities = Object.assign({}, profile.capabilities, { credentials_delivery: 'show_once' });
  return profile;
}

test('a new account, its initial password shown once', async () => {
  loggedIn(withoutSms(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })));
  useApi({
    'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3)])),
    'GET /api/v1/org/units/4/majors': ok([{ id: 1, college_id: 4, education_level: 'bachelor', name: '软件工程' }]),
    'POST /api/v1/accounts': (req) =>
      ok(Object.assign({ id: 99, username: req.body.phone }, req.body, {
        credentials: { delivery: 'show_once', sent_to: null, one_time_password: 'pK7mW3xQa9Ht' },
      })),
  });
  const p = await mountPage('pages/admin/account-edit/index');
  await change(p, '#role', 1);
  await tap(p, '#level-bachelor');
  await tap(p, '#major-1');
  await input(p, '#name', '林晓');
  await input(p, '#phone', '13966660001');
  await tap(p, '#submit');
  save('account-edit-issued', p, 'pages/admin/account-edit/index');
});

test('an import result with the one-time workbook of initial passwords', async () => {
  loggedIn(withoutSms(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })));
  const p = await mountPage('pages/admin/account-import/index');
  p.instance.setData({
    result: {
      rows: 3,
      committed: true,
      created: 2,
      validCount: 2,
      accounts: [
        { key: '2-a', row: 2, name: '林一凡', username: '13800138001', roleLabel: '辅导员', college: '信息工程学院', phone: '138****8001' },
        { key: '3-b', row: 3, name: '苏晓', username: 'xs_fl_admin', roleLabel: '院级用户', college: '外国语学院', phone: '138****8002' },
      ],
      moreAccounts: 0,
      errorCount: 0,
      errors: [],
      moreErrors: 0,
      download: { url: '/api/v1/accounts/credentials/x', accounts: 2, until: '12月02日 10:40' },
    },
  });
  save('account-import-credentials', p, 'pages/admin/account-import/index');
});
