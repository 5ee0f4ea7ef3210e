const { mountPage, tap, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR, admin } = require('../support/stub');
const { statistics, figures } = require('../support/employment');

const ROUTE = 'pages/admin/stats/index';
const PROVINCE = admin('province_admin', { id: 2, kind: 'province', name: '江苏省' });
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

// A province's figures by university (keys are unit ids).
function byUniversity(extra) {
  return Object.assign(
    statistics({
      breakdown: [
        figures('3', '江南示范大学', 9, 6, []),
        figures('7', '金陵示范职业技术学院', 4, 3, []),
      ],
    }),
    extra,
  );
}

describe('admin employment statistics page', () => {
  test('a school: by college, not drillable', async () => {
    loggedIn(SCHOOL);
    const api = useApi({ 'GET /api/v1/employment/stats': ok(statistics()) });
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/employment/stats')[0].query).toEqual({});
    expect(textOf(p.querySelector('#trail'))).toBe('江南示范大学');
    const report = p.querySelector('#report');
    expect(textOf(report.querySelector('#rate'))).toBe('69.2%');
    expect(textOf(report.querySelector('#breakdown'))).toContain('按院系去向落实率');
    expect(textOf(report.querySelector('#row-0'))).toBe('智能制造学院6/9人66.7%');
    await tap(report, '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')).toHaveLength(1);
    expect(p.querySelector('#up')).toBeFalsy();
    expect(p.querySelector('#tab-bar').querySelector('#tab-admin-stats').dom.className).toContain('tab-item-active');
  });

  test('a province drills into a university and back up, keeping the picked cohort', async () => {
    loggedIn(PROVINCE);
    const api = useApi({
      'GET /api/v1/employment/stats': (req) => {
        const cohort = req.query.cohort ? Number(req.query.cohort) : 2026;
        return ok(req.query.unit_id === '7' ? statistics({ cohort }) : byUniversity({ cohort }));
      },
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#report').querySelector('#breakdown'))).toContain('按高校去向落实率');
    expect(textOf(p.querySelector('#report'))).toContain('点击一行查看下一级');

    await change(p, '#cohort', '1');
    expect(api.calls('GET /api/v1/employment/stats')[1].query).toEqual({ cohort: '2025' });

    await tap(p.querySelector('#report'), '#row-1');
    expect(api.calls('GET /api/v1/employment/stats')[2].query).toEqual({ cohort: '2025', unit_id: '7' });
    expect(textOf(p.querySelector('#trail'))).toBe('江苏省 › 金陵示范职业技术学院');
    const inner = p.querySelector('#report');
    expect(textOf(inner.querySelector('#breakdown'))).toContain('按院系去向落实率');
    expect(textOf(inner.querySelector('#row-0'))).toContain('智能制造学院');
    expect(textOf(p.querySelector('#cohort'))).toBe('2025届 ▾');
    expect(textOf(p.querySelector('#up'))).toContain('返回上一级（江苏省）');

    // College rows are names, not units: they do not open.
    await tap(inner, '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')).toHaveLength(3);

    await tap(p, '#up');
    expect(api.calls('GET /api/v1/employment/stats')[3].query).toEqual({ cohort: '2025' });
    expect(textOf(p.querySelector('#trail'))).toBe('江苏省');
    expect(p.querySelector('#up')).toBeFalsy();
    expect(textOf(p.querySelector('#report').querySelector('#row-0'))).toContain('江南示范大学');
  });

  test('the ministry drills province → university', async () => {
    loggedIn(admin('ministry_admin', { id: 1, kind: 'ministry', name: '教育部' }));
    const api = useApi({
      'GET /api/v1/employment/stats': (req) => {
        if (!req.query.unit_id) return ok(statistics({ breakdown: [figures('2', '江苏省', 13, 9, [])] }));
        return ok(byUniversity());
      },
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#report').querySelector('#breakdown'))).toContain('按省份');
    await tap(p.querySelector('#report'), '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')[1].query).toEqual({ unit_id: '2' });
    await tap(p.querySelector('#report'), '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')[2].query).toEqual({ unit_id: '3' });
    expect(textOf(p.querySelector('#trail'))).toBe('教育部 › 江苏省 › 江南示范大学');
  });

  test('no data yet: explains the import and the names counselors depend on', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    useApi({ 'GET /api/v1/employment/stats': ok(statistics({ cohort: null, empty: true })) });
    const p = await mountPage(ROUTE);
    const text = textOf(p.querySelector('#no-data'));
    expect(text).toContain('暂无就业数据');
    expect(text).toContain('学校导入“就业数据上报”后');
    expect(text).toContain('院系和专业名称须与辅导员账号中的一致');
    expect(p.querySelector('#cohort')).toBeFalsy();
  });

  test('a drill that fails keeps the way back', async () => {
    loggedIn(PROVINCE);
    useApi({
      'GET /api/v1/employment/stats': (req) => (req.query.unit_id ? fail(404, 'not_found', '组织单位不存在') : ok(byUniversity())),
    });
    const p = await mountPage(ROUTE);
    await tap(p.querySelector('#report'), '#row-0');
    expect(wxControl.lastToast()).toBe('组织单位不存在');
    expect(textOf(p.querySelector('#failed'))).toBe('加载失败，下拉刷新重试');
    await tap(p, '#up');
    expect(textOf(p.querySelector('#report').querySelector('#row-0'))).toContain('江南示范大学');
  });
});

test('a counselor opening the admin page goes to their own', async () => {
  loggedIn(COUNSELOR);
  const api = useApi({});
  await mountPage(ROUTE);
  expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/stats/index' });
  expect(api.seen).toHaveLength(0);
});
