// 任务进度 of an admin: a published task with people still to finish (groups, notices still
// being sent, an attachment), and a draft not yet published.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, inDays, taskProgress } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/progress/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function group(key, name, assigned, viewed, done) {
  return { key, name, assigned, viewed, completed: done, done, pending: assigned - done, done_percent: assigned ? Math.round((done * 1000) / assigned) / 10 : 0 };
}

function person(id, name, college, extra) {
  return Object.assign(
    { account_id: id, name, phone: `139****00${String(id).padStart(2, '0')}`, college, bound: false, following: null, viewed_at: null, completed_at: null, signed_in_at: null, done_at: null },
    extra,
  );
}

const PUBLISHED = taskProgress({
  title: '关于做好2027届毕业生就业统计核查工作的通知',
  deadline: inDays(2),
  assigned: 48,
  viewed: 35,
  completed: 27,
  done: 27,
  pending: 21,
  not_bound: 6,
  done_percent: 56.3,
  by_college: [
    group('4', '计算机科学与技术学院', 18, 15, 13),
    group('5', '经济管理学院', 14, 10, 8),
    group('6', '外国语学院', 9, 6, 4),
    group('7', '机械工程学院', 7, 4, 2),
  ],
  by_education_level: [group('bachelor', '本科', 36, 27, 21), group('master', '硕士研究生', 12, 8, 6)],
  notices: { queued: 3, sending: 0, sent: 41, delivered: 38, failed: 1, cancelled: 0, expected_done_at: inDays(0.01), expected_note: '还有 3 条通知排队，预计 12月02日 20:30 前发完' },
  last_reminded_at: inDays(-0.5),
});

const PENDING = [
  person(1, '王晓明', '计算机科学与技术学院'),
  person(2, '李思雨', '经济管理学院', { bound: true, following: true, viewed_at: inDays(-0.1) }),
  person(3, '欧阳娜娜', '外国语学院', { bound: true, following: false }),
  person(4, '阿卜杜热合曼·买买提', '机械工程学院', { bound: true, following: true }),
  person(5, '孙悦', '计算机科学与技术学院', { bound: true, following: true, viewed_at: inDays(-1) }),
];

test('a published task with people pending', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/tasks/7/progress': ok(PUBLISHED),
    'GET /api/v1/tasks/7/progress/pending': ok(page(PENDING, 21)),
    'GET /api/v1/tasks/7/attachments': ok([
      { id: 3, filename: '2027届毕业生就业统计核查表.xlsx', content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size: 48 * 1024, sha256: 'ab', created_at: '2026-11-28T02:00:00Z', url: '/api/v1/tasks/7/attachments/3' },
    ]),
  });
  save('progress-published', await mountPage(ROUTE, { id: '7' }), ROUTE);
});

test('a draft', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/tasks/8/progress': ok(taskProgress({ task_id: 8, title: '春季校园招聘会参会报名', status: 'draft', assigned: 0, viewed: 0, completed: 0, done: 0, pending: 0, not_bound: 0, done_percent: 0 })),
    'GET /api/v1/tasks/8/progress/pending': ok(page([])),
    'GET /api/v1/tasks/8/attachments': ok([]),
  });
  save('progress-draft', await mountPage(ROUTE, { id: '8' }), ROUTE);
});
