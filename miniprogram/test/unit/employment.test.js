const employment = require('../../src/utils/employment');
const { statistics } = require('../support/employment');

describe('employment view', () => {
  test('cohort options: the latest and four before it', () => {
    expect(employment.cohortOptions(2026)).toEqual([
      { value: 2026, label: '2026届' },
      { value: 2025, label: '2025届' },
      { value: 2024, label: '2024届' },
      { value: 2023, label: '2023届' },
      { value: 2022, label: '2022届' },
    ]);
    expect(employment.cohortOptions(null)).toEqual([]);
  });

  test('the report: summary, groups in report order, breakdown bars of the rate, codes', () => {
    const r = employment.report(statistics());
    expect(r).toMatchObject({ cohort: 2026, hasData: true, graduates: 13, placed: 9, unplaced: 4, rate: 69.2, rateText: '69.2%' });
    expect(r.schemeText).toContain('2024');
    expect(r.groups.map((g) => g.label)).toEqual(['单位就业', '自主创业', '升学', '待就业', '暂不就业']);
    expect(r.breakdown[0]).toMatchObject({ key: '智能制造学院', label: '智能制造学院', graduates: 9, placed: 6, rateText: '66.7%', caption: '6/9 · 66.7%' });
    expect(r.breakdownBars).toEqual([{ label: '智能制造学院', value: 66.7 }, { label: '电子信息学院', value: 75 }]);
    expect(r.levels[0]).toMatchObject({ key: 'associate', label: '专科' });
    expect(r.regions).toEqual([{ label: '江苏省', value: 6 }, { label: '上海市', value: 3 }]);
    expect(r.employerTypes[0]).toEqual({ label: '其他企业', value: 7 });
    expect(r.industries[0]).toEqual({ label: '行业代码 65', value: 5 });
  });

  test('no data yet, or none in the cohort', () => {
    expect(employment.report(statistics({ cohort: null, empty: true }))).toMatchObject({ cohort: null, hasData: false, graduates: 0 });
    expect(employment.report(statistics({ cohort: 2023, empty: true }))).toMatchObject({ cohort: 2023, hasData: false });
  });
});
