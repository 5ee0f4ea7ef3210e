const { mountPage, tap, input, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../support/stub');

const ROUTE = 'pages/admin/account-edit/index';
const MAJORS = [
  { id: 1, college_id: 4, education_level: 'bachelor', name: '软件工程' },
  { id: 2, college_id: 4, education_level: 'master', name: '计算机技术' },
];

function counselor12(extra) {
  return Object.assign(
    {
      id: 12,
      username: '13900010001',
      name: '赵欣怡',
      phone: '13900010001',
      role: 'counselor',
      role_label: '辅导员',
      org_unit: { id: 4, kind: 'college', name: '计算机科学与技术学院' },
      education_levels: ['bachelor'],
      majors: [MAJORS[0]],
      wechat: { bound: false, following: null, mini_linked: false },
      credentials_sms: null,
      disabled: false,
      must_change_password: false,
    },
    extra,
  );
}

describe('account form', () => {
  test('a school admin creates a counselor with levels and majors of the college', async () => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
    const api = useApi({
      'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3), unit(5, '经济管理学院', 'college', 3)])),
      'GET /api/v1/org/units/4/majors': ok(MAJORS),
      'POST /api/v1/accounts': (req) => ok(Object.assign({ id: 99 }, req.body)),
    });
    const p = await mountPage(ROUTE);
    expect(p.instance.data.roles.map((r) => r.label)).toEqual(['院级用户', '辅导员']);
    expect(api.calls('GET /api/v1/org/units')[0].query.kind).toBe('college');
    expect(p.querySelector('#duties')).toBeFalsy();

    await change(p, '#role', '1');
    expect(p.querySelector('#duties')).toBeTruthy();
    await change(p, '#unit', '0');
    expect(api.calls('GET /api/v1/org/units/4/majors')).toHaveLength(1);
    await tap(p, '#level-bachelor');
    expect(textOf(p.querySelector('#duties'))).toContain('软件工程（本科）');
    expect(textOf(p.querySelector('#duties'))).not.toContain('计算机技术');
    await input(p, '#name', '钱多多');
    await input(p, '#phone', '13900019999');

    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请至少选择一个负责专业');
    await tap(p, '#major-1');
    // The class under way is offered first; the next one is picked here.
    expect(textOf(p.querySelector('#cohort'))).toContain('2027届');
    await change(p, '#cohort', '1');
    await tap(p, '#submit');
    expect(api.calls('POST /api/v1/accounts')[0].body).toEqual({
      role: 'counselor',
      org_unit_id: 4,
      name: '钱多多',
      phone: '13900019999',
      education_levels: ['bachelor'],
      major_ids: [1],
      cohort: 2028,
    });
    expect(wxControl.lastToast()).toBe('已创建，初始密码已短信发送');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  });

  test('a college admin creates in their own college, which is the only choice', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const api = useApi({
      'GET /api/v1/org/units': ok(page([])),
      'GET /api/v1/org/units/4/majors': ok(MAJORS),
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#role-fixed'))).toBe('辅导员');
    expect(textOf(p.querySelector('#unit-fixed'))).toBe('计算机科学与技术学院');
    expect(api.calls('GET /api/v1/org/units/4/majors')).toHaveLength(1);
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请填写姓名');
    await input(p, '#name', '钱多多');
    await input(p, '#phone', '123');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请填写 11 位手机号');
  });

  test('edits an existing counselor', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const api = useApi({
      'GET /api/v1/accounts/12': ok(counselor12({ cohort: 2026 })),
      'GET /api/v1/org/units/4/majors': ok(MAJORS),
      'PATCH /api/v1/accounts/12': (req) => ok(req.body),
    });
    const p = await mountPage(ROUTE, { id: '12' });
    expect(p.instance.data.name).toBe('赵欣怡');
    // The class is shown, not edited here (the year turnover moves it).
    expect(textOf(p.querySelector('#cohort-fixed'))).toBe('2026届');
    expect(p.querySelector('#cohort')).toBeFalsy();
    expect(p.instance.data.majors).toEqual([{ id: 1, name: '软件工程（本科）', checked: true }]);
    await tap(p, '#level-master');
    await tap(p, '#major-2');
    await input(p, '#name', '赵欣');
    await tap(p, '#submit');
    expect(api.calls('PATCH /api/v1/accounts/12')[0].body).toEqual({
      name: '赵欣',
      phone: '13900010001',
      education_levels: ['bachelor', 'master'],
      major_ids: [1, 2],
    });
    expect(wxControl.lastToast()).toBe('已保存');
  });

  test('shows whether the credentials SMS reached the phone: sent, failed, or nothing', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const sms = (status, extra) =>
      Object.assign({ status, attempts: 1, created_at: '2026-03-02T01:00:00Z', sent_at: null, last_error: null }, extra);
    const cases = [
      [sms('sent', { sent_at: '2026-03-02T01:00:05Z' }), /^初始密码短信：已发送 (2026年)?03月02日 09:00$/, 'success-text'],
      [sms('failed', { attempts: 5, last_error: '号码无效' }), /^初始密码短信：未送达（号码无效），可重置密码重新发送$/, 'danger-text'],
    ];
    for (const [credentials, text, className] of cases) {
      useApi({ 'GET /api/v1/accounts/12': ok(counselor12({ credentials_sms: credentials })), 'GET /api/v1/org/units/4/majors': ok(MAJORS) });
      const p = await mountPage(ROUTE, { id: '12' });
      expect(textOf(p.querySelector('#credentials-sms'))).toMatch(text);
      expect(p.instance.data.sms.className).toBe(className);
    }
    useApi({ 'GET /api/v1/accounts/12': ok(counselor12()), 'GET /api/v1/org/units/4/majors': ok(MAJORS) });
    const p = await mountPage(ROUTE, { id: '12' });
    expect(p.instance.data.name).toBe('赵欣怡');
    expect(p.querySelector('#credentials-sms')).toBeFalsy();
  });
});
