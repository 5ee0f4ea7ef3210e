// The employment data import against the real server, in a university of its own (other
// flows count the demo universities' graduates): the school admin opens the template,
// chooses a CSV from a chat (uploaded as multipart), the check lists its row errors; a fixed
// file is checked again (one new college to create), imported in the background with its
// progress polled, and the statistics page shows the figures, titled by college, with the
// cohorts that have data.
const { tap, textOf, change, waitFor } = require('../support/mount');
const { coldStart, follow, expectTemplateOpens } = require('../support/driver');
const real = require('../support/real');

const HEADER = '学号,姓名,院系,专业,学历层次,届别,毕业去向代码,单位性质代码,单位行业代码,就业地区代码';

let school;

function rows(college, major, cohort, codes, prefix) {
  return codes.map((code, i) =>
    [`${prefix}${i + 1}`, `学生${prefix}${i + 1}`, college, major, '本科', cohort, code, code === '70' ? '' : '39', code === '70' ? '' : 'C', code === '70' ? '' : '320100'].join(','),
  );
}

beforeAll(async () => {
  school = await real.isolatedSchool({ tag: 'import', code: '91001', name: '东方示范学院', colleges: ['机电工程学院'] });
});

beforeEach(() => real.useRealServer());

test('check, fix, import in the background, see the statistics', async () => {
  wx.setStorageSync('fudao_token', school.token);
  wx.setStorageSync('fudao_profile', school.me);

  const home = await coldStart('pages/admin/home/index');
  await tap(home, '#open-import');
  const page = await follow();
  expect(page.querySelector('#history')).toBeFalsy();

  await expectTemplateOpens(page);

  // A file with a mistake: the check lists it and offers no import.
  const broken = [HEADER, ...rows('机电工程学院', '机械设计制造及其自动化', 2026, ['10', '99'], 'A')].join('\r\n');
  wxControl.offerFile('东方2026.csv', broken);
  await tap(page, '#choose');
  expect(textOf(page.querySelector('#check-errors'))).toBe('1');
  expect(textOf(page.querySelector('#errors'))).toContain('第 3 行 · 毕业去向代码');
  expect(page.querySelector('#confirm')).toBeFalsy();

  // Fixed, with a second college the university does not have yet.
  const csv = [
    HEADER,
    ...rows('机电工程学院', '机械设计制造及其自动化', 2026, ['10', '10', '70', '11'], 'A'),
    ...rows('新能源学院', '光伏工程技术', 2026, ['10', '70'], 'B'),
    ...rows('机电工程学院', '机械设计制造及其自动化', 2025, ['10', '10'], 'C'),
  ].join('\r\n');
  wxControl.offerFile('东方2026（修正）.csv', csv);
  await tap(page, '#choose');
  const dry = wxControl.state.uploads.pop();
  expect(dry.url).toContain('dry_run=true');
  expect(dry.response).toMatchObject({ rows: 8, errors: [], inserted: 8, new_colleges: ['新能源学院'], committed: false });
  expect(textOf(page.querySelector('#check-inserted'))).toBe('8');
  expect(textOf(page.querySelector('#new-colleges'))).toContain('新能源学院');

  await tap(page, '#confirm');
  expect(wxControl.state.modals.pop().content).toContain('并新建院系：新能源学院');
  const started = wxControl.state.uploads.pop();
  expect(started).toMatchObject({ statusCode: 202, response: { status: 'running', dry_run: false, filename: '东方2026（修正）.csv' } });
  await waitFor(() => page.instance.data.result !== null);
  expect(textOf(page.querySelector('#result-title'))).toBe('导入完成');
  expect(textOf(page.querySelector('#result-text'))).toContain('新增 8 人，更新 0 人，无变化 0 人，新建院系 1 个');
  expect(page.instance.data.run.percent).toBe(100);
  expect(textOf(page.querySelector(`#history-${started.response.id}`))).toContain('已导入 8 行');

  await tap(page, '#open-stats');
  const stats = await follow();
  const report = stats.querySelector('#report');
  expect(textOf(report.querySelector('#graduates'))).toBe('6');
  expect(textOf(report.querySelector('#breakdown'))).toContain('按院系去向落实率');
  expect(stats.instance.data.report.breakdown.map((row) => [row.label, row.graduates, row.placed]).sort()).toEqual([
    ['新能源学院', 2, 1],
    ['机电工程学院', 4, 3],
  ]);
  expect(textOf(report.querySelector('#industries'))).toContain('制造业4人');
  expect(stats.instance.data.cohortOptions.map((o) => o.value)).toEqual([2026, 2025]);
  await change(stats, '#cohort', '1');
  expect(textOf(stats.querySelector('#report').querySelector('#graduates'))).toBe('2');
  expect(textOf(stats.querySelector('#trail'))).toBe('东方示范学院');
});

test('importing the same file again changes nothing', async () => {
  const csv = [HEADER, ...rows('机电工程学院', '机械设计制造及其自动化', 2024, ['10', '11'], 'D')].join('\r\n');
  await real.importEmployment(school.token, csv, { filename: 'once.csv' });
  wx.setStorageSync('fudao_token', school.token);
  wx.setStorageSync('fudao_profile', school.me);
  const page = await coldStart('pages/admin/employment-import/index');
  wxControl.offerFile('again.csv', csv);
  await tap(page, '#choose');
  expect(textOf(page.querySelector('#check-unchanged'))).toBe('2');
  expect(textOf(page.querySelector('#check-inserted'))).toBe('0');
});
