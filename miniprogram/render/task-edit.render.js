// Correcting a published task: its content and a later deadline.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, admin, adminTask } = require('../test/support/stub');
const { save } = require('./html');

test('task edit', async () => {
  loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  useApi({
    'GET /api/v1/tasks/7': ok(
      adminTask(7, {
        title: '关于做好2027届毕业生就业统计核查工作的通知',
        content: '请各学院于12月10日前完成本院毕业生去向登记的核查。\n\n核查表见附件。',
        deadline: '2026-12-10T10:00:00Z',
      }),
    ),
  });
  const p = await mountPage('pages/admin/task-edit/index', { id: '7' });
  save('task-edit', p, 'pages/admin/task-edit/index');
});
