const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin, adminTask } = require('../support/stub');

const ROUTE = 'pages/admin/home/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

describe('admin home', () => {
  beforeEach(() => loggedIn(SCHOOL));

  test("lists the unit's own tasks with progress bars", async () => {
    const api = useApi({
      'GET /api/v1/tasks': ok(page([adminTask(1), adminTask(2, { status: 'draft', progress: { assigned: 0, viewed: 0, completed: 0, done: 0, done_percent: 0 } })])),
    });
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/tasks')[0].query).toEqual({ mine: 'true', page: '1', per_page: '20' });
    const first = textOf(p.querySelector('#task-1'));
    expect(first).toContain('政策1');
    expect(first).toContain('已发布');
    expect(first).toContain('已完成 3 / 8 人，已读 5 人');
    expect(first).toContain('37.5%');
    expect(textOf(p.querySelector('#task-2'))).toContain('草稿');
    expect(p.querySelector('#tab-bar').querySelector('#tab-accounts')).toBeTruthy();
  });

  test('opens progress and the create page', async () => {
    useApi({ 'GET /api/v1/tasks': ok(page([adminTask(4)])) });
    const p = await mountPage(ROUTE);
    await tap(p, '#task-4');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/progress/index?id=4' });
    await tap(p, '#create');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/task-new/index' });
  });

  test('上级任务: tasks from above that reached the unit, with their publisher', async () => {
    const api = useApi({
      'GET /api/v1/tasks': (req) =>
        req.query.received === 'true'
          ? ok(page([adminTask(9, { title: '教育部通知', publisher: '教育部' })]))
          : ok(page([adminTask(1)])),
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#tab-received');
    expect(api.calls('GET /api/v1/tasks').pop().query).toEqual({ received: 'true', page: '1', per_page: '20' });
    expect(textOf(p.querySelector('#task-9'))).toContain('教育部 · 截止');
    expect(p.querySelector('#task-1')).toBeFalsy();
    await tap(p, '#task-9');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/progress/index?id=9' });
  });

  test('the ministry has nothing above it', async () => {
    loggedIn(admin('ministry_admin', { id: 1, kind: 'ministry', name: '教育部' }));
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const p = await mountPage(ROUTE);
    expect(p.querySelector('#tab-received')).toBeFalsy();
  });

  test('an empty list invites the first task', async () => {
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const p = await mountPage(ROUTE);
    expect(textOf(p)).toContain('还没有发布任务');
  });

  test('tab bar switches pages', async () => {
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const p = await mountPage(ROUTE);
    const bar = p.querySelector('#tab-bar');
    await tap(bar, '#tab-admin-tasks');
    expect(wxControl.lastNavigation()).toBeNull();
    await tap(bar, '#tab-follow');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/follow/index' });
  });

  test('the 就业统计 entry opens the statistics page', async () => {
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const p = await mountPage(ROUTE);
    const bar = p.querySelector('#tab-bar');
    expect(textOf(bar.querySelector('#tab-admin-stats'))).toBe('就业统计');
    await tap(bar, '#tab-admin-stats');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/stats/index' });
  });
});
