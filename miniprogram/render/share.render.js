// What a student sees when opening a task a counselor forwarded: the task with its
// attachment, and a link to a task that cannot be shown (confidential or withdrawn).
const { mountPage } = require('../test/support/mount');
const { useApi, ok, fail, inDays } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/share/index';

test('a shared task', async () => {
  useApi({
    'GET /api/v1/share/tok-7': ok({
      kind_label: '招聘会',
      title: '江南示范大学2027届毕业生秋季大型双选会',
      content: '时间：12月6日（周六）9:00–15:00\n地点：体育馆、大学生活动中心\n\n参会单位320家，提供岗位8000余个。请携带纸质简历和学生证入场。',
      link: 'https://jy.jiangnan-demo.edu.cn/fair/2027-autumn',
      deadline: inDays(4),
      starts_at: null,
      ends_at: null,
      publisher: '江南示范大学就业处',
      attachments: [
        { id: 3, filename: '2027届秋季双选会参会单位及岗位一览表.pdf', content_type: 'application/pdf', size: 1536 * 1024, sha256: 'ab', created_at: '2026-11-28T02:00:00Z', url: '/api/v1/share/tok-7/attachments/3' },
      ],
    }),
  });
  save('share-task', await mountPage(ROUTE, { token: 'tok-7' }), ROUTE);
});

test('a shared live course', async () => {
  useApi({
    'GET /api/v1/share/tok-10': ok({
      kind_label: '就业创业直播课',
      title: '简历制作与面试技巧直播课',
      content: '邀请企业人力资源负责人讲解简历与面试，欢迎2027届毕业生观看。',
      link: null,
      deadline: inDays(2.05),
      starts_at: inDays(2),
      ends_at: inDays(2.05),
      publisher: '江苏省教育厅就业指导中心',
      attachments: [],
    }),
  });
  save('share-live', await mountPage(ROUTE, { token: 'tok-10' }), ROUTE);
});

test('a confidential or withdrawn task', async () => {
  useApi({ 'GET /api/v1/share/tok-8': fail(404, 'share_unavailable', '分享链接无效，或该任务不可转发') });
  save('share-refused', await mountPage(ROUTE, { token: 'tok-8' }), ROUTE);
});
