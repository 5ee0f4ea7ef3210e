const { mountPage, tap, input, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, page, admin, unit, adminTask } = require('../support/stub');

const ROUTE = 'pages/admin/task-new/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function reachOf(req) {
  const units = req.body.unit_ids.length;
  const levels = req.body.education_levels.length;
  const matched = units === 0 ? 24 : units * 8;
  return ok({ matched: levels ? matched / 2 : matched, bound: 2, not_bound: (levels ? matched / 2 : matched) - 2 });
}

function schoolApi(extra) {
  return useApi(
    Object.assign(
      {
        'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3), unit(5, '经济管理学院', 'college', 3)])),
        'POST /api/v1/tasks/preview': reachOf,
      },
      extra,
    ),
  );
}

describe('create task page', () => {
  test('a school picks colleges and levels; the reach is previewed live', async () => {
    loggedIn(SCHOOL);
    const api = schoolApi();
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/org/units')[0].query.parent_id).toBe('3');
    expect(textOf(p.querySelector('#reach'))).toContain('将派发给 24 名辅导员');
    await tap(p, '#unit-5');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).toEqual({ unit_ids: [5], education_levels: [] });
    expect(textOf(p.querySelector('#reach'))).toContain('将派发给 8 名辅导员，其中 2 人已绑定服务号');
    await tap(p, '#level-bachelor');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).toEqual({ unit_ids: [5], education_levels: ['bachelor'] });
    expect(p.instance.data.reach.matched).toBe(4);
  });

  test('the class under way by default; every class on request', async () => {
    loggedIn(SCHOOL);
    const api = schoolApi();
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#cohort-current'))).toBe('2027届（当前毕业班）');
    expect(p.instance.data.cohortChoice).toBe('current');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).not.toHaveProperty('all_cohorts');
    await tap(p, '#cohort-all');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).toEqual({ unit_ids: [], education_levels: [], all_cohorts: true });
    await tap(p, '#cohort-current');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).toEqual({ unit_ids: [], education_levels: [] });
  });

  test('a college admin picks no unit, only levels', async () => {
    loggedIn(admin('college_admin', { id: 4, kind: 'college', name: '计算机科学与技术学院' }));
    const api = useApi({ 'POST /api/v1/tasks/preview': reachOf });
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/org/units')).toHaveLength(0);
    expect(textOf(p.querySelector('#targets'))).toContain('发给本院系的辅导员');
  });

  test('the ministry can open a province to pick universities', async () => {
    loggedIn(admin('ministry_admin', { id: 1, kind: 'ministry', name: '教育部' }));
    const api = useApi({
      'GET /api/v1/org/units': (req) =>
        ok(req.query.parent_id === '1' ? page([unit(2, '江苏省', 'province', 1)]) : page([unit(3, '江南示范大学', 'university', 2)])),
      'POST /api/v1/tasks/preview': reachOf,
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#expand-2');
    expect(api.calls('GET /api/v1/org/units')[1].query.parent_id).toBe('2');
    await tap(p, '#unit-3');
    expect(api.calls('POST /api/v1/tasks/preview').pop().body.unit_ids).toEqual([3]);
  });

  test('requires a title and content, then confirms and publishes', async () => {
    loggedIn(SCHOOL);
    const api = schoolApi({
      'POST /api/v1/tasks': (req) => ok(Object.assign({ id: 77 }, req.body)),
      'POST /api/v1/tasks/77/publish': ok({ assigned: 8, queued: 2 }),
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('请填写任务标题');
    await input(p, '#title', '春季双选会');
    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('请填写任务内容');
    await input(p, '#content', '时间：3月15日\n\n地点：体育馆');
    await input(p, '#link', 'https://example.edu.cn/fair');
    await change(p, '#kind', '1');
    await change(p, '#deadline-date', '2030-03-15');
    await change(p, '#deadline-time', '17:30');
    await change(p, '#confidential', true);
    await tap(p, '#unit-4');

    wxControl.answerModal(false);
    await tap(p, '#publish');
    expect(wxControl.state.modals[0].content).toContain('将派发给 8 名辅导员，其中 2 人会收到服务号通知');
    expect(api.calls('POST /api/v1/tasks')).toHaveLength(0);

    await tap(p, '#publish');
    expect(api.calls('POST /api/v1/tasks')[0].body).toEqual({
      kind: 'job_fair',
      title: '春季双选会',
      content: '时间：3月15日\n\n地点：体育馆',
      link: 'https://example.edu.cn/fair',
      confidential: true,
      deadline: '2030-03-15T17:30:00+08:00',
      target: { unit_ids: [4], education_levels: [] },
    });
    expect(api.calls('POST /api/v1/tasks/77/publish')).toHaveLength(1);
    expect(wxControl.lastToast()).toBe('已发布，派发 8 人');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/progress/index?id=77' });
  });

  test('a live course sends start and end instead of a deadline', async () => {
    loggedIn(SCHOOL);
    const api = schoolApi({
      'POST /api/v1/tasks': ok({ id: 5 }),
      'POST /api/v1/tasks/5/publish': ok({ assigned: 24, queued: 0 }),
    });
    const p = await mountPage(ROUTE);
    await change(p, '#kind', '2');
    expect(p.querySelector('#live-fields')).toBeTruthy();
    expect(p.querySelector('#deadline-field')).toBeFalsy();
    await input(p, '#title', '就业直播课');
    await input(p, '#content', '请准时参加');
    await change(p, '#start-date', '2030-05-01');
    await change(p, '#start-time', '19:00');
    await change(p, '#end-date', '2030-05-01');
    await change(p, '#end-time', '20:30');
    await tap(p, '#publish');
    const body = api.calls('POST /api/v1/tasks')[0].body;
    expect(body.kind).toBe('live_course');
    expect(body.starts_at).toBe('2030-05-01T19:00:00+08:00');
    expect(body.ends_at).toBe('2030-05-01T20:30:00+08:00');
    expect(body.deadline).toBeUndefined();
  });

  test('a refused draft shows the API message; a failed publish retries the same draft', async () => {
    loggedIn(SCHOOL);
    let publishFails = true;
    const api = schoolApi({
      'POST /api/v1/tasks': ok({ id: 6 }),
      'POST /api/v1/tasks/6/publish': () =>
        publishFails ? fail(503, 'database_unavailable', '服务暂时不可用，请稍后再试') : ok({ assigned: 24, queued: 0 }),
    });
    const p = await mountPage(ROUTE);
    await input(p, '#title', '通知');
    await input(p, '#content', '内容');
    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('服务暂时不可用，请稍后再试');
    publishFails = false;
    await tap(p, '#publish');
    expect(api.calls('POST /api/v1/tasks')).toHaveLength(1);
    expect(api.calls('POST /api/v1/tasks/6/publish')).toHaveLength(2);
  });

  test('no counselor in the chosen scope: nothing is published', async () => {
    loggedIn(SCHOOL);
    const api = schoolApi({ 'POST /api/v1/tasks/preview': ok({ matched: 0, bound: 0, not_bound: 0 }) });
    const p = await mountPage(ROUTE);
    await input(p, '#title', '通知');
    await input(p, '#content', '内容');
    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('所选范围内没有辅导员，请调整发布对象');
    expect(wxControl.state.modals).toHaveLength(0);
    expect(api.calls('POST /api/v1/tasks')).toHaveLength(0);
  });
});

describe('create task page, many units', () => {
  test('a province with more than 100 universities lists them all', async () => {
    loggedIn(admin('province_admin', { id: 2, kind: 'province', name: '江苏省' }));
    const all = Array.from({ length: 130 }, (_, i) => unit(100 + i, `高校${i}`, 'university', 2));
    const api = useApi({
      'GET /api/v1/org/units': (req) => {
        const n = Number(req.query.page);
        return ok(page(all.slice((n - 1) * 100, n * 100), all.length, n, 100));
      },
      'POST /api/v1/tasks/preview': reachOf,
    });
    const p = await mountPage(ROUTE);
    expect(api.calls('GET /api/v1/org/units').map((c) => c.query.page)).toEqual(['1', '2']);
    expect(p.instance.data.units).toHaveLength(130);
    expect(textOf(p.querySelector('#targets'))).toContain('选择高校');
  });
});

describe('create task page, copied from an earlier task', () => {
  test('takes the fields and target, not the dates or files', async () => {
    loggedIn(SCHOOL);
    const old = adminTask(7, {
      kind: 'job_fair',
      title: '春季双选会',
      content: '地点：体育馆',
      link: 'https://example.edu.cn/fair',
      confidential: true,
      deadline: '2020-01-01T10:00:00Z',
      target: { unit_ids: [5], education_levels: ['bachelor'], cohort: null },
    });
    const api = schoolApi({ 'GET /api/v1/tasks/7': ok(old) });
    const p = await mountPage(ROUTE, { copy: '7' });
    expect(textOf(p.querySelector('#copied'))).toContain('已复制「春季双选会」');
    const d = p.instance.data;
    expect(d.kinds[d.kindIndex].value).toBe('job_fair');
    expect([d.title, d.content, d.link, d.confidential]).toEqual(['春季双选会', '地点：体育馆', 'https://example.edu.cn/fair', true]);
    expect(d.units.filter((u) => u.checked).map((u) => u.id)).toEqual([5]);
    expect(d.levels.filter((l) => l.checked).map((l) => l.value)).toEqual(['bachelor']);
    expect(d.cohortChoice).toBe('all');
    // The old deadline has passed: the form keeps its own fresh one.
    expect(d.deadlineDate > '2020-01-01').toBe(true);
    expect(api.calls('POST /api/v1/tasks/preview').pop().body).toEqual({ unit_ids: [5], education_levels: ['bachelor'], all_cohorts: true });
  });
});

