const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, page, admin } = require('../support/stub');

const ROUTE = 'pages/admin/account-import/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function account(row, name, extra) {
  return Object.assign({ row, name, username: `1390002${String(row).padStart(4, '0')}`, role: 'counselor', college: '计算机科学与技术学院', phone_masked: '139****0001' }, extra);
}

const MAJOR_ERROR = { row: 4, column: '负责专业', reason: '专业“计算机科学”不在计算机科学与技术学院（本科）的专业目录中', suggestions: ['计算机科学与技术', '数据科学与大数据技术'] };
const PHONE_ERROR = { row: 5, column: '手机号', reason: '手机号“1391111”无效，请填写 11 位中国大陆手机号', suggestions: [] };
// A second problem of the same row.
const COLLEGE_ERROR = { row: 5, column: '院系', reason: '院系“计算机学院”不在本校的院系目录中', suggestions: ['计算机科学与技术学院'] };

function report({ dryRun, accounts, errors }) {
  const errorRows = new Set(errors.map((e) => e.row)).size;
  return { rows: accounts.length + errorRows, committed: !dryRun, created: dryRun ? 0 : accounts.length, errors, accounts };
}

function chooseFile() {
  return wxControl.offerFile('辅导员名单.xlsx', 'xlsx bytes');
}

