// A counselor's task list: 待完成 with a task due within a day, an overdue confidential one,
// a live course and an ordinary one; 已完成; and an empty list.
const { mountPage, tap } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, COUNSELOR, inDays, myTask } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/tasks/index';

const PENDING = [
  myTask(21, {
    kind: 'policy',
    kind_label: '就业创业政策',
    title: '关于做好2027届毕业生就业统计核查工作的通知',
    deadline: inDays(0.4),
  }),
  myTask(22, {
    title: '江南示范大学2027届毕业生秋季大型双选会',
    confidential: true,
    overdue: true,
    deadline: inDays(-1),
    viewed_at: inDays(-2),
  }),
  myTask(23, {
    kind: 'live_course',
    kind_label: '就业创业直播课',
    title: '简历制作与面试技巧直播课',
    starts_at: inDays(2),
    ends_at: inDays(2.05),
    deadline: inDays(2.05),
    publisher: '江苏省教育厅就业指导中心',
  }),
  myTask(24, { kind: 'job_posting', kind_label: '招聘信息', title: '苏州工业园区国企专场招聘岗位汇总', deadline: inDays(6), viewed_at: inDays(-0.5) }),
];

const DONE = [
  myTask(11, { kind: 'policy', kind_label: '就业创业政策', title: '毕业生就业协议书发放说明', done: true, done_at: inDays(-1), completed_at: inDays(-1), viewed_at: inDays(-2) }),
  myTask(12, {
    kind: 'live_course',
    kind_label: '就业创业直播课',
    title: '公务员考试备考指导直播课',
    starts_at: inDays(-3),
    ends_at: inDays(-2.95),
    done: true,
    done_at: inDays(-3),
    signed_in_at: inDays(-3),
    viewed_at: inDays(-4),
  }),
];

test('待完成 and 已完成', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/my/tasks': (req) => ok(req.query.status === 'done' ? page(DONE) : page(PENDING)) });
  const p = await mountPage(ROUTE);
  save('tasks-pending', p, ROUTE);
  await tap(p, '#tab-done');
  save('tasks-done', p, ROUTE);
});

test('nothing to do', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/my/tasks': ok(page([])) });
  save('tasks-empty', await mountPage(ROUTE), ROUTE);
});
