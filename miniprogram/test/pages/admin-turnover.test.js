const { mountPage, tap, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin } = require('../support/stub');

const ROUTE = 'pages/admin/turnover/index';

function counselor(id, name, cohort) {
  return {
    id,
    username: `1390000${id}`,
    name,
    phone: '139****0001',
    role: 'counselor',
    role_label: '辅导员',
    org_unit: { id: 4, kind: 'college', name: '计算机科学与技术学院' },
    education_levels: ['bachelor'],
    majors: [],
    cohort,
    wechat: { bound: id === 1, following: null, mini_linked: false },
    credentials_sms: null,
    disabled: false,
    must_change_password: false,
  };
}

describe('turnover page', () => {
  beforeEach(() => {
    loggedIn(admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' }));
  });

  test('carries the chosen counselors of the class before, disables the rest, and undoes it', async () => {
    const api = useApi({
      'GET /api/v1/accounts': ok(page([counselor(1, '王晓明', 2026), counselor(2, '李思雨', 2026), counselor(3, '赵欣怡', 2026)], 3)),
      'POST /api/v1/accounts/turnover': ok({ id: 41, from: 2026, to: 2027, carried: [1], disabled: [2, 3] }),
      'POST /api/v1/accounts/turnover/41/undo': ok({ id: null, from: 2026, to: 2027, carried: [1], disabled: [2, 3] }),
    });
    const p = await mountPage(ROUTE);
    // The class before the one under way (2027), enabled counselors only.
    expect(api.calls('GET /api/v1/accounts')[0].query).toEqual({
      role: 'counselor',
      cohort: '2026',
      disabled: 'false',
      page: '1',
      per_page: '100',
    });
    expect(textOf(p.querySelector('#person-2'))).toContain('停用');
    expect(textOf(p.querySelector('#person-2'))).toContain('未绑定微信');

    await tap(p, '#person-1');
    expect(textOf(p.querySelector('#person-1'))).toContain('留任');
    expect(textOf(p.querySelector('#submit'))).toContain('留任 1 人，停用 2 人');

    wxControl.answerModal(true);
    await tap(p, '#submit');
    const modal = wxControl.state.modals[0];
    expect(modal.title).toBe('确认 2026届 换届');
    expect(modal.content).toContain('1 人转入 2027届');
    expect(modal.content).toContain('其余 2 人停用');
    expect(api.calls('POST /api/v1/accounts/turnover')[0].body).toEqual({ from: 2026, carry: [1], disable_rest: true });
    expect(textOf(p.querySelector('#result'))).toContain('1 人已转入 2027届，2 人已停用');
    expect(p.querySelector('#submit')).toBeFalsy();

    wxControl.answerModal(true);
    await tap(p, '#undo');
    expect(api.calls('POST /api/v1/accounts/turnover/41/undo')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('已撤销');
    expect(p.querySelector('#result')).toBeFalsy();
    expect(api.calls('GET /api/v1/accounts')).toHaveLength(2);
  });

  test('keeping the rest asks for someone to carry; select all; another class', async () => {
    const api = useApi({
      'GET /api/v1/accounts': ok(page([counselor(1, '王晓明', 2026), counselor(2, '李思雨', 2026)], 2)),
    });
    const p = await mountPage(ROUTE);
    await change(p, '#disable-rest', false);
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toContain('请选择留任的辅导员');
    expect(api.calls('POST /api/v1/accounts/turnover')).toHaveLength(0);

    await tap(p, '#select-all');
    expect(p.instance.data.carried).toBe(2);
    expect(textOf(p.querySelector('#select-all'))).toBe('全不选');
    await tap(p, '#select-all');
    expect(p.instance.data.carried).toBe(0);

    await change(p, '#class-picker', '1');
    expect(api.calls('GET /api/v1/accounts')[1].query.cohort).toBe('2027');
  });

  test('a class with nobody left says so', async () => {
    useApi({ 'GET /api/v1/accounts': ok(page([], 0)) });
    const p = await mountPage(ROUTE);
    expect(textOf(p)).toContain('2026届没有在用的辅导员账号');
    expect(p.querySelector('#submit')).toBeFalsy();
  });
});
