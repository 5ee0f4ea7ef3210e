// Employment statistics against the real server: a school admin imports an employment data
// report (CSV) through the API, with the colleges and majors of the demo university; a
// counselor sees exactly their own majors' graduates and rate; the school admin sees the
// figures by college; the province admin opens the university from the province's figures.
const { tap, textOf } = require('../support/mount');
const { coldStart } = require('../support/driver');
const real = require('../support/real');

const HEADER = '学号,姓名,院系,专业,学历层次,届别,毕业去向代码,单位性质代码,单位行业代码,就业地区代码';
const COHORT = 2026;

let school;
let counselor;
let colleges;
let ownCollege;
let otherCollege;

// One graduate per destination code: placed ones work in Nanjing or Shanghai.
function rows(college, major, codes, prefix) {
  return codes.map((code, i) => {
    const placed = !['70', '71', '72'].includes(code);
    const employed = placed && !['80', '81', '82', '85'].includes(code);
    return [
      `${prefix}${String(i + 1).padStart(3, '0')}`,
      `学生${prefix}${i + 1}`,
      college,
      major,
      '专科',
      COHORT,
      code,
      employed ? (i % 2 ? '31' : '39') : '',
      employed ? '65' : '',
      placed ? (i % 3 ? '320100' : '310000') : '',
    ].join(',');
  });
}

beforeAll(async () => {
  school = { token: await real.readyToken('jlzy_admin') };
  school.me = await real.api('GET', '/api/v1/me', { token: school.token });
  colleges = (await real.api('GET', `/api/v1/org/units?parent_id=${school.me.org_unit.id}&per_page=100`, { token: school.token })).items;

  // A counselor with two of the three majors of their college.
  counselor = { token: await real.readyToken('13900010026') };
  counselor.me = await real.api('GET', '/api/v1/me', { token: counselor.token });
  ownCollege = colleges.find((c) => c.id === counselor.me.org_unit.id);
  otherCollege = colleges.find((c) => c.id !== ownCollege.id);
  const catalog = await real.api('GET', `/api/v1/org/units/${ownCollege.id}/majors`, { token: school.token });
  const mine = counselor.me.majors.map((m) => m.name);
  const notMine = catalog.map((m) => m.name).find((name) => !mine.includes(name));
  const otherMajor = (await real.api('GET', `/api/v1/org/units/${otherCollege.id}/majors`, { token: school.token }))[0].name;
  expect(mine).toHaveLength(2);
  expect(notMine).toBeTruthy();

  const csv = [
    HEADER,
    // The counselor's: 7 graduates, 5 placed (71.4%).
    ...rows(ownCollege.name, mine[0], ['10', '80', '70', '75'], 'A'),
    ...rows(ownCollege.name, mine[1], ['11', '12', '71'], 'B'),
    // Same college, not theirs: 1 of 2 placed.
    ...rows(ownCollege.name, notMine, ['10', '70'], 'C'),
    // Another college: 3 of 4 placed.
    ...rows(otherCollege.name, otherMajor, ['10', '11', '46', '72'], 'D'),
  ].join('\r\n');

  const dry = await real.importEmployment(school.token, csv, { dryRun: true });
  expect(dry).toMatchObject({ rows: 13, errors: [], committed: false });
  const report = await real.importEmployment(school.token, csv, { filename: `${COHORT}届就业数据.csv` });
  expect(report).toMatchObject({ rows: 13, errors: [], inserted: 13, updated: 0, unchanged: 0, committed: true });
});

beforeEach(() => real.useRealServer());

test("a counselor sees their own majors' graduates and rate", async () => {
  wx.setStorageSync('fudao_token', counselor.token);
  const page = await coldStart('pages/stats/index');
  const report = page.querySelector('#report');
  expect(textOf(report.querySelector('#graduates'))).toBe('7');
  expect(textOf(report.querySelector('#placed'))).toBe('5');
  expect(textOf(report.querySelector('#rate'))).toBe('71.4%');
  expect(textOf(page.querySelector('#cohort'))).toBe(`${COHORT}届 ▾`);
  const majors = page.instance.data.report.breakdown.map((row) => [row.label, row.graduates, row.placed]);
  expect(majors).toEqual(expect.arrayContaining([
    [counselor.me.majors[0].name, 4, 3],
    [counselor.me.majors[1].name, 3, 2],
  ]));
  expect(majors).toHaveLength(2);
  expect(textOf(report.querySelector('#groups'))).toContain('待就业1人');
  expect(textOf(report.querySelector('#regions'))).toContain('江苏省');
  expect(textOf(page.querySelector('#scope'))).toContain(ownCollege.name);
});

test('the school admin sees the figures by college; the province opens the university', async () => {
  wx.setStorageSync('fudao_token', school.token);
  const page = await coldStart('pages/admin/stats/index');
  const report = page.querySelector('#report');
  expect(textOf(report.querySelector('#graduates'))).toBe('13');
  expect(textOf(report.querySelector('#rate'))).toBe('69.2%');
  expect(textOf(report.querySelector('#breakdown'))).toContain('按院系去向落实率');
  const rows = page.instance.data.report.breakdown.map((row) => [row.label, row.graduates, row.placed, row.rateText]);
  expect(rows).toEqual(expect.arrayContaining([
    [ownCollege.name, 9, 6, '66.7%'],
    [otherCollege.name, 4, 3, '75%'],
  ]));
  expect(rows).toHaveLength(2);
  expect(textOf(report.querySelector('#employer-types'))).toMatch(/国有企业|其他企业/);

  // A counselor's token on the admin page: their own page instead.
  wx.setStorageSync('fudao_token', counselor.token);
  wx.removeStorageSync('fudao_profile');
  await coldStart('pages/admin/stats/index');
  expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/stats/index' });

  const province = await real.readyToken('js_admin');
  wx.setStorageSync('fudao_token', province);
  wx.removeStorageSync('fudao_profile');
  const top = await coldStart('pages/admin/stats/index');
  const universities = top.instance.data.report.breakdown;
  const index = universities.findIndex((row) => row.label === school.me.org_unit.name);
  expect(universities[index]).toMatchObject({ key: String(school.me.org_unit.id), graduates: 13, placed: 9 });
  await tap(top.querySelector('#report'), `#row-${index}`);
  expect(textOf(top.querySelector('#trail'))).toBe(`江苏省 › ${school.me.org_unit.name}`);
  expect(top.instance.data.report.breakdown.map((row) => row.label).sort()).toEqual([ownCollege.name, otherCollege.name].sort());
  await tap(top, '#up');
  expect(textOf(top.querySelector('#trail'))).toBe('江苏省');
});
