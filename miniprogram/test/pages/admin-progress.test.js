const { mountPage, tap, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, page, admin, inDays, taskProgress } = require('../support/stub');

const ROUTE = 'pages/admin/progress/index';

// With groups and a notice still queued.
function progress(extra) {
  return taskProgress(
    Object.assign(
      {
        by_college: [{ key: '4', name: '计算机科学与技术学院', assigned: 8, viewed: 5, completed: 3, done: 3, pending: 5, done_percent: 37.5 }],
        by_education_level: [{ key: 'bachelor', name: '本科', assigned: 8, viewed: 5, completed: 3, done: 3, pending: 5, done_percent: 37.5 }],
        notices: { queued: 1, sending: 0, sent: 1, delivered: 0, failed: 0, cancelled: 0, expected_done_at: inDays(0.01), expected_note: '还有 1 条通知排队，预计 11月29日 18:00 前发完' },
      },
      extra,
    ),
  );
}

function person(id, extra) {
  return Object.assign(
    { account_id: id, name: `辅导员${id}`, phone: '139****0001', college: '计算机科学与技术学院', bound: false, following: null, viewed_at: null, completed_at: null, signed_in_at: null, done_at: null },
    extra,
  );
}

describe('task progress page', () => {
  beforeEach(() => loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })));

  test('shows totals, groups, notices and who is pending with bind status', async () => {
    useApi({
      'GET /api/v1/tasks/7/progress': ok(progress()),
      'GET /api/v1/tasks/7/progress/pending': ok(page([person(1), person(2, { bound: true, following: true, viewed_at: inDays(-0.1) }), person(3, { bound: true, following: false })], 5)),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(textOf(p.querySelector('#assigned'))).toBe('8');
    expect(textOf(p.querySelector('#done'))).toBe('3');
    expect(textOf(p.querySelector('#pending'))).toBe('5');
    expect(textOf(p.querySelector('#summary'))).toContain('37.5%');
    expect(textOf(p.querySelector('#by-college'))).toContain('计算机科学与技术学院');
    expect(textOf(p.querySelector('#by-college'))).toContain('3/8');
    expect(textOf(p.querySelector('#by-level'))).toContain('本科');
    expect(textOf(p.querySelector('#expected-note'))).toContain('还有 1 条通知排队');
    expect(textOf(p.querySelector('#pending-1'))).toContain('未绑定');
    expect(textOf(p.querySelector('#pending-1'))).toContain('未读');
    expect(textOf(p.querySelector('#pending-2'))).toContain('已关注');
    expect(textOf(p.querySelector('#pending-2'))).toContain('已读未完成');
    expect(textOf(p.querySelector('#pending-3'))).toContain('已取关');
    // Unfinished people are never green; those a notice cannot reach are orange.
    const types = p.instance.data.items.map((item) => item.wechatType);
    expect(types.slice(0, 3)).toEqual(['warn', 'muted', 'warn']);
    expect(textOf(p.querySelector('#pending-list'))).toContain('未完成名单（5）');
  });

  test('pending list pages on reaching the bottom', async () => {
    const api = useApi({
      'GET /api/v1/tasks/7/progress': ok(progress()),
      'GET /api/v1/tasks/7/progress/pending': (req) => ok(page(req.query.page === '1' ? [person(1), person(2)] : [person(3)], 3, Number(req.query.page))),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    await p.instance.onReachBottom();
    expect(api.calls('GET /api/v1/tasks/7/progress/pending')[1].query.page).toBe('2');
    expect(p.instance.data.items).toHaveLength(3);
    await p.instance.onPullDownRefresh();
    expect(api.calls('GET /api/v1/tasks/7/progress')).toHaveLength(2);
  });

  test('remind: confirm, queued count, then too soon shows the API message', async () => {
    let first = true;
    const api = useApi({
      'GET /api/v1/tasks/7/progress': ok(progress()),
      'GET /api/v1/tasks/7/progress/pending': ok(page([])),
      'POST /api/v1/tasks/7/remind': () => {
        if (first) {
          first = false;
          return ok({ queued: 2 });
        }
        return fail(409, 'remind_too_soon', '每小时只能催办一次，请稍后再试');
      },
    });
    const p = await mountPage(ROUTE, { id: '7' });
    await tap(p, '#remind');
    expect(wxControl.state.modals[0].content).toContain('5 名未完成');
    expect(wxControl.lastToast()).toBe('已向 2 人发送催办');
    await tap(p, '#remind');
    expect(api.calls('POST /api/v1/tasks/7/remind')).toHaveLength(2);
    expect(wxControl.lastToast()).toBe('每小时只能催办一次，请稍后再试');
  });

  test('a withdrawn task has no remind button', async () => {
    useApi({
      'GET /api/v1/tasks/7/progress': ok(progress({ status: 'withdrawn' })),
      'GET /api/v1/tasks/7/progress/pending': ok(page([])),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(textOf(p.querySelector('#summary'))).toContain('已撤回');
    expect(p.querySelector('#remind')).toBeFalsy();
  });
});

describe('task progress page, draft', () => {
  beforeEach(() => loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' })));

  test('a draft can be published from here', async () => {
    let status = 'draft';
    const api = useApi({
      'GET /api/v1/tasks/7/progress': () => ok(progress({ status, assigned: status === 'draft' ? 0 : 8 })),
      'GET /api/v1/tasks/7/progress/pending': ok(page([])),
      'POST /api/v1/tasks/7/publish': () => {
        status = 'published';
        return ok({ assigned: 8, queued: 0 });
      },
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(textOf(p.querySelector('#summary'))).toContain('草稿');
    expect(p.querySelector('#remind')).toBeFalsy();
    await tap(p, '#publish-draft');
    expect(api.calls('POST /api/v1/tasks/7/publish')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('已发布，派发 8 人');
    expect(textOf(p.querySelector('#assigned'))).toBe('8');
    expect(p.querySelector('#remind')).toBeTruthy();
  });

  test('the chase list filters, exports what it shows, and calls or texts one person', async () => {
    const api = useApi({
      'GET /api/v1/tasks/7/progress': ok(progress()),
      'GET /api/v1/tasks/7/progress/pending': ok(page([person(1, { education_levels: ['bachelor', 'master'] })], 1)),
      'GET /api/v1/tasks/7/progress/pending/export': { status: 200, body: Buffer.from('PK pending') },
      'POST /api/v1/accounts/1/phone': ok({ phone: '13900000001' }),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    // Levels on the row, the phone masked.
    expect(textOf(p.querySelector('#pending-1'))).toContain('本科、硕士研究生 · 139****0001');

    await change(p, '#college-filter', '1');
    await change(p, '#level-filter', '1');
    await change(p, '#state-filter', '3');
    expect(api.calls('GET /api/v1/tasks/7/progress/pending').pop().query).toEqual({
      college_id: '4',
      education_level: 'bachelor',
      bound: 'false',
      page: '1',
      per_page: '20',
    });
    await tap(p, '#export-pending');
    expect(api.calls('GET /api/v1/tasks/7/progress/pending/export')[0].query).toEqual({
      college_id: '4',
      education_level: 'bachelor',
      bound: 'false',
    });
    expect(wxControl.state.documents[0]).toMatchObject({ fileType: 'xlsx' });

    // The full number is asked for only on the tap, then dialled or copied.
    expect(api.calls('POST /api/v1/accounts/1/phone')).toHaveLength(0);
    wxControl.answerSheet(0);
    await tap(p, '#pending-1');
    expect(wxControl.state.phoneCalls).toEqual(['13900000001']);
    wxControl.answerSheet(1);
    await tap(p, '#pending-1');
    expect(wxControl.state.clipboard.pop()).toBe('13900000001');
    expect(api.calls('POST /api/v1/accounts/1/phone')).toHaveLength(2);
  });

  test('a filter that leaves nobody says so; a draft says nobody has it yet', async () => {
    useApi({
      'GET /api/v1/tasks/7/progress': ok(progress()),
      'GET /api/v1/tasks/7/progress/pending': ok(page([], 0)),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    await change(p, '#state-filter', '1');
    expect(textOf(p.querySelector('#pending-list'))).toContain('没有符合条件的人');
    useApi({
      'GET /api/v1/tasks/8/progress': ok(progress({ id: 8, status: 'draft' })),
      'GET /api/v1/tasks/8/progress/pending': ok(page([], 0)),
    });
    const draft = await mountPage(ROUTE, { id: '8' });
    expect(textOf(draft.querySelector('#pending-list'))).toContain('草稿尚未发布');
  });

  test('管理: withdraw says how many unsent notices it cancels; a draft is deleted; a copy starts a new task', async () => {
    const api = useApi({
      'GET /api/v1/tasks/7/progress': ok(progress({ notices: Object.assign(progress().notices, { queued: 3, sending: 1 }) })),
      'GET /api/v1/tasks/7/progress/pending': ok(page([], 0)),
      'POST /api/v1/tasks/7/withdraw': ok({ cancelled_notices: 4, withdrawal_notices: 2 }),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    wxControl.answerSheet(2);
    wxControl.answerModal(true);
    await tap(p, '#manage');
    expect(wxControl.state.sheets.pop().itemList).toEqual(['修改正文或延后截止', '复制为新任务', '撤回任务']);
    const modal = wxControl.state.modals.pop();
    expect(modal.title).toBe('撤回任务');
    expect(modal.content).toContain('4 条尚未发出的通知将取消');
    expect(api.calls('POST /api/v1/tasks/7/withdraw')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('已撤回，已通知 2 人');

    wxControl.answerSheet(1);
    await tap(p, '#manage');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/task-new/index?copy=7' });
    wxControl.answerSheet(0);
    await tap(p, '#manage');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/task-edit/index?id=7' });
  });

  test('a draft is deleted after a confirmation', async () => {
    const api = useApi({
      'GET /api/v1/tasks/8/progress': ok(progress({ task_id: 8, status: 'draft' })),
      'GET /api/v1/tasks/8/progress/pending': ok(page([], 0)),
      'DELETE /api/v1/tasks/8': { status: 204, body: '' },
    });
    const p = await mountPage(ROUTE, { id: '8' });
    wxControl.answerSheet(1);
    wxControl.answerModal(true);
    await tap(p, '#manage');
    expect(wxControl.state.modals.pop().title).toBe('删除草稿');
    expect(api.calls('DELETE /api/v1/tasks/8')).toHaveLength(1);
    expect(wxControl.lastNavigation().type).toBe('navigateBack');
  });

  test('a task from above is followed, not managed', async () => {
    useApi({
      'GET /api/v1/tasks/7/progress': ok(progress({ managed: false })),
      'GET /api/v1/tasks/7/progress/pending': ok(page([person(1)], 1)),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(textOf(p.querySelector('#summary'))).toContain('上级任务');
    expect(p.querySelector('#manage')).toBeFalsy();
    expect(p.querySelector('#remind')).toBeFalsy();
    expect(p.querySelector('#add-attachment')).toBeFalsy();
    // Chasing their own counselors still works.
    expect(p.querySelector('#export-pending')).toBeTruthy();
  });
});
