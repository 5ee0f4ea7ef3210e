// 批量导入账号 of a school admin: the page before a file is chosen, a check with valid rows and
// rows with errors (suggestions), and the result of importing the valid ones.
const { mountPage, tap } = require('../test/support/mount');
const { useApi, loggedIn, ok, admin } = require('../test/support/stub');
const { save } = require('./html');

const ROUTE = 'pages/admin/account-import/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function account(row, name, extra) {
  return Object.assign({ row, name, username: `1390002${String(row).padStart(4, '0')}`, role: 'counselor', college: '计算机科学与技术学院', phone_masked: `139****${String(row).padStart(4, '0')}` }, extra);
}

const VALID = [
  account(2, '钱多多'),
  account(3, '孙小美', { role: 'college_admin', college: '经济管理学院', username: 'jg_admin' }),
  account(6, '阿卜杜热合曼·买买提', { college: '外国语学院' }),
];
const ERRORS = [
  { row: 4, column: '负责专业', reason: '专业“计算机科学”不在计算机科学与技术学院（本科）的专业目录中', suggestions: ['计算机科学与技术', '数据科学与大数据技术'] },
  { row: 5, column: '手机号', reason: '手机号“1391111”无效，请填写 11 位中国大陆手机号', suggestions: [] },
  { row: 5, column: '院系', reason: '院系“计算机学院”不在本校的院系目录中', suggestions: ['计算机科学与技术学院'] },
];

function report(dryRun) {
  return { rows: 5, committed: !dryRun, created: dryRun ? 0 : VALID.length, errors: ERRORS, accounts: VALID };
}

test('before a file is chosen', async () => {
  loggedIn(SCHOOL);
  useApi({});
  save('account-import-start', await mountPage(ROUTE), ROUTE);
});

test('a check with valid rows and errors, then the import', async () => {
  loggedIn(SCHOOL);
  useApi({ 'POST /api/v1/accounts/imports': (req) => ok(report(req.query.dry_run === 'true')) });
  const p = await mountPage(ROUTE);
  wxControl.offerFile('2027届辅导员名单.xlsx', Buffer.alloc(12 * 1024));
  await tap(p, '#choose');
  save('account-import-check', p, ROUTE);
  wxControl.answerModal(true);
  await tap(p, '#confirm');
  save('account-import-result', p, ROUTE);
});
