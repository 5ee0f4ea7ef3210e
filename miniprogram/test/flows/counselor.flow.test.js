// A counselor against the real server: first login with the forced password change, the
// task list, the detail, completing; silent login later; a template-message deep link on a
// cold start that comes back to its task after logging in.
const { input, tap, textOf, propsOf } = require('../support/mount');
const { coldStart, follow } = require('../support/driver');
const real = require('../support/real');

let task;
let liveTask;

beforeAll(async () => {
  const admin = await real.readyToken('jnsf_cs');
  task = await real.publishTask(admin, { title: '春季双选会（计算机学院）', link: 'https://example.edu.cn/fair' });
  const start = new Date(Date.now() + 10 * 60 * 1000).toISOString();
  const end = new Date(Date.now() + 70 * 60 * 1000).toISOString();
  liveTask = await real.publishTask(admin, { kind: 'live_course', title: '就业指导直播课', starts_at: start, ends_at: end, deadline: undefined });
});

beforeEach(() => real.useRealServer());

async function logIn(page, username, password) {
  await input(page, '#username', username);
  await input(page, '#password', password);
  await tap(page, '#submit');
}

async function changePassword(page, oldPassword) {
  await input(page, '#old', oldPassword);
  await input(page, '#new', real.NEW_PASSWORD);
  await input(page, '#confirm', real.NEW_PASSWORD);
  await tap(page, '#submit');
}

test('log in → forced password change → task list → detail → complete', async () => {
  const user = real.demoUser('13900010001');
  real.wxIdentity('o_mini_counselor_1');

  await coldStart('pages/index/index');
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/login/index' });

  const login = await follow();
  await logIn(login, user.username, user.password);
  expect(wxControl.lastNavigation().url).toBe('/pages/password/index?forced=1');

  const password = await follow();
  expect(textOf(password)).toContain('须先修改初始密码');
  await changePassword(password, user.password);
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });

  const list = await follow();
  expect(textOf(list.querySelector(`#task-${task.id}`))).toContain('春季双选会（计算机学院）');
  expect(textOf(list.querySelector(`#task-${task.id}`))).toContain('招聘会');
  expect(textOf(list.querySelector(`#task-${task.id}`))).toContain('未读');

  await tap(list, `#task-${task.id}`);
  const detail = await follow();
  expect(textOf(detail.querySelector('#title'))).toBe('春季双选会（计算机学院）');
  expect(detail.querySelectorAll('.paragraph')).toHaveLength(2);
  expect(propsOf(detail.querySelector('#share')).openType).toBe('share');
  const shared = detail.instance.onShareAppMessage();
  expect(shared.path).toMatch(/^\/pages\/share\/index\?token=.+/);

  await tap(detail, '#complete');
  expect(textOf(detail.querySelector('#completed'))).toContain('已完成');
  expect(wxControl.lastToast()).toBe('已完成');

  const done = await coldStart('pages/tasks/index');
  await tap(done, '#tab-done');
  expect(textOf(done)).toContain('春季双选会（计算机学院）');

  const me = await coldStart('pages/me/index');
  expect(textOf(me.querySelector('#mini'))).toContain('已关联');
  await tap(me, '#bind-code-button');
  expect(textOf(me.querySelector('#bind-message'))).toMatch(/^绑定 \d{6}$/);
});

test('later the same WeChat logs in silently', async () => {
  real.wxIdentity('o_mini_counselor_1');
  await coldStart('pages/index/index');
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });
  expect(wx.getStorageSync('fudao_token')).not.toBe('');
  const list = await follow();
  expect(textOf(list)).toContain('就业指导直播课');
});

test('a live course: complete, then sign in within its window', async () => {
  const token = await real.readyToken('13900010003');
  wx.setStorageSync('fudao_token', token);
  const detail = await coldStart('pages/task/detail', { id: String(liveTask.id) });
  expect(textOf(detail.querySelector('#live'))).toContain('签到进行中');
  await tap(detail, '#complete');
  expect(wxControl.lastToast()).toBe('已标记完成，还需在直播时段内签到');
  await tap(detail, '#sign-in');
  expect(textOf(detail.querySelector('#signed-in'))).toContain('已签到');
  expect(textOf(detail.querySelector('#done'))).toBe('任务已全部完成');
});

test('a template message opens the task on a cold start: login, then back to the same task', async () => {
  const user = real.demoUser('13900010002');
  real.wxIdentity('o_mini_counselor_2');

  await coldStart('pages/task/detail', { id: String(task.id) });
  const toLogin = wxControl.lastNavigation();
  expect(toLogin).toEqual({
    type: 'reLaunch',
    url: `/pages/login/index?redirect=${encodeURIComponent(`/pages/task/detail?id=${task.id}`)}`,
  });

  const login = await follow();
  await logIn(login, user.username, user.password);
  const password = await follow();
  await changePassword(password, user.password);
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: `/pages/task/detail?id=${task.id}` });

  const detail = await follow();
  expect(textOf(detail.querySelector('#title'))).toBe('春季双选会（计算机学院）');
});

test('an unchanged initial password sends any page to the password page and back', async () => {
  const user = real.demoUser('13900010004');
  const first = await real.api('POST', '/api/v1/auth/login', { body: { username: user.username, password: user.password } });
  wx.setStorageSync('fudao_token', first.token);
  await coldStart('pages/tasks/index');
  expect(wxControl.lastNavigation()).toEqual({
    type: 'redirectTo',
    url: `/pages/password/index?forced=1&redirect=${encodeURIComponent('/pages/tasks/index')}`,
  });
  const password = await follow();
  await changePassword(password, user.password);
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/tasks/index' });
});

test('a wrong password shows the server message', async () => {
  real.wxIdentity('o_mini_nobody');
  const login = await coldStart('pages/login/index');
  await logIn(login, '13900010005', 'WrongPass123');
  expect(wxControl.lastToast()).toMatch(/[\u4e00-\u9fa5]/);
  expect(wxControl.lastNavigation()).toBeNull();
  expect(wx.getStorageSync('fudao_token')).toBe('');
});
