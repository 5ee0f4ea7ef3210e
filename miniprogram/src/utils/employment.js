// What the employment statistics pages show, from the statistics of GET
// /api/v1/my/employment-stats and GET /api/v1/employment/stats: the summary, the series of
// the charts and the rows of the tables.
const format = require('./format');

// 毕业去向 groups, placed ones first, in the order of the report.
const GROUP_ORDER = ['contract', 'unit', 'flexible', 'freelance', 'startup', 'further_study', 'seeking', 'not_seeking', 'other'];

// What an admin's figures are broken down by, per kind of unit, and the kind one level down
// when a row can be opened (its key is that unit's id). The API says it too (breakdown_kind);
// this is what a page shows before the answer, or from a server that does not say.
const LEVELS = {
  ministry: { title: '按省份', next: 'province', breakdown: 'province' },
  province: { title: '按高校', next: 'university', breakdown: 'university' },
  university: { title: '按院系', next: '', breakdown: 'college' },
  college: { title: '按专业', next: '', breakdown: 'major' },
};

// The title of the breakdown by the API's breakdown_kind (major: 按专业, college: 按院系,
// university: 按高校, province: 按省份), the levels' titles.
const BREAKDOWN_TITLES = {};
Object.keys(LEVELS).forEach((kind) => {
  BREAKDOWN_TITLES[LEVELS[kind].breakdown] = LEVELS[kind].title;
});

// Breakdowns whose rows are units (key = unit id) that can be opened.
const DRILLABLE = ['province', 'university'];

// The picker's cohorts: the latest and the four before it, newest first.
function cohortOptions(latest, count = 5) {
  const year = Number(latest);
  if (!Number.isInteger(year) || year <= 0) return [];
  const options = [];
  for (let i = 0; i < count; i += 1) options.push({ value: year - i, label: `${year - i}届` });
  return options;
}

// The picker's cohorts for one answer: the cohorts with data in the scope (the API's
// `cohorts`, newest first), plus the one shown when it has none. An answer without `cohorts`
// (an older server) gets the latest cohort and the four before it.
function cohortChoices(stats, latest) {
  const s = stats || {};
  const options = Array.isArray(s.cohorts)
    ? s.cohorts.map((year) => ({ value: year, label: `${year}届` }))
    : cohortOptions(latest || s.cohort);
  if (s.cohort && !options.some((o) => o.value === s.cohort)) {
    options.push({ value: s.cohort, label: `${s.cohort}届` });
    options.sort((a, b) => b.value - a.value);
  }
  return options;
}

function figures(f) {
  const graduates = Number(f && f.graduates) || 0;
  const placed = Number(f && f.placed) || 0;
  const rate = Number(f && f.rate_percent) || 0;
  return {
    key: f && f.key !== undefined && f.key !== null ? String(f.key) : '',
    label: (f && f.label) || '未填写',
    graduates,
    placed,
    rate,
    rateText: format.percentText(rate),
    caption: `${placed}/${graduates} · ${format.percentText(rate)}`,
  };
}

function groupSeries(groups) {
  const rank = (key) => {
    const at = GROUP_ORDER.indexOf(key);
    return at < 0 ? GROUP_ORDER.length : at;
  };
  return (groups || [])
    .slice()
    .sort((a, b) => rank(a.key) - rank(b.key))
    .map((g) => ({ label: g.label, value: Number(g.count) || 0 }));
}

function codeSeries(list, fallback) {
  return (list || []).map((c) => ({ label: fallback(c), value: Number(c.count) || 0 }));
}

// The whole report of one response. hasData: there are graduates to show.
function report(stats) {
  const s = stats || {};
  const total = figures(s.total || {});
  const breakdown = (s.breakdown || []).map(figures);
  return {
    cohort: s.cohort === undefined ? null : s.cohort,
    // Whose figures (the API's unit {id, kind, name}) and what the breakdown lists.
    unit: s.unit || null,
    breakdownKind: s.breakdown_kind || '',
    breakdownTitle: BREAKDOWN_TITLES[s.breakdown_kind] || '',
    hasData: s.cohort !== null && s.cohort !== undefined && total.graduates > 0,
    graduates: total.graduates,
    placed: total.placed,
    unplaced: Math.max(0, total.graduates - total.placed),
    rate: total.rate,
    rateText: total.rateText,
    schemeText: s.scheme ? `毕业去向分类按 ${s.scheme} 版代码口径` : '',
    groups: groupSeries(s.total && s.total.groups),
    breakdown,
    breakdownBars: breakdown.map((row) => ({ label: row.label, value: row.rate })),
    levels: (s.by_education_level || []).map(figures),
    regions: codeSeries(s.by_region, (c) => c.label || c.code),
    employerTypes: codeSeries(s.by_employer_type, (c) => c.label || c.code),
    // GB/T 4754 sections ({code: 'C', label: '制造业'}); a code the API could not name is
    // shown as a code.
    industries: codeSeries(s.by_industry, (c) => (c.label && c.label !== c.code ? c.label : `行业代码 ${c.code}`)),
  };
}

module.exports = {
  GROUP_ORDER,
  LEVELS,
  BREAKDOWN_TITLES,
  DRILLABLE,
  cohortOptions,
  cohortChoices,
  figures,
  report,
};
