// Forwarding against the real server: a confidential task has no forward button; a public
// one forwards to the students' view, which opens without any login and refuses a forged
// token with a clear message.
const { textOf, propsOf } = require('../support/mount');
const { coldStart } = require('../support/driver');
const real = require('../support/real');

let publicTask;
let secretTask;
let counselorToken;

beforeAll(async () => {
  const admin = await real.readyToken('jnsf_em');
  publicTask = await real.publishTask(admin, { kind: 'policy', title: '2027届毕业生就业补贴政策', content: '符合条件的毕业生可申请补贴。\n\n申请时间：即日起至12月31日。' });
  secretTask = await real.publishTask(admin, { kind: 'other', title: '内部工作安排（保密）', confidential: true });
  counselorToken = await real.readyToken('13900010010');
});

beforeEach(() => real.useRealServer());

test('a confidential task has no forward button', async () => {
  wx.setStorageSync('fudao_token', counselorToken);
  const detail = await coldStart('pages/task/detail', { id: String(secretTask.id) });
  expect(textOf(detail.querySelector('#title'))).toBe('内部工作安排（保密）');
  expect(detail.querySelector('#share')).toBeFalsy();
  expect(textOf(detail.querySelector('#share-note'))).toContain('不能转发');
  expect(wxControl.state.shareMenu).toBe('hidden');
  expect(detail.instance.onShareAppMessage().path).toBe('/pages/index/index');
});

test('the share view opens without login and refuses a forged token', async () => {
  wx.setStorageSync('fudao_token', counselorToken);
  const detail = await coldStart('pages/task/detail', { id: String(publicTask.id) });
  expect(propsOf(detail.querySelector('#share')).openType).toBe('share');
  const { path } = detail.instance.onShareAppMessage();
  const token = path.split('token=')[1];

  // A student's phone: nothing stored, and wx.login would not help.
  wx.clearStorageSync();
  wxControl.setLoginCode(() => Promise.reject(new Error('a student never logs in')));
  const requestsBefore = wxControl.state.requests.length;
  const view = await coldStart('pages/share/index', { token });
  expect(textOf(view.querySelector('#title'))).toBe('2027届毕业生就业补贴政策');
  expect(view.querySelectorAll('.paragraph')).toHaveLength(2);
  expect(textOf(view)).toContain('发布单位：江南示范大学经济管理学院');
  const shareRequests = wxControl.state.requests.slice(requestsBefore);
  expect(shareRequests).toHaveLength(1);
  expect(shareRequests[0].header.authorization).toBeUndefined();
  expect(wxControl.state.logins).toBe(0);
  expect(wxControl.lastNavigation()).toBeNull();

  const forged = await coldStart('pages/share/index', { token: `${token.slice(0, -4)}abcd` });
  expect(textOf(forged.querySelector('#error'))).toContain('该通知无法查看');
  expect(wxControl.state.requests.pop().response.code).toBe('share_unavailable');
  expect(wxControl.lastNavigation()).toBeNull();
});
