// Task attachments against the real server: a college admin (created for this flow) picks
// a PDF and an image from chats while creating a task (uploaded as multipart with their real
// names before publishing), adds and removes files on the progress page (the API refuses a
// text file); a counselor of the college opens the PDF (downloaded with the session); a
// student opens it through the share link without any login.
const fs = require('fs');
const { input, tap, textOf } = require('../support/mount');
const { coldStart, follow } = require('../support/driver');
const real = require('../support/real');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGOQz3/9HwAEowJ5adwt2AAAAABJRU5ErkJggg==', 'base64');

let collegeAdmin;
let counselorToken;

beforeAll(async () => {
  const ministry = await real.createAdmin({ role: 'ministry_admin', username: 'mp_attach_ministry', name: '附件测试部' });
  const colleges = await real.api('GET', '/api/v1/org/units?kind=college&per_page=100', { token: ministry.token });
  const economics = colleges.items.find((unit) => unit.name === '经济管理学院');
  collegeAdmin = await real.createAdmin({ role: 'college_admin', unitId: economics.id, username: 'mp_attach_em', name: '经管学院就业办' });
  counselorToken = await real.readyToken('13900010012');
});

beforeEach(() => real.useRealServer());

test('attach while creating, manage on the progress page, open as counselor and student', async () => {
  wx.setStorageSync('fudao_token', collegeAdmin.token);
  wx.setStorageSync('fudao_profile', collegeAdmin.me);

  const form = await coldStart('pages/admin/task-new/index');
  await input(form, '#title', '经管学院专场招聘会（附简章）');
  await input(form, '#content', '时间：11月20日 14:00\n\n地点：经管楼报告厅');
  wxControl.offerFile('招聘简章.pdf', PDF);
  await tap(form, '#add-file');
  wxControl.offerFile('海报.png', PNG);
  await tap(form, '#add-file');
  await tap(form, '#publish');
  expect(wxControl.state.modals.pop().content).toContain('附件 2 个。');
  // wx.uploadFile names the file after its temporary path; the real name is in the query.
  const uploads = wxControl.state.uploads.map((u) => [u.statusCode, u.response.filename, u.response.content_type]);
  expect(uploads).toEqual([
    [201, '招聘简章.pdf', 'application/pdf'],
    [201, '海报.png', 'image/png'],
  ]);
  expect(wxControl.lastToast()).toBe('已发布，派发 8 人');
  const taskId = Number(wxControl.lastNavigation().url.split('id=')[1]);

  const progress = await follow();
  let list = progress.querySelector('#attachment-list');
  const [pdf, png] = progress.instance.data.attachments;
  expect(textOf(list.querySelector(`#attachment-${pdf.id}`))).toBe(`PDF招聘简章.pdf${PDF.length} B删除`);
  expect(textOf(list.querySelector(`#attachment-${png.id}`))).toBe(`图片海报.png${PNG.length} B删除`);

  // A text file is refused by the API (the type is read from the content).
  wxControl.offerFile('说明.pdf', '这不是 PDF');
  await tap(progress, '#add-attachment');
  expect(wxControl.state.uploads.pop()).toMatchObject({ statusCode: 422, response: { code: 'invalid_input' } });
  expect(wxControl.lastToast()).toContain('只能上传');
  expect(progress.instance.data.attachments).toHaveLength(2);

  // The image goes, after confirming.
  await tap(list, `#remove-${png.id}`);
  expect(wxControl.state.modals.pop().title).toBe('删除附件');
  expect(progress.instance.data.attachments.map((a) => a.filename)).toEqual(['招聘简章.pdf']);

  // The admin's own copy opens.
  list = progress.querySelector('#attachment-list');
  await tap(list, `#attachment-${pdf.id}`);
  expect(fs.readFileSync(wxControl.state.documents.pop().filePath).equals(PDF)).toBe(true);

  // A counselor of the college.
  wx.setStorageSync('fudao_token', counselorToken);
  wx.removeStorageSync('fudao_profile');
  const detail = await coldStart('pages/task/detail', { id: String(taskId) });
  expect(textOf(detail.querySelector('#attachments'))).toContain('附件（1）');
  await tap(detail.querySelector('#attachment-list'), `#attachment-${pdf.id}`);
  const download = wxControl.state.downloads.pop();
  expect(download).toMatchObject({ statusCode: 200 });
  expect(download.header.authorization).toBe(`Bearer ${counselorToken}`);
  const opened = wxControl.state.documents.pop();
  expect(opened).toMatchObject({ fileType: 'pdf', showMenu: true, failed: false });
  expect(fs.readFileSync(opened.filePath).equals(PDF)).toBe(true);
  const { path } = detail.instance.onShareAppMessage();
  const token = path.split('token=')[1];

  // A student: no session at all, the share link's own download.
  wx.clearStorageSync();
  wxControl.setLoginCode(() => Promise.reject(new Error('a student never logs in')));
  const navigations = wxControl.state.navigations.length;
  const view = await coldStart('pages/share/index', { token });
  expect(textOf(view.querySelector('#attachments'))).toContain('招聘简章.pdf');
  await tap(view.querySelector('#attachment-list'), `#attachment-${pdf.id}`);
  const shared = wxControl.state.downloads.pop();
  expect(shared.url).toContain(`/api/v1/share/${token}/attachments/${pdf.id}`);
  expect(shared.header.authorization).toBeUndefined();
  expect(fs.readFileSync(wxControl.state.documents.pop().filePath).equals(PDF)).toBe(true);
  expect(wxControl.state.logins).toBe(0);
  expect(wxControl.state.navigations).toHaveLength(navigations);
});

test('a counselor the task did not reach cannot list its attachments', async () => {
  const task = await real.publishTask(collegeAdmin.token, { title: '仅经管学院' });
  const outsider = await real.readyToken('13900010020');
  wx.setStorageSync('fudao_token', outsider);
  const detail = await coldStart('pages/task/detail', { id: String(task.id) });
  expect(textOf(detail)).toContain('无法打开该任务');
  expect(wxControl.state.requests.find((r) => r.url.endsWith(`/tasks/${task.id}/attachments`))).toMatchObject({ statusCode: 404 });
});
