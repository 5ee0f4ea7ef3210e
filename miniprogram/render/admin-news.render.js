// 资讯管理 of a school admin: the managed list (shown and withdrawn, written and linked), a
// new item refused for its title, and an item being edited as a link.
const { mountPage, tap, input } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../test/support/stub');
const { save } = require('./html');

const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function newsItem(id, extra) {
  return Object.assign(
    {
      id,
      title: `资讯${id}`,
      summary: null,
      cover_url: null,
      link_url: null,
      body: '正文',
      org_unit_id: 3,
      published_at: '2026-11-28T02:00:00Z',
      updated_at: '2026-11-28T02:00:00Z',
      withdrawn: false,
      page_url: `https://fudao.example.edu.cn/news/${id}`,
    },
    extra,
  );
}

const LINKED = newsItem(6, {
  title: '教育部关于做好2027届全国普通高校毕业生就业创业工作的通知',
  summary: '教育部部署2027届高校毕业生就业创业工作，推进“百日冲刺”等专项行动。',
  link_url: 'https://www.ncss.cn/tbch/2027/notice.shtml',
  page_url: 'https://www.ncss.cn/tbch/2027/notice.shtml',
  body: null,
  published_at: '2026-11-25T01:00:00Z',
  updated_at: '2026-11-25T01:00:00Z',
});

test('the managed list', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/news': ok(
      page([
        newsItem(7, { title: '江南示范大学2027届毕业生冬季供需见面会邀请函', summary: '12月13日，学校将在体育馆举办冬季供需见面会。', cover_url: 'https://img.example.cn/7.png', published_at: '2026-11-28T02:00:00Z' }),
        LINKED,
        newsItem(4, { title: '寒假期间就业服务安排（旧版）', withdrawn: true, published_at: '2026-11-20T01:00:00Z' }),
      ]),
    ),
  });
  save('admin-news-list', await mountPage('pages/admin/news/index'), 'pages/admin/news/index');
});

test('nothing published yet', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/news': ok(page([])) });
  save('admin-news-empty', await mountPage('pages/admin/news/index'), 'pages/admin/news/index');
});

test('a new item without a title', async () => {
  loggedIn(SCHOOL);
  useApi({});
  const p = await mountPage('pages/admin/news-edit/index');
  await input(p, '#body', '各位辅导员：\n学校定于12月13日在体育馆举办冬季供需见面会，请通知毕业生参加。');
  await tap(p, '#submit');
  save('news-edit-new', p, 'pages/admin/news-edit/index');
});

test('editing a linked article', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/news/6': ok(LINKED) });
  save('news-edit-link', await mountPage('pages/admin/news-edit/index', { id: '6' }), 'pages/admin/news-edit/index');
});
