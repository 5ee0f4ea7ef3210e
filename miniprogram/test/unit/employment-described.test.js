const employment = require('../../src/utils/employment');
const { statistics, INDUSTRY_SECTIONS } = require('../support/employment');

describe('employment view: what the API says about its answer', () => {
  test('cohort choices: the cohorts with data, newest first as the API lists them', () => {
    expect(employment.cohortChoices(statistics({ cohort: 2026, cohorts: [2026, 2023] }))).toEqual([
      { value: 2026, label: '2026届' },
      { value: 2023, label: '2023届' },
    ]);
    expect(employment.cohortChoices(statistics({ cohort: null, empty: true, cohorts: [] }))).toEqual([]);
  });

  test('a cohort shown without data joins the choices in order', () => {
    expect(employment.cohortChoices(statistics({ cohort: 2024, empty: true, cohorts: [2026, 2021] })).map((o) => o.value)).toEqual([2026, 2024, 2021]);
  });

  test('an answer without cohorts: the latest known and the four before it', () => {
    expect(employment.cohortChoices(statistics({ cohort: 2024 }), 2026).map((o) => o.value)).toEqual([2026, 2025, 2024, 2023, 2022]);
    expect(employment.cohortChoices(statistics({ cohort: 2020 }), 2026).map((o) => o.value)).toEqual([2026, 2025, 2024, 2023, 2022, 2020]);
    expect(employment.cohortChoices(statistics({ cohort: 2026 })).map((o) => o.value)).toEqual([2026, 2025, 2024, 2023, 2022]);
  });

  test('the breakdown title by breakdown_kind, and the unit', () => {
    const titles = ['major', 'college', 'university', 'province'].map((kind) => employment.report(statistics({ breakdownKind: kind })).breakdownTitle);
    expect(titles).toEqual(['按专业', '按院系', '按高校', '按省份']);
    const r = employment.report(statistics({ unit: { id: 3, kind: 'university', name: '江南示范大学' }, breakdownKind: 'college' }));
    expect(r).toMatchObject({ unit: { id: 3, kind: 'university', name: '江南示范大学' }, breakdownKind: 'college' });
    expect(employment.report(statistics())).toMatchObject({ unit: null, breakdownKind: '', breakdownTitle: '' });
    expect(employment.DRILLABLE).toEqual(['province', 'university']);
  });

  test('industries are GB/T 4754 sections by their names', () => {
    const r = employment.report(Object.assign(statistics(), { by_industry: INDUSTRY_SECTIONS }));
    expect(r.industries).toEqual([
      { label: '信息传输、软件和信息技术服务业', value: 5 },
      { label: '制造业', value: 4 },
    ]);
  });
});
