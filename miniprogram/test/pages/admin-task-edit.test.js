const { mountPage, tap, input, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, admin, adminTask } = require('../support/stub');

const ROUTE = 'pages/admin/task-edit/index';

describe('task edit page (a published task)', () => {
  beforeEach(() => loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })));

  test('corrects the content and moves the deadline later; only what changed is sent', async () => {
    const task = adminTask(7, { content: '原正文', deadline: '2030-06-01T10:00:00Z' });
    const api = useApi({
      'GET /api/v1/tasks/7': ok(task),
      'PATCH /api/v1/tasks/7': (req) => ok(Object.assign({}, task, req.body)),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(textOf(p)).toContain('只能更正正文、延后截止时间');
    await tap(p, '#save');
    expect(wxControl.lastToast()).toBe('没有修改');

    await input(p, '#content', '更正后的正文');
    wxControl.answerModal(true);
    await tap(p, '#save');
    expect(wxControl.state.modals.pop().content).toContain('修改正文后，尚未完成的辅导员会收到一条变更通知');
    expect(api.calls('PATCH /api/v1/tasks/7')[0].body).toEqual({ content: '更正后的正文' });
    expect(wxControl.lastNavigation().type).toBe('navigateBack');
  });

  test('a later deadline is sent as Beijing time; an earlier one is refused on the phone', async () => {
    const task = adminTask(7, { deadline: '2030-06-01T10:00:00Z' });
    const api = useApi({
      'GET /api/v1/tasks/7': ok(task),
      'PATCH /api/v1/tasks/7': (req) => ok(Object.assign({}, task, req.body)),
    });
    const p = await mountPage(ROUTE, { id: '7' });
    expect(p.instance.data.deadlineDate).toBe('2030-06-01');
    expect(p.instance.data.deadlineTime).toBe('18:00');
    await change(p, '#deadline-time', '17:00');
    await tap(p, '#save');
    expect(wxControl.lastToast()).toBe('截止时间只能延后');
    expect(api.calls('PATCH /api/v1/tasks/7')).toHaveLength(0);
    await change(p, '#deadline-date', '2030-06-03');
    wxControl.answerModal(true);
    await tap(p, '#save');
    expect(api.calls('PATCH /api/v1/tasks/7')[0].body).toEqual({ deadline: '2030-06-03T17:00:00+08:00' });
  });
});
