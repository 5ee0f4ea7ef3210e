// The audit log of a school: several kinds of entries.
const { mountPage } = require('../test/support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../test/support/stub');
const { save } = require('./html');

test('audit log', async () => {
  loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  const at = (h) => `2026-12-01T0${h}:00:00Z`;
  useApi({
    'GET /api/v1/audit': ok(
      page([
        { id: 5, actor_id: 3, actor_name: '甲校就业处', action: 'task.withdraw', target_type: 'task', target_id: '12', detail: { title: '春季双选会' }, ip: '10.0.0.8', created_at: at(6) },
        { id: 4, actor_id: 7, actor_name: '计院学工办', action: 'account.export', target_type: 'account', target_id: null, detail: { accounts: 48 }, ip: '10.0.3.2', created_at: at(5) },
        { id: 3, actor_id: 3, actor_name: '甲校就业处', action: 'account.turnover', target_type: 'org_unit', target_id: '3', detail: { from: 2026, to: 2027, carried: [1], disabled: [2] }, ip: '10.0.0.8', created_at: at(4) },
        { id: 2, actor_id: 3, actor_name: '甲校就业处', action: 'account.create', target_type: 'account', target_id: '41', detail: { name: '王晓明' }, ip: null, created_at: at(3) },
      ], 4),
    ),
  });
  const p = await mountPage('pages/admin/audit/index');
  save('audit-log', p, 'pages/admin/audit/index');
});
