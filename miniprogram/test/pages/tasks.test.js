const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, COUNSELOR, inDays, myTask: task } = require('../support/stub');

describe('tasks page', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('lists pending tasks with type, deadline and overdue badges', async () => {
    const api = useApi({
      'GET /api/v1/my/tasks': ok(page([task(1), task(2, { overdue: true, deadline: inDays(-1), confidential: true })], 2)),
    });
    const p = await mountPage('pages/tasks/index');
    expect(api.calls('GET /api/v1/my/tasks')[0].query).toEqual({ status: 'pending', page: '1', per_page: '20' });
    const text = textOf(p);
    expect(text).toContain('任务1');
    expect(text).toContain('招聘会');
    expect(text).toContain('截止');
    expect(textOf(p.querySelector('#task-2'))).toContain('已逾期');
    expect(textOf(p.querySelector('#task-2'))).toContain('保密');
    expect(text).toContain('没有更多了');
    expect(text).toContain('我的');
  });

  test('switches to the done tab', async () => {
    const api = useApi({
      'GET /api/v1/my/tasks': (req) =>
        ok(req.query.status === 'done' ? page([task(9, { done: true, done_at: inDays(-1), completed_at: inDays(-1) })]) : page([])),
    });
    const p = await mountPage('pages/tasks/index');
    expect(textOf(p)).toContain('暂无待完成的任务');
    await tap(p, '#tab-done');
    expect(api.calls('GET /api/v1/my/tasks')[1].query.status).toBe('done');
    expect(textOf(p)).toContain('任务9');
    expect(textOf(p)).toContain('完成于');
  });

  test('loads the next page at the bottom and everything again on pull-down', async () => {
    const api = useApi({
      'GET /api/v1/my/tasks': (req) => {
        const n = Number(req.query.page);
        return ok(page([task(n * 10 + 1), task(n * 10 + 2)], 4, n));
      },
    });
    const p = await mountPage('pages/tasks/index');
    expect(p.instance.data.items).toHaveLength(2);
    await p.instance.onReachBottom();
    expect(p.instance.data.items.map((t) => t.id)).toEqual([11, 12, 21, 22]);
    expect(p.instance.data.finished).toBe(true);
    await p.instance.onReachBottom();
    expect(api.calls('GET /api/v1/my/tasks')).toHaveLength(2);
    await p.instance.onPullDownRefresh();
    expect(p.instance.data.items.map((t) => t.id)).toEqual([11, 12]);
    expect(wxControl.state.pullDownStopped).toBe(1);
  });

  test('opens the detail page and reloads when coming back', async () => {
    const api = useApi({ 'GET /api/v1/my/tasks': ok(page([task(5)])) });
    const p = await mountPage('pages/tasks/index');
    await tap(p, '#task-5');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/task/detail?id=5' });
    p.instance.onHide();
    p.instance.onShow();
    await wxControl.settle();
    expect(api.calls('GET /api/v1/my/tasks')).toHaveLength(2);
  });
});
