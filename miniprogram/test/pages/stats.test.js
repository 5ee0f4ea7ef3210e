const { mountPage, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR, admin } = require('../support/stub');
const { statistics, figures, group } = require('../support/employment');

const ROUTE = 'pages/stats/index';

// A counselor's figures: by major.
function mine(extra) {
  const groups = [group('unit', '单位就业', 4), group('further_study', '升学', 1), group('seeking', '待就业', 2)];
  return Object.assign(
    statistics({
      breakdown: [
        figures('软件工程', '软件工程', 4, 3, groups),
        figures('计算机科学与技术', '计算机科学与技术', 3, 2, groups),
      ],
    }),
    { total: figures('total', '合计', 7, 5, groups) },
    extra,
  );
}

describe('counselor employment progress page', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('the latest cohort: rate, groups, by major, regions; the scope of the account', async () => {
    const api = useApi({ 'GET /api/v1/my/employment-stats': ok(mine()) });
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/my/employment-stats')[0].query).toEqual({});
    const report = p.querySelector('#report');
    expect(textOf(report.querySelector('#graduates'))).toBe('7');
    expect(textOf(report.querySelector('#placed'))).toBe('5');
    expect(textOf(report.querySelector('#rate'))).toBe('71.4%');
    expect(textOf(report.querySelector('#groups'))).toContain('单位就业4人57.1%');
    expect(textOf(report.querySelector('#breakdown'))).toContain('按专业去向落实率');
    expect(textOf(report.querySelector('#row-0'))).toBe('软件工程3/4人75%');
    expect(textOf(report.querySelector('#regions'))).toContain('江苏省');
    expect(textOf(p.querySelector('#scope'))).toBe('统计范围：计算机科学与技术学院 · 本科、硕士研究生 · 软件工程');
    expect(textOf(p.querySelector('#cohort'))).toBe('2026届 ▾');
    expect(p.instance.data.cohortOptions.map((o) => o.label)).toEqual(['2026届', '2025届', '2024届', '2023届', '2022届']);
    expect(p.querySelector('#no-data')).toBeFalsy();
    expect(p.querySelector('#tab-bar').querySelector('#tab-stats').dom.className).toContain('tab-item-active');
  });

  test('picking an earlier cohort asks for it; an empty one says so and keeps the picker', async () => {
    const api = useApi({
      'GET /api/v1/my/employment-stats': (req) =>
        ok(req.query.cohort === '2024' ? statistics({ cohort: 2024, empty: true }) : mine({ cohort: req.query.cohort ? Number(req.query.cohort) : 2026 })),
    });
    const p = await mountPage(ROUTE);
    await change(p, '#cohort', '1');
    expect(api.calls('GET /api/v1/my/employment-stats')[1].query).toEqual({ cohort: '2025' });
    expect(textOf(p.querySelector('#cohort'))).toBe('2025届 ▾');
    expect(textOf(p.querySelector('#report').querySelector('#graduates'))).toBe('7');

    await change(p, '#cohort', '2');
    expect(p.querySelector('#report')).toBeFalsy();
    expect(textOf(p.querySelector('#no-data'))).toContain('2024届暂无您负责专业的毕业生数据');
    expect(textOf(p.querySelector('#no-data'))).toContain('核对您账号中的院系和专业名称');
    expect(p.instance.data.cohortOptions.map((o) => o.value)).toEqual([2026, 2025, 2024, 2023, 2022]);
    expect(textOf(p.querySelector('#cohort'))).toBe('2024届 ▾');

    await p.instance.onPullDownRefresh();
    expect(api.calls('GET /api/v1/my/employment-stats')[3].query).toEqual({ cohort: '2024' });
    expect(wxControl.state.pullDownStopped).toBe(1);
  });

  test('no data yet: explains the import and whom to ask', async () => {
    useApi({ 'GET /api/v1/my/employment-stats': ok(statistics({ cohort: null, empty: true })) });
    const p = await mountPage(ROUTE);
    const text = textOf(p.querySelector('#no-data'));
    expect(text).toContain('暂无就业数据');
    expect(text).toContain('学校导入“就业数据上报”后');
    expect(text).toContain('请联系管理员核对您账号中的院系和专业名称');
    expect(p.querySelector('#cohort')).toBeFalsy();
    expect(p.querySelector('#report')).toBeFalsy();
  });

  test('a failed load says so; the request layer shows the message', async () => {
    useApi({ 'GET /api/v1/my/employment-stats': fail(500, 'internal', '服务器开小差了') });
    const p = await mountPage(ROUTE);
    expect(wxControl.lastToast()).toBe('服务器开小差了');
    expect(textOf(p.querySelector('#failed'))).toBe('加载失败，下拉刷新重试');
  });

  test('without a stored profile it asks who is logged in first', async () => {
    wx.removeStorageSync('fudao_profile');
    const api = useApi({ 'GET /api/v1/me': ok(COUNSELOR), 'GET /api/v1/my/employment-stats': ok(mine()) });
    const p = await mountPage(ROUTE);
    expect(api.seen.map((c) => c.path)).toEqual(['/api/v1/me', '/api/v1/my/employment-stats']);
    expect(textOf(p.querySelector('#scope'))).toContain('软件工程');
  });
});

test('an admin opening the counselor page goes to the admin statistics', async () => {
  loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  const api = useApi({});
  await mountPage(ROUTE);
  expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/stats/index' });
  expect(api.seen).toHaveLength(0);
});
