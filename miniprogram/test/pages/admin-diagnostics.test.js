const { mountPage, tap, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, page, admin, unit } = require('../support/stub');

const ROUTE = 'pages/admin/diagnostics/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function diagnostics(extra) {
  return Object.assign(
    {
      cohort: 2027,
      accounts: [{ account_id: 41, name: '王晓明', college: '计算机学院', reasons: ['负责专业“软件工程（嵌入式）”在数据中没有毕业生'] }],
      majors_without_counselor: [{ college: '计算机学院', education_level: 'bachelor', major: '网络工程', graduates: 36 }],
      colleges_without_unit: [{ college: '计算机科学与技术学院', graduates: 120 }],
    },
    extra,
  );
}

describe('name diagnostics page', () => {
  test('lists where the data and the catalog disagree and creates the college the data names', async () => {
    loggedIn(SCHOOL);
    let fixed = false;
    const api = useApi({
      'GET /api/v1/employment/diagnostics': () => ok(fixed ? diagnostics({ colleges_without_unit: [] }) : diagnostics()),
      'POST /api/v1/org/units': (req) => {
        fixed = true;
        return ok(unit(9, req.body.name, 'college', 3));
      },
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#intro'))).toContain('2027届');
    expect(textOf(p.querySelector('#colleges'))).toContain('计算机科学与技术学院');
    expect(textOf(p.querySelector('#colleges'))).toContain('120 名毕业生');
    expect(textOf(p.querySelector('#accounts'))).toContain('软件工程（嵌入式）');
    expect(textOf(p.querySelector('#majors'))).toContain('计算机学院 · 本科 · 网络工程');

    wxControl.answerSheet(0);
    await tap(p, '#college-0');
    const body = api.calls('POST /api/v1/org/units')[0].body;
    expect(body).toMatchObject({ kind: 'college', name: '计算机科学与技术学院', parent_id: 3 });
    expect(body.code).toMatch(/^[a-z0-9]{1,32}$/);
    expect(p.querySelector('#colleges')).toBeFalsy();

    await tap(p, '#account-41');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/account-edit/index?id=41' });
  });

  test('renames an existing college to the data name after a confirmation', async () => {
    loggedIn(SCHOOL);
    const api = useApi({
      'GET /api/v1/employment/diagnostics': ok(diagnostics()),
      'GET /api/v1/org/units': ok(page([unit(4, '计算机学院', 'college', 3), unit(5, '外国语学院', 'college', 3)])),
      'PATCH /api/v1/org/units/4': (req) => ok(unit(4, req.body.name, 'college', 3)),
    });
    const p = await mountPage(ROUTE);
    wxControl.answerSheet(1, 0);
    wxControl.answerModal(true);
    await tap(p, '#college-0');
    await wxControl.settle();
    expect(wxControl.state.modals.pop().content).toContain('把“计算机学院”改名为“计算机科学与技术学院”');
    expect(api.calls('PATCH /api/v1/org/units/4')[0].body).toEqual({ name: '计算机科学与技术学院' });
  });

  test('all names agree; a college admin reads but does not fix colleges', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机学院' }));
    useApi({ 'GET /api/v1/employment/diagnostics': ok(diagnostics({ accounts: [], majors_without_counselor: [], colleges_without_unit: [] })) });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#clean'))).toContain('名称全部一致');
    useApi({ 'GET /api/v1/employment/diagnostics': ok(diagnostics()) });
    const q = await mountPage(ROUTE);
    wxControl.answerSheet(0);
    await tap(q, '#college-0');
    expect(wxControl.state.sheets).toHaveLength(0);
  });

  test('reached from the employment import page', async () => {
    loggedIn(SCHOOL);
    useApi({ 'GET /api/v1/employment/imports': ok([]) });
    const p = await mountPage('pages/admin/employment-import/index');
    await tap(p, '#open-diagnostics');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/diagnostics/index' });
  });
});
