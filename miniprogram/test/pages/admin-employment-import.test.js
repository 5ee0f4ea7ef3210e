const { mountPage, tap, textOf, waitFor } = require('../support/mount');
const { useApi, loggedIn, ok, fail, admin } = require('../support/stub');

const ROUTE = 'pages/admin/employment-import/index';
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function report(extra) {
  return Object.assign(
    { rows: 5000, errors: [], inserted: 4800, updated: 150, unchanged: 50, new_colleges: [], majors_added: 0, committed: false },
    extra,
  );
}

function run(id, extra) {
  return Object.assign(
    { id, filename: '2026届就业数据.xlsx', status: 'running', dry_run: false, processed: 0, total: 0, created_at: '2030-06-01T02:00:00Z', finished_at: null, report: null },
    extra,
  );
}

function chooseReport() {
  return wxControl.offerFile('2026届就业数据.xlsx', 'xlsx bytes');
}

describe('employment data import page', () => {
  beforeEach(() => loggedIn(SCHOOL));

  test('lists the latest runs and opens the template', async () => {
    const api = useApi({
      'GET /api/v1/employment/imports': ok([
        run(2, { status: 'done', report: report({ committed: true }), finished_at: '2030-06-01T02:01:00Z' }),
        run(1, { dry_run: true, status: 'done', filename: '旧.csv', report: report({ errors: [{ row: 3, column: '学历层次', reason: '无效' }] }) }),
      ]),
      'GET /api/v1/employment/template': { status: 200, body: Buffer.from('PK template') },
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#history-2'))).toBe('2026届就业数据.xlsx导入 · 2030年06月01日 10:00已导入 5000 行');
    expect(textOf(p.querySelector('#history-1'))).toContain('检查发现 1 处错误');
    expect(p.querySelector('#run')).toBeFalsy();

    await tap(p, '#template');
    expect(api.calls('GET /api/v1/employment/template')[0].header.authorization).toBe('Bearer token-1');
    expect(wxControl.state.documents[0]).toMatchObject({ fileType: 'xlsx', showMenu: true });
  });

  test('choose → check → confirm → background import polled every second → result', async () => {
    let polls = 0;
    const api = useApi({
      'GET /api/v1/employment/imports': ok([]),
      'POST /api/v1/employment/imports': (req) =>
        req.query.dry_run === 'true'
          ? ok(report({ new_colleges: ['新能源学院', '艺术学院'] }))
          : { status: 202, body: run(9) },
      'GET /api/v1/employment/imports/9': () => {
        polls += 1;
        if (polls === 1) return ok(run(9, { processed: 2000, total: 5000 }));
        return ok(run(9, { status: 'done', processed: 5000, total: 5000, report: report({ committed: true, new_colleges: ['新能源学院', '艺术学院'], majors_added: 3 }) }));
      },
    });
    const p = await mountPage(ROUTE);
    const path = chooseReport();
    await tap(p, '#choose');
    expect(wxControl.state.chosen[0]).toMatchObject({ count: 1, type: 'file', extension: ['xlsx', 'csv'] });
    const [dry] = api.calls('POST /api/v1/employment/imports');
    expect(dry.query).toEqual({ dry_run: 'true', filename: '2026届就业数据.xlsx' });
    expect(dry.upload).toMatchObject({ filePath: path, name: 'file' });
    expect(textOf(p.querySelector('#file-name'))).toBe('2026届就业数据.xlsx10 B');
    expect(textOf(p.querySelector('#check-rows'))).toBe('5000');
    expect(textOf(p.querySelector('#check-inserted'))).toBe('4800');
    expect(textOf(p.querySelector('#check-updated'))).toBe('150');
    expect(textOf(p.querySelector('#check-unchanged'))).toBe('50');
    expect(textOf(p.querySelector('#new-colleges'))).toContain('新能源学院、艺术学院');
    expect(textOf(p.querySelector('#check-ok'))).toBe('检查通过，可以导入。');

    wxControl.answerModal(false);
    await tap(p, '#confirm');
    expect(wxControl.state.modals[0].content).toBe('「2026届就业数据.xlsx」共 5000 行，将新增 4800 人、更新 150 人，并新建院系：新能源学院、艺术学院。');
    expect(api.calls('POST /api/v1/employment/imports')).toHaveLength(1);

    await tap(p, '#confirm');
    const commit = api.calls('POST /api/v1/employment/imports')[1];
    expect(commit.query).toEqual({ background: 'true', filename: '2026届就业数据.xlsx' });
    expect(textOf(p.querySelector('#run-progress-text'))).toBe('正在读取文件…');
    expect(p.querySelector('#confirm')).toBeFalsy();
    expect(p.querySelector('#check')).toBeFalsy();

    await waitFor(() => polls === 1);
    expect(textOf(p.querySelector('#run-progress-text'))).toBe('已处理 2000 / 5000 行');
    expect(p.instance.data.run.percent).toBe(40);
    expect(textOf(p.querySelector('#run-progress'))).toBe('40%');

    await waitFor(() => p.instance.data.result !== null);
    expect(polls).toBe(2);
    expect(textOf(p.querySelector('#result-title'))).toBe('导入完成');
    expect(textOf(p.querySelector('#result-text'))).toBe('新增 4800 人，更新 150 人，无变化 50 人，新建院系 2 个，新增专业 3 个。');
    expect(wxControl.lastToast()).toBe('导入完成');
    expect(api.calls('GET /api/v1/employment/imports')).toHaveLength(2);
    await tap(p, '#open-stats');
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/stats/index' });
  });

  test('row errors are listed and nothing can be imported', async () => {
    const errors = Array.from({ length: 150 }, (_, i) => ({ row: i + 2, column: '毕业去向代码', reason: `毕业去向代码“99”不在 2026 届的代码表中` }));
    errors[0] = { row: 2, column: '学历层次', reason: '学历层次“大专生”无效，应为专科、本科、硕士研究生或博士研究生' };
    useApi({
      'GET /api/v1/employment/imports': ok([]),
      'POST /api/v1/employment/imports': ok(report({ errors, inserted: 0, updated: 0, unchanged: 0 })),
    });
    const p = await mountPage(ROUTE);
    chooseReport();
    await tap(p, '#choose');
    expect(textOf(p.querySelector('#check-errors'))).toBe('150');
    const listed = textOf(p.querySelector('#errors'));
    expect(listed).toContain('文件中有 150 处错误，修改后重新选择文件');
    expect(listed).toContain('第 2 行 · 学历层次学历层次“大专生”无效');
    expect(p.instance.data.check.errors).toHaveLength(100);
    expect(textOf(p.querySelector('#more-errors'))).toBe('还有 50 处错误未列出');
    expect(p.querySelector('#confirm')).toBeFalsy();
    expect(p.querySelector('#check-ok')).toBeFalsy();
  });

  test('a cancelled choice does nothing; an unreadable file shows the API message and can be checked again', async () => {
    let unreadable = true;
    const api = useApi({
      'GET /api/v1/employment/imports': ok([]),
      'POST /api/v1/employment/imports': () =>
        unreadable ? fail(422, 'invalid_input', '文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV', 'file') : ok(report()),
    });
    const p = await mountPage(ROUTE);
    await tap(p, '#choose');
    expect(api.calls('POST /api/v1/employment/imports')).toHaveLength(0);
    expect(p.querySelector('#file-name')).toBeFalsy();

    chooseReport();
    await tap(p, '#choose');
    expect(wxControl.lastToast()).toBe('文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV');
    expect(p.querySelector('#check')).toBeFalsy();
    unreadable = false;
    await tap(p, '#recheck');
    expect(api.calls('POST /api/v1/employment/imports')).toHaveLength(2);
    expect(p.querySelector('#confirm')).toBeTruthy();
    expect(p.querySelector('#recheck')).toBeFalsy();
  });

  test('a run that ends without writing says why: errors, failure, interruption', async () => {
    const outcomes = {
      10: run(10, { status: 'done', processed: 3, total: 3, report: report({ rows: 3, errors: [{ row: 3, column: '届别', reason: '届别须为四位年份' }] }) }),
      11: run(11, { status: 'failed', report: report({ rows: 0, errors: [{ row: 0, column: '文件', reason: '文件编码无法识别' }] }) }),
      12: run(12, { status: 'interrupted', processed: 2000, total: 5000 }),
    };
    useApi({ 'GET /api/v1/employment/imports': ok([]) });
    const p = await mountPage(ROUTE);

    p.instance.follow(outcomes[10]);
    await wxControl.settle();
    expect(textOf(p.querySelector('#result-title'))).toBe('导入未完成');
    expect(textOf(p.querySelector('#result-text'))).toBe('文件中有 1 处错误，未写入任何数据。请修改后重新导入。');
    expect(textOf(p.querySelector('#result-errors'))).toContain('第 3 行 · 届别届别须为四位年份');
    expect(p.querySelector('#open-stats')).toBeFalsy();

    p.instance.follow(outcomes[11]);
    await wxControl.settle();
    expect(textOf(p.querySelector('#result-title'))).toBe('导入失败');
    expect(textOf(p.querySelector('#result-errors'))).toContain('文件文件编码无法识别');

    p.instance.follow(outcomes[12]);
    await wxControl.settle();
    expect(textOf(p.querySelector('#result-title'))).toBe('导入中断');
    expect(textOf(p.querySelector('#result-text'))).toContain('未写入任何数据，请重新导入');
    expect(wxControl.state.toasts).toEqual([]);
  });

  test('a commit still running when the page opens is followed again', async () => {
    let polls = 0;
    useApi({
      'GET /api/v1/employment/imports': ok([run(5, { processed: 4000, total: 5000 }), run(4, { dry_run: true, status: 'done', report: report() })]),
      'GET /api/v1/employment/imports/5': () => {
        polls += 1;
        return ok(run(5, { status: 'done', processed: 5000, total: 5000, report: report({ committed: true }) }));
      },
    });
    const p = await mountPage(ROUTE);
    expect(textOf(p.querySelector('#run-progress-text'))).toBe('已处理 4000 / 5000 行');
    expect(textOf(p.querySelector('#history-5'))).toContain('进行中');
    expect(textOf(p.querySelector('#history-4'))).toContain('检查通过，共 5000 行');
    await waitFor(() => polls === 1);
    expect(textOf(p.querySelector('#result-title'))).toBe('导入完成');
  });

  test('progress that cannot be read three times in a row is said, and can be refreshed', async () => {
    let broken = true;
    const api = useApi({
      'GET /api/v1/employment/imports': ok([run(6, { processed: 10, total: 5000 })]),
      'GET /api/v1/employment/imports/6': () =>
        broken ? fail(503, 'database_unavailable', '服务暂时不可用') : ok(run(6, { status: 'done', processed: 5000, total: 5000, report: report({ committed: true }) })),
    });
    const p = await mountPage(ROUTE);
    await waitFor(() => p.instance.data.pollFailed, 10000);
    expect(api.calls('GET /api/v1/employment/imports/6')).toHaveLength(3);
    expect(textOf(p.querySelector('#poll-failed'))).toContain('无法获取导入进度');
    expect(wxControl.state.toasts).toEqual([]);
    broken = false;
    await tap(p, '#refresh-run');
    expect(textOf(p.querySelector('#result-title'))).toBe('导入完成');
  }, 15000);

  test('leaving the page stops polling', async () => {
    const api = useApi({
      'GET /api/v1/employment/imports': ok([run(7, { processed: 10, total: 5000 })]),
      'GET /api/v1/employment/imports/7': ok(run(7, { processed: 20, total: 5000 })),
    });
    const p = await mountPage(ROUTE);
    p.instance.onUnload();
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await wxControl.settle();
    expect(api.calls('GET /api/v1/employment/imports/7')).toHaveLength(0);
  });
});
