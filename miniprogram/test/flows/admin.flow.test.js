// A school admin against the real server: first login, publishing a task to one college
// through the form (live reach preview, confirmation), its progress and reminders; the
// counselors of that college see it. Then accounts and the follow-and-bind status.
const { input, tap, change, textOf } = require('../support/mount');
const { coldStart, follow } = require('../support/driver');
const real = require('../support/real');

beforeEach(() => real.useRealServer());

test('admin creates a task for one college; its counselors see it; progress and reminders', async () => {
  const admin = real.demoUser('jnsf_admin');
  real.wxIdentity('o_mini_school_admin');

  const login = await coldStart('pages/login/index');
  await input(login, '#username', admin.username);
  await input(login, '#password', admin.password);
  await tap(login, '#submit');
  const password = await follow();
  await input(password, '#old', admin.password);
  await input(password, '#new', real.NEW_PASSWORD);
  await input(password, '#confirm', real.NEW_PASSWORD);
  await tap(password, '#submit');
  expect(wxControl.lastNavigation()).toEqual({ type: 'reLaunch', url: '/pages/admin/home/index' });

  const home = await follow();
  await tap(home, '#create');
  const form = await follow();
  expect(textOf(form.querySelector('#reach'))).toContain('将派发给 24 名辅导员');
  const economics = form.instance.data.units.find((u) => u.name === '经济管理学院');
  expect(form.instance.data.units.map((u) => u.name)).toEqual(
    expect.arrayContaining(['计算机科学与技术学院', '经济管理学院', '外国语学院']),
  );
  await tap(form, `#unit-${economics.id}`);
  expect(form.instance.data.reach).toEqual({ matched: 8, bound: 0, not_bound: 8 });

  await input(form, '#title', '经管学院秋季招聘会');
  await input(form, '#content', '时间：10月20日 14:00\n\n地点：学生活动中心');
  await change(form, '#kind', '1');
  await tap(form, '#publish');
  expect(wxControl.state.modals.pop().content).toContain('将派发给 8 名辅导员，其中 0 人会收到服务号通知');
  expect(wxControl.lastToast()).toBe('已发布，派发 8 人');
  const progressUrl = wxControl.lastNavigation().url;
  const taskId = Number(progressUrl.split('id=')[1]);

  const progress = await follow();
  expect(textOf(progress.querySelector('#assigned'))).toBe('8');
  expect(textOf(progress.querySelector('#pending'))).toBe('8');
  expect(textOf(progress.querySelector('#by-college'))).toContain('经济管理学院');
  expect(progress.instance.data.items).toHaveLength(8);
  expect(progress.instance.data.items.every((p) => p.wechatText === '未绑定')).toBe(true);

  // Nobody is bound: the reminder reaches no one and does not use up the hourly slot.
  await tap(progress, '#remind');
  expect(wxControl.lastToast()).toBe('没有可接收通知的未完成辅导员');
  await tap(progress, '#remind');
  expect(wxControl.lastToast()).toBe('没有可接收通知的未完成辅导员');
  const reminds = wxControl.state.requests.filter((r) => r.url.endsWith('/remind'));
  expect(reminds.map((r) => [r.statusCode, r.response.queued])).toEqual([[200, 0], [200, 0]]);

  // A counselor of the economics college sees it; one of computer science does not.
  const econToken = await real.readyToken('13900010009');
  wx.setStorageSync('fudao_token', econToken);
  const list = await coldStart('pages/tasks/index');
  expect(textOf(list.querySelector(`#task-${taskId}`))).toContain('经管学院秋季招聘会');
  await tap(list, `#task-${taskId}`);
  const detail = await follow();
  await tap(detail, '#complete');

  const csToken = await real.readyToken('13900010006');
  wx.setStorageSync('fudao_token', csToken);
  const other = await coldStart('pages/tasks/index');
  expect(other.querySelector(`#task-${taskId}`)).toBeFalsy();

  // Back to the admin: progress moved.
  const adminToken = await real.api('POST', '/api/v1/auth/login', {
    body: { username: admin.username, password: real.NEW_PASSWORD },
  });
  wx.setStorageSync('fudao_token', adminToken.token);
  wx.setStorageSync('fudao_profile', { role: 'school_admin' });
  const again = await coldStart('pages/admin/home/index');
  expect(textOf(again.querySelector(`#task-${taskId}`))).toContain('已完成 1 / 8 人，已读 1 人');
  expect(textOf(again.querySelector(`#task-${taskId}`))).toContain('12.5%');
});

