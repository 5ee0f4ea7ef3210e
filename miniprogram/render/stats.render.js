// 就业进展 of a counselor: the latest cohort of the majors served, and no data yet.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, COUNSELOR } = require('../test/support/stub');
const { statistics, figures, group, INDUSTRY_SECTIONS } = require('../test/support/employment');
const { save } = require('./html');

const ROUTE = 'pages/stats/index';
const COLLEGE = { id: 4, kind: 'college', name: '计算机科学与技术学院' };

test('a counselor with data', async () => {
  loggedIn(COUNSELOR);
  const groups = [group('unit', '单位就业', 52), group('further_study', '升学', 18), group('startup', '自主创业', 2), group('not_seeking', '暂不就业', 4), group('seeking', '待就业', 11)];
  const stats = Object.assign(
    statistics({
      unit: COLLEGE,
      breakdownKind: 'major',
      cohorts: [2026, 2025, 2024],
      breakdown: [
        figures('软件工程', '软件工程', 61, 52, [group('unit', '单位就业', 40), group('further_study', '升学', 12), group('seeking', '待就业', 9)]),
        figures('计算机技术', '计算机技术', 26, 20, [group('unit', '单位就业', 12), group('further_study', '升学', 6), group('not_seeking', '暂不就业', 4), group('seeking', '待就业', 2)]),
      ],
    }),
    {
      total: figures('total', '合计', 87, 72, groups),
      by_education_level: [figures('bachelor', '本科', 61, 52, []), figures('master', '硕士研究生', 26, 20, [])],
      by_region: [
        { code: '320000', label: '江苏省', count: 38 },
        { code: '310000', label: '上海市', count: 14 },
        { code: '330000', label: '浙江省', count: 9 },
        { code: '440000', label: '广东省', count: 3 },
      ],
      by_industry: INDUSTRY_SECTIONS.concat([{ code: 'J', label: '金融业', count: 3 }, { code: 'P', label: '教育', count: 2 }]),
      by_employer_type: [
        { code: '39', label: '其他企业', count: 31 },
        { code: '31', label: '国有企业', count: 12 },
        { code: '22', label: '中初教育单位', count: 2 },
      ],
    },
  );
  useApi({ 'GET /api/v1/my/employment-stats': ok(stats) });
  save('stats-counselor', await mountPage(ROUTE), ROUTE);
});

test('no data yet', async () => {
  loggedIn(COUNSELOR);
  useApi({ 'GET /api/v1/my/employment-stats': ok(statistics({ cohort: null, empty: true, unit: COLLEGE, breakdownKind: 'major', cohorts: [] })) });
  save('stats-empty', await mountPage(ROUTE), ROUTE);
});
