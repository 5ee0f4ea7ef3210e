// Bulk account import against the real server, in a university of its own (other flows
// count the demo universities' counselors): the school admin opens the template from the
// accounts page, chooses a CSV from a chat; the check lists the valid rows and, per row, every
// problem with the catalog's suggestions; the import creates the valid rows, which the
// accounts page then finds; the same file again has nothing left to create.
const { input, tap, textOf } = require('../support/mount');
const { coldStart, follow, expectTemplateOpens } = require('../support/driver');
const real = require('../support/real');
const fs = require('fs');

const HEADER = '姓名,手机号,角色,院系,学历层次,负责专业,用户名';

let school;

beforeAll(async () => {
  school = await real.isolatedSchool({ tag: 'accounts', code: '91002', name: '西山示范学院', colleges: ['信息工程学院', '外国语学院'] });
  const informatics = school.colleges[0];
  for (const name of ['软件工程', '计算机科学与技术']) {
    await real.api('POST', `/api/v1/org/units/${informatics.id}/majors`, { token: school.token, body: { education_level: 'bachelor', name } });
  }
});

beforeEach(() => real.useRealServer());

test('check, import the valid rows, find them, nothing left the second time', async () => {
  wx.setStorageSync('fudao_token', school.token);
  wx.setStorageSync('fudao_profile', school.me);

  const list = await coldStart('pages/admin/accounts/index');
  await tap(list, '#import');
  const page = await follow();
  await expectTemplateOpens(page);

  const csv = [
    HEADER,
    '林一凡,13800138001,辅导员,信息工程学院,本科,软件工程,',
    '苏晓,13800138002,院系管理员,外国语学院,,,xs_fl_admin',
    '周末,13800138003,辅导员,信息工程学院,本科,计算机科学,',
    '吴桐,1380013,辅导员,信息学院,本科,软件工程,',
  ].join('\r\n');
  wxControl.offerFile('西山辅导员.csv', csv);
  await tap(page, '#choose');
  const dry = wxControl.state.uploads.pop();
  expect(dry.url).toContain('dry_run=true');
  expect(dry.response).toMatchObject({ rows: 4, committed: false, created: 0 });
  expect(textOf(page.querySelector('#check-valid'))).toBe('2');
  expect(textOf(page.querySelector('#check-errors'))).toBe('2');
  expect(textOf(page.querySelector('#valid-2'))).toContain('林一凡');
  expect(textOf(page.querySelector('#valid-3'))).toContain('院级用户 · 外国语学院');
  expect(textOf(page.querySelector('#valid-3'))).toContain('xs_fl_admin');
  expect(textOf(page.querySelector('#error-4'))).toContain('可能是：计算机科学与技术');
  const wrongRow = textOf(page.querySelector('#error-5'));
  expect(wrongRow).toContain('手机号');
  expect(wrongRow).toMatch(/[\u4e00-\u9fa5]/);

  await tap(page, '#confirm');
  // The test server has no SMS provider: the passwords come as a one-time workbook.
  expect(wxControl.state.modals.pop().content).toBe(
    '将创建 2 个账号，导入后请在 10 分钟内下载初始密码表（只能下载一次）并转交本人。有错误的 2 行不会导入，可修改后再导入。',
  );
  const commit = wxControl.state.uploads.pop();
  expect(commit.url).toContain('dry_run=false');
  expect(commit.response).toMatchObject({ committed: true, created: 2 });
  expect(textOf(page.querySelector('#result-created'))).toBe('已创建 2 个账号');
  expect(textOf(page.querySelector('#result-remaining'))).toContain('另有 2 行未导入');
  expect(wxControl.lastToast()).toBe('已创建 2 个账号');
  expect(textOf(page.querySelector('#credentials-notice'))).toContain('2 个账号的初始密码在这份表格里，只能下载一次');
  await tap(page, '#download-credentials');
  const sheet = wxControl.state.documents.pop();
  expect(sheet).toMatchObject({ fileType: 'xlsx', showMenu: true, failed: false });
  expect(fs.readFileSync(sheet.filePath).subarray(0, 2).toString()).toBe('PK');
  expect(page.instance.data.downloaded).toBe(true);
  expect(textOf(page.querySelector('#download-credentials'))).toContain('已下载');
  expect(textOf(page.querySelector('#credentials-after'))).toContain('不能再次下载');
  // Once: the same link again is refused by the server.
  const url = commit.response.credentials_download.url;
  await expect(real.api('GET', url, { token: school.token })).rejects.toThrow(/409 .*credentials_gone/);

  await tap(page, '#back');
  expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  const accounts = await follow();
  await input(accounts, '#q', '林一凡');
  await accounts.instance.onSearch();
  expect(accounts.instance.data.items).toHaveLength(1);
  expect(accounts.instance.data.items[0]).toMatchObject({ name: '林一凡', roleLabel: '辅导员', unitName: '信息工程学院', mustChange: true });

  // The same file again: the created rows are taken now.
  const again = await coldStart('pages/admin/account-import/index');
  wxControl.offerFile('西山辅导员.csv', csv);
  await tap(again, '#choose');
  expect(textOf(again.querySelector('#check-valid'))).toBe('0');
  expect(textOf(again.querySelector('#nothing-valid'))).toContain('没有可以导入的行');
  expect(again.querySelector('#confirm')).toBeFalsy();
});
