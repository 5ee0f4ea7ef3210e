// A counselor's live course while sign-in is open: one primary action (签到).
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, COUNSELOR, inDays, myTask } = require('../test/support/stub');
const { save } = require('./html');

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
  });
  useApi({
    'GET /api/v1/my/tasks/10': ok(live),
    'GET /api/v1/my/tasks/10/attachments': ok([]),
  });
  const p = await mountPage('pages/task/detail', { id: '10' });
  save('task-live-open', p, 'pages/task/detail');
});