describe('bulk account import page', () => {
  beforeEach(() => loggedIn(SCHOOL));

  test('the accounts page links here', async () => {
    useApi({ 'GET /api/v1/accounts': ok(page([])) });
    const p = await mountPage('pages/admin/accounts/index');
    await tap(p, '#import');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/account-import/index' });

    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const college = await mountPage('pages/admin/accounts/index');
    expect(college.querySelector('#import')).toBeTruthy();

    // Provinces and the ministry create admins one by one.
    loggedIn(admin('province_admin', { id: 2, kind: 'province', name: '江苏省' }));
    const province = await mountPage('pages/admin/accounts/index');
    expect(province.querySelector('#create')).toBeTruthy();
    expect(province.querySelector('#import')).toBeFalsy();
  });

  test('opens the template', async () => {
    const api = useApi({ 'GET /api/v1/accounts/import-template': { status: 200, body: Buffer.from('PK template') } });
    const p = await mountPage(ROUTE);
    await tap(p, '#template');
    expect(api.calls('GET /api/v1/accounts/import-template')[0].header.authorization).toBe('Bearer token-1');
    expect(wxControl.state.documents[0]).toMatchObject({ fileType: 'xlsx', showMenu: true });
  });

  test('check: valid rows listed, errors with suggestions; confirm creates the valid ones', async () => {
    const valid = [account(2, '钱多多'), account(3, '孙小美', { role: 'college_admin', college: '经济管理学院' })];
    const api = useApi({
      'POST /api/v1/accounts/imports': (req) => ok(report({ dryRun: req.query.dry_run === 'true', accounts: valid, errors: [MAJOR_ERROR, PHONE_ERROR, COLLEGE_ERROR] })),
    });
    const p = await mountPage(ROUTE);
    const path = chooseFile();
    await tap(p, '#choose');
    expect(wxControl.state.chosen[0]).toMatchObject({ count: 1, type: 'file', extension: ['xlsx', 'csv'] });
    const [dry] = api.calls('POST /api/v1/accounts/imports');
    expect(dry.query).toEqual({ dry_run: 'true', filename: '辅导员名单.xlsx' });
    expect(dry.upload).toMatchObject({ filePath: path, name: 'file' });
    expect(dry.header.authorization).toBe('Bearer token-1');

    expect(textOf(p.querySelector('#check-rows'))).toBe('4');
    expect(textOf(p.querySelector('#check-valid'))).toBe('2');
    expect(textOf(p.querySelector('#check-errors'))).toBe('2');
    expect(textOf(p.querySelector('#error-4'))).toBe(
      '第 4 行负责专业：专业“计算机科学”不在计算机科学与技术学院（本科）的专业目录中可能是：计算机科学与技术、数据科学与大数据技术',
    );
    // Every problem of a row, under it.
    expect(textOf(p.querySelector('#error-5'))).toBe(
      '第 5 行手机号：手机号“1391111”无效，请填写 11 位中国大陆手机号院系：院系“计算机学院”不在本校的院系目录中可能是：计算机科学与技术学院',
    );
    expect(textOf(p.querySelector('#valid-2'))).toContain('钱多多');
    expect(textOf(p.querySelector('#valid-2'))).toContain('第 2 行 · 辅导员 · 计算机科学与技术学院');
    expect(textOf(p.querySelector('#valid-3'))).toContain('院级用户 · 经济管理学院');
    expect(textOf(p.querySelector('#valid-3'))).toContain('13900020003');
    expect(textOf(p.querySelector('#confirm'))).toBe('导入 2 个账号');

    wxControl.answerModal(false);
    await tap(p, '#confirm');
    expect(wxControl.state.modals[0].content).toBe('将创建 2 个账号，初始密码将短信发送给本人。有错误的 2 行不会导入，可修改后再导入。');
    expect(api.calls('POST /api/v1/accounts/imports')).toHaveLength(1);

    await tap(p, '#confirm');
    expect(api.calls('POST /api/v1/accounts/imports')[1].query).toEqual({ dry_run: 'false', filename: '辅导员名单.xlsx' });
    expect(textOf(p.querySelector('#result-created'))).toBe('已创建 2 个账号');
    expect(textOf(p.querySelector('#result-remaining'))).toContain('另有 2 行未导入');
    expect(textOf(p.querySelector('#remaining-4'))).toContain('可能是：计算机科学与技术');
    expect(textOf(p.querySelector('#remaining-5'))).toContain('院系：院系“计算机学院”不在本校的院系目录中');
    expect(textOf(p.querySelector('#created-3'))).toContain('孙小美');
    expect(p.querySelector('#check')).toBeFalsy();
    expect(p.querySelector('#confirm')).toBeFalsy();
    expect(wxControl.lastToast()).toBe('已创建 2 个账号');

    await tap(p, '#back');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/accounts/index' });
  });

  test('nothing valid: no import button', async () => {
    useApi({ 'POST /api/v1/accounts/imports': ok(report({ dryRun: true, accounts: [], errors: [PHONE_ERROR] })) });
    const p = await mountPage(ROUTE);
    chooseFile();
    await tap(p, '#choose');
    expect(textOf(p.querySelector('#nothing-valid'))).toContain('没有可以导入的行');
    expect(p.querySelector('#confirm')).toBeFalsy();
    expect(p.querySelector('#valid')).toBeFalsy();
  });

  test('a clean file: no error card; after importing, back to the list', async () => {
    const valid = [account(2, '钱多多')];
    useApi({ 'POST /api/v1/accounts/imports': (req) => ok(report({ dryRun: req.query.dry_run === 'true', accounts: valid, errors: [] })) });
    wxControl.openPage('pages/admin/accounts/index');
    wxControl.state.stack.push({ route: ROUTE, options: {} });
    const p = await mountPage(ROUTE);
    chooseFile();
    await tap(p, '#choose');
    expect(p.querySelector('#errors')).toBeFalsy();
    await tap(p, '#confirm');
    expect(wxControl.state.modals[0].content).toBe('将创建 1 个账号，初始密码将短信发送给本人。');
    expect(p.querySelector('#result-remaining')).toBeFalsy();
    await tap(p, '#back');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  });

  test('a cancelled choice does nothing; a refused file shows the API message and can be checked again', async () => {
    let refused = true;
    const api = useApi({
      'POST /api/v1/accounts/imports': () =>
        refused ? fail(422, 'invalid_input', '无法读取文件，请使用导入模板', 'file') : ok(report({ dryRun: true, accounts: [account(2, '钱多多')], errors: [] })),
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#choose');
    expect(api.calls('POST /api/v1/accounts/imports')).toHaveLength(0);

    chooseFile();
    await tap(p, '#choose');
    expect(wxControl.lastToast()).toBe('无法读取文件，请使用导入模板');
    expect(p.querySelector('#check')).toBeFalsy();
    refused = false;
    await tap(p, '#recheck');
    expect(textOf(p.querySelector('#check-valid'))).toBe('1');
  });

  test('a failed commit keeps the check to try again', async () => {
    let commits = 0;
    useApi({
      'POST /api/v1/accounts/imports': (req) => {
        if (req.query.dry_run === 'true') return ok(report({ dryRun: true, accounts: [account(2, '钱多多')], errors: [] }));
        commits += 1;
        return fail(503, 'database_unavailable', '服务暂时不可用，请稍后再试');
      },
    });
    const p = await mountPage(ROUTE);
    chooseFile();
    await tap(p, '#choose');
    await tap(p, '#confirm');
    expect(commits).toBe(1);
    expect(wxControl.lastToast()).toBe('服务暂时不可用，请稍后再试');
    expect(p.querySelector('#result')).toBeFalsy();
    expect(p.querySelector('#confirm')).toBeTruthy();
    expect(p.instance.data.importing).toBe(false);
  });
});
