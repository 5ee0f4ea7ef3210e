const { mountPage, tap, input, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../support/stub');

const ROUTE = 'pages/admin/accounts/index';

function account(id, role, extra) {
  return Object.assign(
    {
      id,
      username: `user${id}`,
      name: `姓名${id}`,
      phone: '139****0001',
      role,
      role_label: { college_admin: '院级用户', counselor: '辅导员', school_admin: '校级用户' }[role],
      org_unit: { id: 4, kind: 'college', name: '计算机科学与技术学院' },
      education_levels: [],
      majors: [],
      wechat: { bound: false, following: null, mini_linked: false },
      credentials_sms: null,
      disabled: false,
      must_change_password: true,
    },
    extra,
  );
}

describe('accounts page', () => {
  test('searches and filters by the roles below the admin', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    const api = useApi({ 'GET /api/v1/accounts': ok(page([account(1, 'college_admin'), account(2, 'counselor', { disabled: true })], 2)) });
    const p = await mountPage(ROUTE);
    expect(p.instance.data.roleOptions.map((r) => r.label)).toEqual(['全部角色', '院级用户', '辅导员']);
    expect(textOf(p.querySelector('#account-1'))).toContain('未改初始密码');
    expect(textOf(p.querySelector('#account-2'))).toContain('已停用');
    expect(textOf(p.querySelector('#account-2'))).toContain('未绑定');
    await input(p, '#q', '赵');
    p.instance.onSearch();
    await wxControl.settle();
    expect(api.calls('GET /api/v1/accounts')[1].query).toEqual({ q: '赵', page: '1', per_page: '20' });
    await change(p, '#role-filter', '2');
    expect(api.calls('GET /api/v1/accounts')[2].query).toEqual({ q: '赵', role: 'counselor', page: '1', per_page: '20' });
    expect(p.querySelector('#create')).toBeTruthy();
  });

  test('edit, reset password and disable from the action sheet', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const api = useApi({
      'GET /api/v1/accounts': ok(page([account(5, 'counselor')])),
      'POST /api/v1/accounts/5/reset-password': ok({ sent_to: '139****0005' }),
      'POST /api/v1/accounts/5/disable': ok(account(5, 'counselor', { disabled: true })),
    });
    const p = await mountPage(ROUTE);

    wxControl.answerSheet(0);
    await tap(p, '#account-5');
    expect(wxControl.state.sheets[0].itemList).toEqual(['编辑', '重置密码', '停用账号']);
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/account-edit/index?id=5' });

    wxControl.answerSheet(1);
    await tap(p, '#account-5');
    expect(api.calls('POST /api/v1/accounts/5/reset-password')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('新密码已发送至 139****0005');

    wxControl.answerSheet(2);
    await tap(p, '#account-5');
    expect(wxControl.state.modals.pop().title).toBe('停用账号');
    expect(textOf(p.querySelector('#account-5'))).toContain('已停用');
    expect(wxControl.lastToast()).toBe('已停用');
  });

  test('a badge when the credentials SMS failed or is on its way, none when sent or without one', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const sms = (status) => ({ status, attempts: 1, created_at: '2026-11-29T01:00:00Z', sent_at: null, last_error: null });
    useApi({
      'GET /api/v1/accounts': ok(
        page([
          account(7, 'counselor', { credentials_sms: sms('failed') }),
          account(8, 'counselor', { credentials_sms: sms('pending') }),
          account(9, 'counselor', { credentials_sms: Object.assign(sms('sent'), { sent_at: '2026-11-29T01:00:05Z' }) }),
          account(10, 'counselor'),
        ]),
      ),
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#account-7'))).toContain('短信失败');
    expect(p.instance.data.items[0].smsBadge).toEqual({ type: 'danger', text: '短信失败' });
    expect(textOf(p.querySelector('#account-8'))).toContain('短信发送中');
    [9, 10].forEach((id) => expect(textOf(p.querySelector(`#account-${id}`))).not.toContain('短信'));
  });

  test('accounts the admin only reads cannot be changed', async () => {
    loggedIn(admin('province_admin', { id: 2, kind: 'province', name: '江苏省' }));
    useApi({ 'GET /api/v1/accounts': ok(page([account(6, 'counselor')])) });
    const p = await mountPage(ROUTE);
    await tap(p, '#account-6');
    expect(wxControl.state.sheets).toHaveLength(0);
    expect(wxControl.lastToast()).toContain('仅可查看');
  });

  test('narrows to a class, exports what is listed, and leads to the turnover', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    const api = useApi({
      'GET /api/v1/accounts': ok(page([account(1, 'counselor', { cohort: 2026 })])),
      'GET /api/v1/accounts/export': { status: 200, body: Buffer.from('PK accounts') },
    });
    const p = await mountPage(ROUTE);
    expect(p.instance.data.cohortOptions.map((c) => c.label)).toEqual(['全部届别', '2027届', '2026届', '2028届']);
    expect(textOf(p.querySelector('#account-1'))).toContain('2026届');
    await change(p, '#cohort-filter', '2');
    expect(api.calls('GET /api/v1/accounts')[1].query).toEqual({ cohort: '2026', page: '1', per_page: '20' });

    await tap(p, '#export');
    const [exported] = api.calls('GET /api/v1/accounts/export');
    expect(exported.query).toEqual({ cohort: '2026' });
    expect(exported.header.authorization).toBe('Bearer token-1');
    expect(wxControl.state.documents[0]).toMatchObject({ fileType: 'xlsx', showMenu: true });

    await tap(p, '#turnover');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/turnover/index' });
  });

  test('admins who manage no counselors see no turnover', async () => {
    loggedIn(admin('province_admin', { id: 2, kind: 'province', name: '江苏省' }));
    useApi({ 'GET /api/v1/accounts': ok(page([account(1, 'school_admin')])) });
    const p = await mountPage(ROUTE);
    expect(p.querySelector('#export')).toBeTruthy();
    expect(p.querySelector('#turnover')).toBeFalsy();
  });

  test('a username that is the phone number is not printed beside the masked phone', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    useApi({
      'GET /api/v1/accounts': ok(
        page([
          account(1, 'counselor', { username: '139****0001', phone: '139****0001' }),
          account(2, 'counselor', { username: 'lisiyu', phone: '139****0002' }),
        ]),
      ),
    });
    const p = await mountPage(ROUTE);
    const first = textOf(p.querySelector('#account-1'));
    expect(first).toContain('139****0001');
    expect(first.split('139****0001')).toHaveLength(2);
    expect(textOf(p.querySelector('#account-2'))).toContain('lisiyu · 139****0002');
  });
});
