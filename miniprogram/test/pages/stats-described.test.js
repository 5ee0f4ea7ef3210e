// The statistics pages with what the API says about its answer: the cohorts with data
// (the picker), the breakdown's kind (its title, whether rows open), the unit shown (the
// trail), GB/T 4754 industry sections; and the way to the import for schools and colleges.
const { mountPage, tap, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, COUNSELOR, admin } = require('../support/stub');
const { statistics, figures, INDUSTRY_SECTIONS } = require('../support/employment');

const COLLEGE_UNIT = { id: 4, kind: 'college', name: '计算机科学与技术学院' };
const SCHOOL_UNIT = { id: 3, kind: 'university', name: '江南示范大学' };
const PROVINCE_UNIT = { id: 2, kind: 'province', name: '江苏省' };

describe('counselor statistics', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('the picker offers the cohorts with data; picking one reloads with ?cohort=', async () => {
    const api = useApi({
      'GET /api/v1/my/employment-stats': (req) => {
        const cohort = req.query.cohort ? Number(req.query.cohort) : 2026;
        return ok(
          Object.assign(
            statistics({
              cohort,
              unit: COLLEGE_UNIT,
              breakdownKind: 'major',
              cohorts: [2026, 2024, 2021],
              breakdown: [figures('软件工程', '软件工程', 4, 3, [])],
            }),
            { by_industry: INDUSTRY_SECTIONS },
          ),
        );
      },
    });
    const p = await mountPage('pages/stats/index');
    expect(p.instance.data.cohortOptions.map((o) => o.label)).toEqual(['2026届', '2024届', '2021届']);
    const report = p.querySelector('#report');
    expect(textOf(report.querySelector('#breakdown'))).toContain('按专业去向落实率');
    expect(textOf(report.querySelector('#industries'))).toContain('制造业4人');
    expect(textOf(report.querySelector('#industries'))).toContain('信息传输、软件和信息技术服务业5人');

    await change(p, '#cohort', '2');
    expect(api.calls('GET /api/v1/my/employment-stats')[1].query).toEqual({ cohort: '2021' });
    expect(textOf(p.querySelector('#cohort'))).toBe('2021届 ▾');
    expect(p.instance.data.cohortOptions.map((o) => o.value)).toEqual([2026, 2024, 2021]);
  });

  test('one cohort with data: the picker still shows it; none: no picker', async () => {
    useApi({ 'GET /api/v1/my/employment-stats': ok(statistics({ cohort: 2025, unit: COLLEGE_UNIT, breakdownKind: 'major', cohorts: [2025] })) });
    const p = await mountPage('pages/stats/index');
    expect(textOf(p.querySelector('#cohort'))).toBe('2025届 ▾');
    expect(p.instance.data.cohortOptions).toEqual([{ value: 2025, label: '2025届' }]);

    useApi({ 'GET /api/v1/my/employment-stats': ok(statistics({ cohort: null, empty: true, unit: COLLEGE_UNIT, breakdownKind: 'major', cohorts: [] })) });
    const none = await mountPage('pages/stats/index');
    expect(none.querySelector('#cohort')).toBeFalsy();
    expect(textOf(none.querySelector('#no-data'))).toContain('暂无就业数据');
  });
});

describe('admin statistics', () => {
  test('a school: titled by the breakdown kind, the trail named by the API, the import one tap away', async () => {
    loggedIn(admin('school_admin', SCHOOL_UNIT));
    useApi({
      'GET /api/v1/employment/stats': ok(statistics({ unit: Object.assign({}, SCHOOL_UNIT, { name: '江南示范大学（本部）' }), breakdownKind: 'college', cohorts: [2026, 2025] })),
    });
    const p = await mountPage('pages/admin/stats/index');
    expect(textOf(p.querySelector('#report').querySelector('#breakdown'))).toContain('按院系去向落实率');
    expect(textOf(p.querySelector('#trail'))).toBe('江南示范大学（本部）');
    expect(p.instance.data.cohortOptions.map((o) => o.value)).toEqual([2026, 2025]);
    await tap(p, '#open-import');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/employment-import/index' });
  });

  test('a province: university rows open (breakdown_kind university), college rows do not', async () => {
    loggedIn(admin('province_admin', PROVINCE_UNIT));
    const api = useApi({
      'GET /api/v1/employment/stats': (req) => {
        if (req.query.unit_id === '7') {
          return ok(statistics({ unit: { id: 7, kind: 'university', name: '金陵示范职业技术学院' }, breakdownKind: 'college', cohorts: [2026] }));
        }
        return ok(
          statistics({
            unit: PROVINCE_UNIT,
            breakdownKind: 'university',
            cohorts: [2026, 2025, 2024],
            breakdown: [figures('7', '金陵职院', 4, 3, [])],
          }),
        );
      },
    });
    const p = await mountPage('pages/admin/stats/index');
    expect(p.querySelector('#open-import')).toBeFalsy();
    expect(textOf(p.querySelector('#report').querySelector('#breakdown'))).toContain('按高校去向落实率');
    expect(textOf(p.querySelector('#report'))).toContain('点击一行查看下一级');
    await tap(p.querySelector('#report'), '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')[1].query).toEqual({ unit_id: '7' });
    // The API's own name of the unit replaces the row's label in the trail.
    expect(textOf(p.querySelector('#trail'))).toBe('江苏省 › 金陵示范职业技术学院');
    expect(p.instance.data.cohortOptions.map((o) => o.value)).toEqual([2026]);
    const inner = p.querySelector('#report');
    expect(textOf(inner.querySelector('#breakdown'))).toContain('按院系去向落实率');
    expect(textOf(inner)).not.toContain('点击一行查看下一级');
    await tap(inner, '#row-0');
    expect(api.calls('GET /api/v1/employment/stats')).toHaveLength(2);
  });

  test('a cohort picked where the unit has no data stays in the picker', async () => {
    loggedIn(admin('college_admin', COLLEGE_UNIT));
    const api = useApi({
      'GET /api/v1/employment/stats': (req) =>
        ok(
          req.query.cohort === '2024'
            ? statistics({ cohort: 2024, empty: true, unit: COLLEGE_UNIT, breakdownKind: 'major', cohorts: [2026, 2024] })
            : statistics({ unit: COLLEGE_UNIT, breakdownKind: 'major', cohorts: [2026, 2024] }),
        ),
    });
    const p = await mountPage('pages/admin/stats/index');
    expect(p.querySelector('#open-import')).toBeTruthy();
    expect(textOf(p.querySelector('#report').querySelector('#breakdown'))).toContain('按专业去向落实率');
    await change(p, '#cohort', '1');
    expect(api.calls('GET /api/v1/employment/stats')[1].query).toEqual({ cohort: '2024' });
    expect(textOf(p.querySelector('#no-data'))).toContain('2024届暂无就业数据');
    expect(textOf(p.querySelector('#cohort'))).toBe('2024届 ▾');
  });
});
