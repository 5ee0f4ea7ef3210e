// The admin home (发布的任务): published tasks with their progress, a draft, a withdrawn one;
// and a school that has not published anything yet.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin, adminTask, inDays } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/home/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function progress(assigned, viewed, done) {
  return { assigned, viewed, completed: done, done, done_percent: assigned ? Math.round((done * 1000) / assigned) / 10 : 0 };
}

test('tasks with progress', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/tasks': ok(
      page([
        adminTask(7, { title: '关于做好2027届毕业生就业统计核查工作的通知', deadline: inDays(2), progress: progress(48, 35, 27) }),
        adminTask(6, { kind: 'live_course', kind_label: '就业创业直播课', title: '简历制作与面试技巧直播课', starts_at: inDays(2), ends_at: inDays(2.05), deadline: inDays(2.05), progress: progress(48, 12, 0) }),
        adminTask(8, { kind: 'job_fair', kind_label: '招聘会', title: '春季校园招聘会参会报名', status: 'draft', published_at: null, progress: progress(0, 0, 0) }),
        adminTask(5, { kind: 'job_posting', kind_label: '招聘信息', title: '苏州工业园区国企专场招聘岗位汇总', deadline: inDays(-3), progress: progress(48, 48, 48) }),
        adminTask(4, { kind: 'other', kind_label: '其他', title: '就业协议书补办说明（已更正）', status: 'withdrawn', withdrawn_at: inDays(-5), progress: progress(46, 20, 3) }),
      ]),
    ),
  });
  save('admin-home-tasks', await mountPage(ROUTE), ROUTE);
});

test('nothing published yet', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/tasks': ok(page([])) });
  save('admin-home-empty', await mountPage(ROUTE), ROUTE);
});