test('a college admin creates a counselor, resets the password and disables the account', async () => {
  const token = await real.readyToken('jnsf_fl');
  wx.setStorageSync('fudao_token', token);
  const me = await real.api('GET', '/api/v1/me', { token });
  wx.setStorageSync('fudao_profile', me);

  const form = await coldStart('pages/admin/account-edit/index');
  expect(textOf(form.querySelector('#unit-fixed'))).toBe('外国语学院');
  await tap(form, '#level-bachelor');
  expect(form.instance.data.majors.length).toBeGreaterThan(0);
  await tap(form, `#major-${form.instance.data.majors[0].id}`);
  await input(form, '#name', '钱多多');
  await input(form, '#phone', '13900019999');
  expect(form.instance.data.phoneHint).toBe('11 位手机号，也是默认用户名');
  await tap(form, '#submit');
  // The test server has no SMS provider: the initial password is shown here, once.
  expect(textOf(form.querySelector('#issued-username'))).toBe('13900019999');
  const initial = textOf(form.querySelector('#issued-password'));
  expect(initial).toMatch(/^[A-Za-z0-9]{12}$/);
  await tap(form, '#copy');
  expect(wxControl.state.clipboard.pop()).toContain(`初始密码：${initial}`);
  await tap(form, '#done');
  expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  const firstLogin = await real.api('POST', '/api/v1/auth/login', { body: { username: '13900019999', password: initial } });
  expect(firstLogin.must_change_password).toBe(true);

  const list = await coldStart('pages/admin/accounts/index');
  await input(list, '#q', '钱多多');
  await list.instance.onSearch();
  expect(list.instance.data.items).toHaveLength(1);
  const created = list.instance.data.items[0];
  expect(created).toMatchObject({ name: '钱多多', roleLabel: '辅导员', unitName: '外国语学院', mustChange: true });

  // No SMS was queued: no badge, no SMS line on the account page.
  expect(created.smsBadge).toBeNull();
  wxControl.answerSheet(0);
  await tap(list, `#account-${created.id}`);
  const detail = await follow();
  expect(detail.querySelector('#credentials-sms')).toBeFalsy();

  // A reset shows the new password once, and 复制 puts it on the clipboard.
  wxControl.answerSheet(1);
  wxControl.answerModal(true, true);
  await tap(list, `#account-${created.id}`);
  const [confirm, shown] = wxControl.state.modals.slice(-2);
  expect(confirm.content).toContain('只向你显示一次');
  expect(shown.title).toBe('新密码（只显示这一次）');
  const reset = /新密码：([A-Za-z0-9]{12})/.exec(shown.content)[1];
  expect(reset).not.toBe(initial);
  expect(wxControl.state.clipboard.pop()).toContain(`初始密码：${reset}`);
  const resetLogin = await real.api('POST', '/api/v1/auth/login', { body: { username: '13900019999', password: reset } });
  expect(resetLogin.must_change_password).toBe(true);

  wxControl.answerSheet(2);
  await tap(list, `#account-${created.id}`);
  expect(textOf(list.querySelector(`#account-${created.id}`))).toContain('已停用');

  // The same name again: the server refuses the duplicate phone/username with its message.
  const dup = await coldStart('pages/admin/account-edit/index');
  await tap(dup, '#level-bachelor');
  await tap(dup, `#major-${dup.instance.data.majors[0].id}`);
  await input(dup, '#name', '钱多多');
  await input(dup, '#phone', '13900019999');
  await tap(dup, '#submit');
  expect(wxControl.state.requests.pop().response.code).toBe('username_taken');
  expect(wxControl.lastToast()).toMatch(/[\u4e00-\u9fa5]/);
});

test('follow-and-bind status of a university', async () => {
  const token = await real.readyToken('jlzy_admin');
  wx.setStorageSync('fudao_token', token);
  wx.setStorageSync('fudao_profile', { role: 'school_admin' });
  const page = await coldStart('pages/admin/follow/index');
  expect(textOf(page.querySelector('#count-counselors'))).toBe('24');
  expect(textOf(page.querySelector('#count-not-bound'))).toBe('24');
  expect(page.instance.data.total).toBe(24);
  expect(page.instance.data.items).toHaveLength(20);
  await page.instance.onReachBottom();
  expect(page.instance.data.items).toHaveLength(24);
  await tap(page, '#tab-unfollowed');
  expect(textOf(page)).toContain('没有取消关注的辅导员');
});
