// 就业资讯 as counselors and admins read it: the list (a written item, a linked article with a
// cover), nothing yet, a written item and a linked one.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, COUNSELOR } = require('../test/support/stub');
const { save } = require('./html');

function newsItem(id, extra) {
  return Object.assign(
    {
      id,
      title: `资讯${id}`,
      summary: null,
      cover_url: null,
      link_url: null,
      body: '',
      org_unit_id: 3,
      published_at: '2026-11-28T02:00:00Z',
      updated_at: '2026-11-28T02:00:00Z',
      withdrawn: false,
      page_url: `https://fudao.example.edu.cn/news/${id}`,
    },
    extra,
  );
}

const WRITTEN = newsItem(5, {
  title: '江南示范大学2027届毕业生冬季供需见面会邀请函',
  summary: '12月13日，学校将在体育馆举办冬季供需见面会，预计300余家单位参会。',
  cover_url: 'https://img.example.cn/5.png',
  body: '各位辅导员：\n为促进2027届毕业生充分就业，学校定于12月13日（周六）在体育馆举办冬季供需见面会。\n预计参会单位300余家，提供岗位6000余个，涵盖信息技术、智能制造、金融、教育、医药等行业。\n请通知所带毕业生准时参加，并携带纸质简历。',
  published_at: '2026-11-28T02:00:00Z',
  updated_at: '2026-11-29T06:30:00Z',
});
const LINKED = newsItem(6, {
  title: '教育部关于做好2027届全国普通高校毕业生就业创业工作的通知',
  summary: '教育部部署2027届高校毕业生就业创业工作，推进“百日冲刺”等专项行动。',
  cover_url: 'https://img.example.cn/6.png',
  link_url: 'https://www.ncss.cn/tbch/2027/notice.shtml',
  page_url: 'https://www.ncss.cn/tbch/2027/notice.shtml',
  body: null,
  published_at: '2026-11-25T01:00:00Z',
  updated_at: '2026-11-25T01:00:00Z',
});
const SHORT = newsItem(4, {
  title: '寒假期间就业服务安排',
  summary: '寒假期间就业指导中心线上服务不停歇。',
  body: '寒假期间就业指导中心线上服务不停歇。',
  published_at: '2026-11-20T01:00:00Z',
  updated_at: '2026-11-20T01:00:00Z',
});

test('the news list', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/news': ok(page([WRITTEN, LINKED, SHORT])) });
  save('news-list', await mountPage('pages/news/index'), 'pages/news/index');
});

test('no news yet', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/news': ok(page([])) });
  save('news-empty', await mountPage('pages/news/index'), 'pages/news/index');
});

test('a written item', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/news/5': ok(WRITTEN) });
  save('news-detail', await mountPage('pages/news/detail', { id: '5' }), 'pages/news/detail');
});

test('a linked article', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/news/6': ok(LINKED) });
  save('news-detail-link', await mountPage('pages/news/detail', { id: '6' }), 'pages/news/detail');
});

