// A counselor's task: an ordinary one with a link, attachments and 转发给学生; a confidential
// one (no forwarding, the reason said); one already completed; a live course while sign-in
// is open (one primary action, 签到); one that cannot be opened.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR, inDays, myTask } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/task/detail';

function attachment(id, filename, contentType, size) {
  return { id, filename, content_type: contentType, size, sha256: 'ab', created_at: '2026-11-28T02:00:00Z', url: `/api/v1/tasks/7/attachments/${id}` };
}

test('an ordinary task with a link and attachments', async () => {
  loggedIn(COUNSELOR);
  const task = myTask(7, {
    title: '江南示范大学2027届毕业生秋季大型双选会',
    content: '时间：12月6日（周六）9:00–15:00\n地点：体育馆、大学生活动中心\n\n参会单位320家，提供岗位8000余个，涵盖信息技术、智能制造、金融、教育等行业。\n\n请各位辅导员转发给所带毕业生，提醒学生携带纸质简历和学生证入场。',
    link: 'https://jy.jiangnan-demo.edu.cn/fair/2027-autumn',
    share_token: 'tok-7',
    viewed_at: inDays(-0.2),
  });
  useApi({
    'GET /api/v1/my/tasks/7': ok(task),
    'GET /api/v1/tasks/7/attachments': ok([
      attachment(3, '2027届秋季双选会参会单位及岗位一览表.pdf', 'application/pdf', 1536 * 1024),
      attachment(4, '双选会场馆平面图.png', 'image/png', 3 * 1024 * 1024),
    ]),
  });
  save('task-detail', await mountPage(ROUTE, { id: '7' }), ROUTE);
});

test('a confidential task', async () => {
  loggedIn(COUNSELOR);
  const task = myTask(8, {
    kind: 'other',
    kind_label: '其他',
    title: '关于报送未就业毕业生帮扶台账的通知',
    content: '请于本周五前核对所带专业未就业毕业生名单，逐人填写帮扶措施，报学院学工办。\n\n名单含学生个人信息，请勿外传。',
    confidential: true,
    share_note: '保密任务，仅供辅导员本人阅读，不能转发给学生',
    deadline: inDays(3),
  });
  useApi({ 'GET /api/v1/my/tasks/8': ok(task), 'GET /api/v1/tasks/8/attachments': ok([]) });
  save('task-confidential', await mountPage(ROUTE, { id: '8' }), ROUTE);
});

test('a completed task', async () => {
  loggedIn(COUNSELOR);
  const task = myTask(9, {
    kind: 'policy',
    kind_label: '就业创业政策',
    title: '2027届毕业生求职创业补贴申报通知',
    content: '符合条件的毕业生可于12月20日前在“江苏就业”小程序中申请求职创业补贴，每人2000元。',
    share_token: 'tok-9',
    viewed_at: inDays(-2),
    completed_at: inDays(-1),
    done: true,
    done_at: inDays(-1),
  });
  useApi({ 'GET /api/v1/my/tasks/9': ok(task), 'GET /api/v1/tasks/9/attachments': ok([]) });
  save('task-completed', await mountPage(ROUTE, { id: '9' }), ROUTE);
});

test('live course, sign-in open', async () => {
  loggedIn(COUNSELOR);
  const live = myTask(10, {
    kind: 'live_course',
    kind_label: '就业创业直播课',
    title: '2027届毕业生求职技巧直播课',
    content: '本次直播邀请企业人力资源负责人讲解简历与面试。\n\n请按时进入直播间并签到。',
    starts_at: inDays(0),
    ends_at: inDays(0.05),
    deadline: inDays(0.05),
    sign_in: { state: 'open', opens_at: inDays(-0.02), closes_at: inDays(0.05) },
    share_token: 'tok-10',
  });
  useApi({
    'GET /api/v1/my/tasks/10': ok(live),
    'GET /api/v1/tasks/10/attachments': ok([]),
  });
  const p = await mountPage(ROUTE, { id: '10' });
  save('task-live-open', p, ROUTE);
});

test('a task that cannot be opened', async () => {
  loggedIn(COUNSELOR);
  useApi({
    'GET /api/v1/my/tasks/12': fail(404, 'not_found', '任务不存在'),
    'GET /api/v1/tasks/12/attachments': fail(404, 'not_found', '任务不存在'),
  });
  save('task-unavailable', await mountPage(ROUTE, { id: '12' }), ROUTE);
});
