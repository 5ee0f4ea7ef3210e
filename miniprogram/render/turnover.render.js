// 换届 and the account list it starts from: a school admin with the class before the one under
// way, one counselor chosen to stay on; the accounts list narrowed to a class; a task's class.
const { mountPage, tap } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../test/support/stub');
const { save } = require('./html');

const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function counselor(id, name, college, cohort, bound) {
  return {
    id,
    username: `u${id}`,
    name,
    phone: '139****0001',
    role: 'counselor',
    role_label: '辅导员',
    org_unit: { id: 4, kind: 'college', name: college },
    education_levels: ['bachelor'],
    majors: [],
    cohort,
    wechat: { bound, following: null, mini_linked: false },
    credentials_sms: null,
    disabled: false,
    must_change_password: false,
  };
}

const CLASS = [
  counselor(1, '王晓明', '计算机科学与技术学院', 2026, true),
  counselor(2, '李思雨', '经济管理学院', 2026, false),
  counselor(3, '赵欣怡', '外国语学院', 2026, true),
];

test('turnover with one carried', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/accounts': ok(page(CLASS, 3)) });
  const p = await mountPage('pages/admin/turnover/index');
  await tap(p, '#person-1');
  save('turnover-chosen', p, 'pages/admin/turnover/index');
});

test('turnover done', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/accounts': ok(page(CLASS, 3)),
    'POST /api/v1/accounts/turnover': ok({ id: 41, from: 2026, to: 2027, carried: [1], disabled: [2, 3] }),
  });
  const p = await mountPage('pages/admin/turnover/index');
  await tap(p, '#person-1');
  wxControl.answerModal(true);
  await tap(p, '#submit');
  save('turnover-done', p, 'pages/admin/turnover/index');
});

test('accounts narrowed to a class', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/accounts': ok(page(CLASS, 3)) });
  const p = await mountPage('pages/admin/accounts/index');
  save('accounts-filters', p, 'pages/admin/accounts/index');
});

test('task targets with the class', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3), unit(5, '经济管理学院', 'college', 3)])),
    'POST /api/v1/tasks/preview': ok({ matched: 24, bound: 20, not_bound: 4 }),
  });
  const p = await mountPage('pages/admin/task-new/index');
  save('task-new-cohort', p, 'pages/admin/task-new/index');
});
