// 就业数据上报 of a school admin: the page with the latest runs, a check with row errors, a
// clean check ready to import, an import under way and one finished.
const { mountPage, tap } = require('../test/support/mount');
const { useApi, loggedIn, ok, admin } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/employment-import/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });
const FILE = '江南示范大学2027届毕业生就业数据.xlsx';

function report(extra) {
  return Object.assign({ rows: 4000, errors: [], inserted: 3820, updated: 150, unchanged: 30, new_colleges: [], majors_added: 0, committed: false }, extra);
}

function run(id, extra) {
  return Object.assign(
    { id, filename: FILE, status: 'running', dry_run: false, processed: 0, total: 0, created_at: '2026-11-28T02:00:00Z', finished_at: null, report: null },
    extra,
  );
}

const HISTORY = [
  run(3, { status: 'done', report: report({ committed: true }), created_at: '2026-11-28T02:00:00Z', finished_at: '2026-11-28T02:01:10Z' }),
  run(2, { dry_run: true, status: 'done', filename: '2027届就业数据（第一版）.csv', report: report({ errors: [{ row: 3, column: '学历层次', reason: '学历层次“大专生”无效' }] }), created_at: '2026-11-27T08:00:00Z' }),
  run(1, { status: 'failed', filename: '就业数据.csv', report: report({ rows: 0, errors: [{ row: 0, column: '文件', reason: '文件编码无法识别' }] }), created_at: '2026-11-26T08:00:00Z' }),
];

test('the latest runs', async () => {
  loggedIn(SCHOOL);
  useApi({ 'GET /api/v1/employment/imports': ok(HISTORY) });
  save('employment-import-history', await mountPage(ROUTE), ROUTE);
});

test('a check with errors', async () => {
  loggedIn(SCHOOL);
  const errors = [
    { row: 2, column: '学历层次', reason: '学历层次“大专生”无效，应为专科、本科、硕士研究生或博士研究生' },
    { row: 17, column: '毕业去向代码', reason: '毕业去向代码“99”不在 2027 届的代码表中' },
    { row: 18, column: '毕业去向代码', reason: '毕业去向代码“99”不在 2027 届的代码表中' },
    { row: 254, column: '就业地区代码', reason: '就业地区代码“3205”须为 6 位行政区划代码' },
    { row: 1033, column: '学号', reason: '学号“2023010456”与第 1032 行重复' },
  ];
  useApi({
    'GET /api/v1/employment/imports': ok([]),
    'POST /api/v1/employment/imports': ok(report({ errors, inserted: 0, updated: 0, unchanged: 0, new_colleges: ['新能源学院'] })),
  });
  const p = await mountPage(ROUTE);
  wxControl.offerFile(FILE, Buffer.alloc(286 * 1024));
  await tap(p, '#choose');
  save('employment-import-errors', p, ROUTE);
});

test('a clean check', async () => {
  loggedIn(SCHOOL);
  useApi({
    'GET /api/v1/employment/imports': ok([]),
    'POST /api/v1/employment/imports': ok(report({ new_colleges: ['新能源学院', '集成电路学院'] })),
  });
  const p = await mountPage(ROUTE);
  wxControl.offerFile(FILE, Buffer.alloc(286 * 1024));
  await tap(p, '#choose');
  save('employment-import-check-ok', p, ROUTE);
});

test('an import under way, then done', async () => {
  loggedIn(SCHOOL);
  let latest = run(4, { processed: 1600, total: 4000, created_at: '2026-12-02T02:00:00Z' });
  useApi({
    'GET /api/v1/employment/imports': () => ok([latest].concat(HISTORY)),
    'GET /api/v1/employment/imports/4': () => ok(latest),
  });
  const p = await mountPage(ROUTE);
  p.instance.onUnload();
  save('employment-import-running', p, ROUTE);
  latest = run(4, { status: 'done', processed: 4000, total: 4000, created_at: '2026-12-02T02:00:00Z', finished_at: '2026-12-02T02:01:00Z', report: report({ committed: true, new_colleges: ['新能源学院'], majors_added: 3 }) });
  p.instance.follow(latest);
  await wxControl.settle();
  save('employment-import-done', p, ROUTE);
});
