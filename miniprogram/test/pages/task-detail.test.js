const { mountPage, tap, textOf, propsOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, COUNSELOR, inDays, myTask } = require('../support/stub');

const ROUTE = 'pages/task/detail';

describe('task detail page', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('shows the task with paragraphs, link and a forward button', async () => {
    const task = myTask(7, {
      title: '春季双选会',
      content: '时间：3月15日 9:00\n地点：体育馆\n\n请转发给毕业生',
      link: 'https://example.edu.cn/fair',
      share_token: 'tok-7',
    });
    useApi({ 'GET /api/v1/my/tasks/7': ok(task) });
    const p = await mountPage(ROUTE, { id: '7' });
    const text = textOf(p);
    expect(text).toContain('春季双选会');
    expect(text).toContain('发布单位：江南示范大学就业处');
    expect(p.instance.data.paragraphs).toEqual(['时间：3月15日 9:00\n地点：体育馆', '请转发给毕业生']);
    expect(p.querySelectorAll('.paragraph')).toHaveLength(2);
    expect(p.querySelector('#share')).toBeTruthy();
    expect(propsOf(p.querySelector('#share')).openType).toBe('share');
    expect(p.querySelector('#share-note')).toBeFalsy();
    expect(p.instance.onShareAppMessage()).toEqual({ title: '春季双选会', path: '/pages/share/index?token=tok-7' });
    expect(wxControl.state.shareMenu).toBe('shown');
    await tap(p, '#copy-link');
    expect(wxControl.state.clipboard).toEqual(['https://example.edu.cn/fair']);
  });

  test('a confidential task has no forward button and says why', async () => {
    const task = myTask(8, {
      title: '内部通知',
      confidential: true,
      share_token: null,
      share_note: '保密任务，仅供辅导员本人阅读，不能转发给学生',
    });
    useApi({ 'GET /api/v1/my/tasks/8': ok(task) });
    const p = await mountPage(ROUTE, { id: '8' });
    expect(p.querySelector('#share')).toBeFalsy();
    expect(textOf(p.querySelector('#share-note'))).toBe('保密任务，仅供辅导员本人阅读，不能转发给学生');
    expect(wxControl.state.shareMenu).toBe('hidden');
    const shared = p.instance.onShareAppMessage();
    expect(shared.path).toBe('/pages/index/index');
    expect(shared.title).not.toContain('内部通知');
  });

  test('complete asks first, then shows the completed state', async () => {
    const task = myTask(9);
    const done = Object.assign({}, task, { completed_at: inDays(0), done: true, done_at: inDays(0) });
    const api = useApi({ 'GET /api/v1/my/tasks/9': ok(task), 'POST /api/v1/my/tasks/9/complete': ok(done) });
    const p = await mountPage(ROUTE, { id: '9' });
    expect(textOf(p.querySelector('#state'))).toContain('未完成');

    wxControl.answerModal(false);
    await tap(p, '#complete');
    expect(api.calls('POST /api/v1/my/tasks/9/complete')).toHaveLength(0);

    await tap(p, '#complete');
    expect(wxControl.state.modals[1].content).toContain('确认已完成');
    expect(api.calls('POST /api/v1/my/tasks/9/complete')).toHaveLength(1);
    expect(textOf(p.querySelector('#completed'))).toContain('已完成');
    expect(p.querySelector('#complete')).toBeFalsy();
    expect(p.querySelector('#completed-button')).toBeTruthy();
    expect(wxControl.lastToast()).toBe('已完成');
    // Done: the badge says 已完成, so the deadline has a line of its own.
    expect(textOf(p.querySelector('#deadline-line'))).toContain('截止时间');
  });

  test('a live course: sign-in window, sign in, and the API refusal shown', async () => {
    const live = myTask(10, {
      kind: 'live_course',
      kind_label: '就业创业直播课',
      starts_at: inDays(0),
      ends_at: inDays(0.1),
      sign_in: { state: 'open', opens_at: inDays(-0.02), closes_at: inDays(0.1) },
    });
    const signed = Object.assign({}, live, { signed_in_at: inDays(0) });
    let refuse = true;
    useApi({
      'GET /api/v1/my/tasks/10': ok(live),
      'POST /api/v1/my/tasks/10/sign-in': () =>
        refuse ? fail(409, 'sign_in_closed', '签到已结束') : ok(signed),
    });
    const p = await mountPage(ROUTE, { id: '10' });
    expect(textOf(p.querySelector('#live'))).toContain('签到进行中');
    // The deadline is said once: in the badge while the task is open.
    expect(textOf(p).split('截止').length - 1).toBe(2); // the badge and the sign-in line
    expect(p.querySelector('#deadline-line')).toBeFalsy();
    // One primary action: 签到 while it is open, 完成任务 after.
    const classOf = (id) => p.querySelector(id).dom.getAttribute('class');
    expect(classOf('#sign-in')).toContain('btn-primary');
    expect(classOf('#complete')).toContain('btn-secondary');
    await tap(p, '#sign-in');
    expect(wxControl.lastToast()).toBe('签到已结束');
    refuse = false;
    await tap(p, '#sign-in');
    expect(textOf(p.querySelector('#signed-in'))).toContain('已签到');
    expect(p.querySelector('#sign-in')).toBeFalsy();
    expect(classOf('#complete')).toContain('btn-primary');
  });

  test('a live course not open yet says when sign-in opens', async () => {
    const live = myTask(11, {
      kind: 'live_course',
      starts_at: '2030-06-01T11:00:00Z',
      ends_at: '2030-06-01T12:00:00Z',
      sign_in: { state: 'not_open', opens_at: '2030-06-01T10:30:00Z', closes_at: '2030-06-01T12:00:00Z' },
    });
    useApi({ 'GET /api/v1/my/tasks/11': ok(live) });
    const p = await mountPage(ROUTE, { id: '11' });
    expect(textOf(p.querySelector('#sign-in-state'))).toBe('签到将于 2030年06月01日 18:30 开放');
    expect(p.querySelector('#sign-in')).toBeFalsy();
  });

  test('a task that cannot be opened offers a retry', async () => {
    useApi({ 'GET /api/v1/my/tasks/12': fail(404, 'not_found', '任务不存在') });
    const p = await mountPage(ROUTE, { id: '12' });
    expect(wxControl.lastToast()).toBe('任务不存在');
    expect(textOf(p)).toContain('无法打开该任务');
    expect(p.querySelector('#retry')).toBeTruthy();
  });
});
