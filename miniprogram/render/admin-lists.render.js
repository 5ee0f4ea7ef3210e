// Admin pages with lists and forms: accounts (a long name with badges, masked phones) and
// 发布任务 for a school with several colleges.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../test/support/stub');
const { save } = require('./html');

const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function account(id, name, extra) {
  return Object.assign(
    {
      id,
      username: `139****000${id}`,
      name,
      phone: `139****000${id}`,
      role: 'counselor',
      role_label: '辅导员',
      org_unit: { id: 4, kind: 'college', name: '计算机科学与技术学院' },
      education_levels: ['bachelor'],
      majors: [],
      cohort: 2027,
      wechat: { bound: false, following: null, mini_linked: false },
      credentials_sms: null,
      disabled: false,
      must_change_password: true,
    },
    extra,
  );
}

test('accounts with badges', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/accounts': ok(
      page([
        account(1, '李明轩'),
        account(2, '欧阳娜娜', { disabled: true, credentials_sms: { status: 'failed', attempts: 3, created_at: '2026-11-29T01:00:00Z', sent_at: null, last_error: 'x' } }),
        account(3, '阿卜杜热合曼·买买提', { username: 'abdu', must_change_password: false, wechat: { bound: true, following: true, mini_linked: true } }),
        account(4, '计院学工办', { role: 'college_admin', role_label: '院级用户', cohort: null, username: 'cs_admin' }),
      ], 4),
    ),
  });
  const p = await mountPage('pages/admin/accounts/index');
  save('accounts-rows', p, 'pages/admin/accounts/index');
});

test('task form with colleges', async () => {
  loggedIn(SCHOOL);
  const colleges = ['计算机科学与技术学院', '经济管理学院', '外国语学院', '机械工程学院', '法学院', '医学院', '艺术学院'];
  useApi({
    'GET /api/v1/org/units': ok(page(colleges.map((name, i) => unit(10 + i, name, 'college', 3)))),
    'POST /api/v1/tasks/preview': ok({ matched: 48, bound: 40, not_bound: 8 }),
  });
  const p = await mountPage('pages/admin/task-new/index');
  save('task-new-form', p, 'pages/admin/task-new/index');
});
