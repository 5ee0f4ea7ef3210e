// Employment statistics as the API answers them (GET /api/v1/employment/stats and
// /api/v1/my/employment-stats), for render and unit tests.

function group(key, label, count) {
  return { key, label, count };
}

function figures(key, label, graduates, placed, groups) {
  const rate = graduates ? Math.round((placed * 1000) / graduates) / 10 : 0;
  return { key, label, graduates, placed, rate_percent: rate, groups };
}

const EMPTY_TOTAL = figures('total', '合计', 0, 0, []);

// What the API says about the answer itself: whose figures (unit), what the breakdown lists
// (breakdownKind) and which cohorts have data — added only when given, so that the plain
// fixture also stands for an older server that did not say.
function described(stats, { unit, breakdownKind, cohorts }) {
  const out = Object.assign({}, stats);
  if (unit) out.unit = unit;
  if (breakdownKind) out.breakdown_kind = breakdownKind;
  if (cohorts) out.cohorts = cohorts;
  return out;
}

// Industries as GB/T 4754 sections (门类), as the API now answers them.
const INDUSTRY_SECTIONS = [
  { code: 'I', label: '信息传输、软件和信息技术服务业', count: 5 },
  { code: 'C', label: '制造业', count: 4 },
];

// A university's figures by college; `breakdown` replaces the rows (e.g. universities of a
// province), `empty` answers like the API without data (cohort null or nothing in it);
// `unit`, `breakdownKind` and `cohorts` describe the answer as the API does.
function statistics({ cohort = 2026, empty = false, breakdown, unit, breakdownKind, cohorts } = {}) {
  return described(plainStatistics({ cohort, empty, breakdown }), { unit, breakdownKind, cohorts });
}

function plainStatistics({ cohort, empty, breakdown }) {
  if (empty) {
    return {
      cohort,
      scheme: cohort ? 2024 : null,
      total: EMPTY_TOTAL,
      breakdown: [],
      by_education_level: [],
      by_region: [],
      by_industry: [],
      by_employer_type: [],
    };
  }
  const groups = [
    group('further_study', '升学', 1),
    group('not_seeking', '暂不就业', 2),
    group('seeking', '待就业', 2),
    group('startup', '自主创业', 1),
    group('unit', '单位就业', 7),
  ];
  return {
    cohort,
    scheme: 2024,
    total: figures('total', '合计', 13, 9, groups),
    breakdown: breakdown || [
      figures('智能制造学院', '智能制造学院', 9, 6, [group('unit', '单位就业', 4), group('seeking', '待就业', 2)]),
      figures('电子信息学院', '电子信息学院', 4, 3, [group('unit', '单位就业', 3), group('not_seeking', '暂不就业', 1)]),
    ],
    by_education_level: [figures('associate', '专科', 13, 9, groups)],
    by_region: [
      { code: '320000', label: '江苏省', count: 6 },
      { code: '310000', label: '上海市', count: 3 },
    ],
    by_industry: [
      { code: '65', label: '65', count: 5 },
      { code: '71', label: '71', count: 4 },
    ],
    by_employer_type: [
      { code: '39', label: '其他企业', count: 7 },
      { code: '31', label: '国有企业', count: 2 },
    ],
  };
}

module.exports = { statistics, figures, group, INDUSTRY_SECTIONS };
