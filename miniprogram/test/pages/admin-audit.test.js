const { mountPage, tap, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../support/stub');

const ROUTE = 'pages/admin/audit/index';

function entry(id, extra) {
  return Object.assign(
    {
      id,
      actor_id: 3,
      actor_name: '甲校就业处',
      action: 'account.create',
      target_type: 'account',
      target_id: '41',
      detail: { name: '王晓明', role: 'counselor' },
      ip: '10.0.0.8',
      created_at: '2026-12-01T02:00:00Z',
    },
    extra,
  );
}

describe('audit page', () => {
  beforeEach(() => loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' })));

  test('says who did what to whom, narrows by action and by person', async () => {
    const api = useApi({
      'GET /api/v1/audit': ok(
        page([
          entry(2),
          entry(3, { action: 'account.turnover', target_type: 'org_unit', target_id: '3', detail: { from: 2026, to: 2027, carried: [1], disabled: [2, 4] } }),
          entry(1, { actor_id: 7, actor_name: '计院学工办', action: 'account.export', target_id: null, detail: { accounts: 48 } }),
        ], 2),
      ),
    });
    const p = await mountPage(ROUTE);
    const first = textOf(p.querySelector('#entry-2'));
    expect(first).toContain('创建账号');
    expect(first).toContain('王晓明');
    expect(first).toContain('甲校就业处 · 10.0.0.8');
    expect(textOf(p.querySelector('#entry-3'))).toContain('2026届 → 2027届（留任 1 人，停用 2 人）');
    expect(textOf(p.querySelector('#entry-1'))).toContain('导出账号');
    expect(textOf(p.querySelector('#entry-1'))).toContain('48 个账号');

    const index = p.instance.data.actionOptions.findIndex((o) => o.value === 'task.withdraw');
    await change(p, '#action-filter', String(index));
    expect(api.calls('GET /api/v1/audit').pop().query).toEqual({ action: 'task.withdraw', page: '1', per_page: '20' });

    wxControl.answerSheet(0);
    await tap(p, '#entry-1');
    expect(api.calls('GET /api/v1/audit').pop().query).toEqual({ action: 'task.withdraw', actor_id: '7', page: '1', per_page: '20' });
    expect(textOf(p.querySelector('#person-filter'))).toContain('只看 计院学工办');
    await tap(p, '#person-filter');
    expect(api.calls('GET /api/v1/audit').pop().query).toEqual({ action: 'task.withdraw', page: '1', per_page: '20' });
  });

  test('reached from the admin home', async () => {
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const home = await mountPage('pages/admin/home/index');
    await tap(home, '#open-audit');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/audit/index' });
  });
});
