// 就业统计 of admins: a school with data (by college), a province looking into one of its
// universities, and a college without data yet.
const { mountPage, tap } = require('../test/support/mount');
const { useApi, loggedIn, ok, admin } = require('../test/support/stub');
const { statistics, figures, group, INDUSTRY_SECTIONS } = require('../test/support/employment');
const { save } = require('./html');

const ROUTE = 'pages/admin/stats/index';
const SCHOOL_UNIT = { id: 3, kind: 'university', name: '江南示范大学' };
const PROVINCE_UNIT = { id: 2, kind: 'province', name: '江苏省' };

function school(unit) {
  const groups = [group('unit', '单位就业', 2380), group('further_study', '升学', 812), group('startup', '自主创业', 37), group('flexible', '灵活就业', 265), group('not_seeking', '暂不就业', 120), group('seeking', '待就业', 386)];
  return Object.assign(
    statistics({
      unit,
      breakdownKind: 'college',
      cohorts: [2026, 2025, 2024],
      breakdown: [
        figures('计算机科学与技术学院', '计算机科学与技术学院', 862, 801, []),
        figures('经济管理学院', '经济管理学院', 1024, 901, []),
        figures('外国语学院', '外国语学院', 512, 421, []),
        figures('机械工程学院', '机械工程学院', 736, 690, []),
        figures('马克思主义学院', '马克思主义学院', 96, 71, []),
        figures('艺术学院', '艺术学院', 770, 610, []),
      ],
    }),
    {
      total: figures('total', '合计', 4000, 3494, groups),
      by_education_level: [figures('bachelor', '本科', 3210, 2801, []), figures('master', '硕士研究生', 742, 652, []), figures('doctor', '博士研究生', 48, 41, [])],
      by_region: [
        { code: '320000', label: '江苏省', count: 1820 },
        { code: '310000', label: '上海市', count: 604 },
        { code: '330000', label: '浙江省', count: 311 },
        { code: '110000', label: '北京市', count: 87 },
        { code: '440000', label: '广东省', count: 66 },
      ],
      by_industry: INDUSTRY_SECTIONS.map((s) => Object.assign({}, s, { count: s.count * 180 })).concat([
        { code: 'J', label: '金融业', count: 402 },
        { code: 'P', label: '教育', count: 288 },
        { code: 'M', label: '科学研究和技术服务业', count: 150 },
      ]),
      by_employer_type: [
        { code: '39', label: '其他企业', count: 1706 },
        { code: '31', label: '国有企业', count: 702 },
        { code: '22', label: '中初教育单位', count: 110 },
        { code: '10', label: '机关', count: 64 },
      ],
    },
  );
}

test('a school with data', async () => {
  loggedIn(admin('school_admin', SCHOOL_UNIT));
  useApi({ 'GET /api/v1/employment/stats': ok(school(SCHOOL_UNIT)) });
  save('admin-stats-school', await mountPage(ROUTE), ROUTE);
});

test('a province, then one of its universities', async () => {
  loggedIn(admin('province_admin', PROVINCE_UNIT));
  useApi({
    'GET /api/v1/employment/stats': (req) =>
      ok(
        req.query.unit_id === '3'
          ? school(SCHOOL_UNIT)
          : statistics({
            unit: PROVINCE_UNIT,
            breakdownKind: 'university',
            cohorts: [2026, 2025],
            breakdown: [
              figures('3', '江南示范大学', 4000, 3494, []),
              figures('7', '金陵示范职业技术学院', 2210, 2043, []),
              figures('9', '苏北示范师范学院', 3105, 2586, []),
            ],
          }),
      ),
  });
  const p = await mountPage(ROUTE);
  save('admin-stats-province', p, ROUTE);
  await tap(p.querySelector('#report'), '#row-0');
  save('admin-stats-drilled', p, ROUTE);
});

test('a college without data', async () => {
  loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
  useApi({ 'GET /api/v1/employment/stats': ok(statistics({ cohort: null, empty: true })) });
  save('admin-stats-empty', await mountPage(ROUTE), ROUTE);
});
