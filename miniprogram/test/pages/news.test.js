const { mountPage, tap, input, change, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, page, COUNSELOR, admin } = require('../support/stub');

const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

// A 就业资讯 item as the API answers it (NewsView).
function newsItem(id, extra) {
  return Object.assign(
    {
      id,
      title: `资讯${id}`,
      summary: `摘要${id}`,
      cover_url: null,
      link_url: null,
      body: '第一段\n第二段',
      org_unit_id: 3,
      published_at: '2030-03-01T02:00:00Z',
      updated_at: '2030-03-01T02:00:00Z',
      withdrawn: false,
      page_url: `https://fudao.example.edu.cn/news/${id}`,
    },
    extra,
  );
}

const LINKED = {
  body: null,
  link_url: 'https://www.ncss.cn/article/1',
  page_url: 'https://www.ncss.cn/article/1',
  summary: '教育部发布2030届毕业生就业工作通知',
};

describe('news list (everyone)', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('items reaching the user, newest first, with cover, summary and date; opens one', async () => {
    const api = useApi({
      'GET /api/v1/news': ok(page([newsItem(2, Object.assign({ cover_url: 'https://img.example.cn/2.png' }, LINKED)), newsItem(1)], 2)),
    });
    const p = await mountPage('pages/news/index');
    expect(api.calls('GET /api/v1/news')[0].query).toEqual({ page: '1', per_page: '20' });
    const linked = textOf(p.querySelector('#news-2'));
    expect(linked).toContain('资讯2');
    expect(linked).toContain('教育部发布2030届毕业生就业工作通知');
    expect(linked).toContain('2030年03月01日 10:00');
    expect(linked).toContain('外部文章');
    expect(p.querySelector('#cover-2')).toBeTruthy();
    expect(textOf(p.querySelector('#news-1'))).not.toContain('外部文章');
    expect(p.querySelector('#cover-1')).toBeFalsy();
    expect(textOf(p)).toContain('没有更多了');
    await tap(p, '#news-1');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/news/detail?id=1' });
  });

  test('pages on reaching the bottom; nothing yet says so', async () => {
    const api = useApi({
      'GET /api/v1/news': (req) => ok(page(req.query.page === '1' ? [newsItem(3), newsItem(2)] : [newsItem(1)], 3, Number(req.query.page))),
    });
    const p = await mountPage('pages/news/index');
    await p.instance.onReachBottom();
    expect(api.calls('GET /api/v1/news')[1].query.page).toBe('2');
    expect(p.instance.data.items.map((i) => i.id)).toEqual([3, 2, 1]);

    useApi({ 'GET /api/v1/news': ok(page([])) });
    const empty = await mountPage('pages/news/index');
    expect(textOf(empty)).toContain('暂无就业资讯');
  });

  test('a failed load says so, with the API message as a toast', async () => {
    useApi({ 'GET /api/v1/news': fail(503, 'database_unavailable', '数据库暂时不可用') });
    const p = await mountPage('pages/news/index');
    expect(wxControl.lastToast()).toBe('数据库暂时不可用');
    expect(textOf(p.querySelector('#failed'))).toBe('加载失败，下拉刷新重试');
  });
});

describe('news detail', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('a written item: title, date, cover, one paragraph per line', async () => {
    const item = newsItem(5, {
      cover_url: 'https://img.example.cn/5.png',
      body: '各位辅导员：\r\n\n  春季招聘月活动即将开始。\n请通知毕业生。',
      updated_at: '2030-03-02T02:00:00Z',
    });
    useApi({ 'GET /api/v1/news/5': ok(item) });
    const p = await mountPage('pages/news/detail', { id: '5' });
    expect(textOf(p.querySelector('#title'))).toBe('资讯5');
    expect(textOf(p.querySelector('#date'))).toBe('发布于 2030年03月01日 10:00，更新于 2030年03月02日 10:00');
    expect(p.instance.data.paragraphs).toEqual(['各位辅导员：', '春季招聘月活动即将开始。', '请通知毕业生。']);
    expect(p.querySelectorAll('.paragraph')).toHaveLength(3);
    expect(p.querySelector('#link')).toBeFalsy();
    expect(p.querySelector('#withdrawn')).toBeFalsy();
    await tap(p, '#cover');
    expect(wxControl.state.previews).toEqual([{ urls: ['https://img.example.cn/5.png'], current: 'https://img.example.cn/5.png', failed: false }]);
  });

  test('a linked item: the summary and a button that copies the link', async () => {
    useApi({ 'GET /api/v1/news/6': ok(newsItem(6, LINKED)) });
    const p = await mountPage('pages/news/detail', { id: '6' });
    expect(p.querySelector('#body')).toBeFalsy();
    expect(p.querySelector('#cover')).toBeFalsy();
    expect(textOf(p.querySelector('#summary'))).toBe('教育部发布2030届毕业生就业工作通知');
    expect(textOf(p.querySelector('#link'))).toContain('https://www.ncss.cn/article/1');
    expect(textOf(p.querySelector('#date'))).toBe('发布于 2030年03月01日 10:00');
    await tap(p, '#copy-link');
    expect(wxControl.state.clipboard).toEqual(['https://www.ncss.cn/article/1']);
    expect(wxControl.lastToast()).toBe('链接已复制，请在浏览器中打开');

    wxControl.failNext('setClipboardData');
    await tap(p, '#copy-link');
    expect(wxControl.lastToast()).toBe('复制失败，请长按链接手动复制');
  });

  test('an item that is gone says so and can be retried', async () => {
    let gone = true;
    const api = useApi({
      'GET /api/v1/news/7': () => (gone ? fail(404, 'not_found', '资讯不存在或无权查看') : ok(newsItem(7))),
    });
    const p = await mountPage('pages/news/detail', { id: '7' });
    expect(textOf(p.querySelector('#failed'))).toContain('该资讯不存在或已撤回。');
    expect(wxControl.state.toasts).toEqual([]);
    gone = false;
    await tap(p, '#retry');
    expect(api.calls('GET /api/v1/news/7')).toHaveLength(2);
    expect(textOf(p.querySelector('#title'))).toBe('资讯7');
  });

  test('other failures show their message; no id at all asks nothing', async () => {
    wxControl.setTransport(() => Promise.reject(new Error('offline')));
    const offline = await mountPage('pages/news/detail', { id: '8' });
    expect(textOf(offline.querySelector('#failed'))).toContain('网络连接失败，请检查网络后重试');

    const api = useApi({});
    const none = await mountPage('pages/news/detail', {});
    expect(textOf(none.querySelector('#failed'))).toContain('链接不完整');
    expect(none.querySelector('#retry')).toBeFalsy();
    expect(api.seen).toHaveLength(0);
  });

  test('an admin opening an item they withdrew sees that it is withdrawn', async () => {
    loggedIn(SCHOOL);
    useApi({ 'GET /api/v1/news/9': ok(newsItem(9, { withdrawn: true })) });
    const p = await mountPage('pages/news/detail', { id: '9' });
    expect(textOf(p.querySelector('#withdrawn'))).toBe('该资讯已撤回，读者已看不到。');
  });
});

describe('news entries', () => {
  test('the me page opens 就业资讯, for counselors and admins', async () => {
    loggedIn(COUNSELOR);
    useApi({ 'GET /api/v1/me': ok(COUNSELOR) });
    const p = await mountPage('pages/me/index');
    await tap(p, '#news-entry');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/news/index' });

    loggedIn(SCHOOL);
    useApi({ 'GET /api/v1/me': ok(SCHOOL) });
    const adminMe = await mountPage('pages/me/index');
    await tap(adminMe, '#news-entry');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/news/index' });
  });

  test('the admin home opens the managed list; the import only for schools and colleges', async () => {
    loggedIn(SCHOOL);
    useApi({ 'GET /api/v1/tasks': ok(page([])) });
    const p = await mountPage('pages/admin/home/index');
    await tap(p, '#open-news');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/news/index' });
    await tap(p, '#open-import');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/employment-import/index' });

    loggedIn(admin('province_admin', { id: 2, kind: 'province', name: '江苏省' }));
    const province = await mountPage('pages/admin/home/index');
    expect(province.querySelector('#open-news')).toBeTruthy();
    expect(province.querySelector('#open-import')).toBeFalsy();
  });
});

describe('managed news (admins)', () => {
  beforeEach(() => loggedIn(SCHOOL));

  test('lists the scope, withdrawn ones too; view and edit from the action sheet', async () => {
    const api = useApi({
      'GET /api/v1/news': ok(page([newsItem(2, LINKED), newsItem(1, { withdrawn: true })])),
    });
    const p = await mountPage('pages/admin/news/index');
    expect(api.calls('GET /api/v1/news')[0].query).toEqual({ managed: 'true', page: '1', per_page: '20' });
    expect(textOf(p.querySelector('#news-2'))).toContain('链接');
    expect(textOf(p.querySelector('#news-2'))).toContain('展示中');
    expect(textOf(p.querySelector('#news-1'))).toContain('正文');
    expect(textOf(p.querySelector('#news-1'))).toContain('已撤回');

    wxControl.answerSheet(0);
    await tap(p, '#news-2');
    expect(wxControl.state.sheets[0].itemList).toEqual(['查看', '编辑', '撤回']);
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/news/detail?id=2' });

    wxControl.answerSheet(1);
    await tap(p, '#news-1');
    expect(wxControl.state.sheets[1].itemList).toEqual(['查看', '编辑']);
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/news-edit/index?id=1' });

    await tap(p, '#create');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateTo', url: '/pages/admin/news-edit/index' });
  });

  test('撤回 asks first; cancelled nothing happens, confirmed the item is marked withdrawn', async () => {
    const api = useApi({
      'GET /api/v1/news': ok(page([newsItem(4)])),
      'DELETE /api/v1/news/4': { status: 204, body: '' },
    });
    const p = await mountPage('pages/admin/news/index');

    wxControl.answerSheet(2);
    wxControl.answerModal(false);
    await tap(p, '#news-4');
    expect(wxControl.state.modals[0]).toMatchObject({ title: '撤回资讯', answer: false });
    expect(wxControl.state.modals[0].content).toContain('撤回后「资讯4」将不再向任何人显示');
    expect(api.calls('DELETE /api/v1/news/4')).toHaveLength(0);

    wxControl.answerSheet(2);
    await tap(p, '#news-4');
    expect(api.calls('DELETE /api/v1/news/4')).toHaveLength(1);
    expect(api.calls('DELETE /api/v1/news/4')[0].header.authorization).toBe('Bearer token-1');
    expect(textOf(p.querySelector('#news-4'))).toContain('已撤回');
    expect(wxControl.lastToast()).toBe('已撤回');
  });

  test('a refused withdrawal shows the API message and changes nothing', async () => {
    useApi({
      'GET /api/v1/news': ok(page([newsItem(4)])),
      'DELETE /api/v1/news/4': fail(404, 'not_found', '资讯不存在或无权查看'),
    });
    const p = await mountPage('pages/admin/news/index');
    wxControl.answerSheet(2);
    await tap(p, '#news-4');
    expect(wxControl.lastToast()).toBe('资讯不存在或无权查看');
    expect(textOf(p.querySelector('#news-4'))).toContain('展示中');
  });

  test('coming back from the form reloads the list', async () => {
    const api = useApi({ 'GET /api/v1/news': ok(page([newsItem(1)])) });
    const p = await mountPage('pages/admin/news/index');
    p.instance.onHide();
    p.instance.onShow();
    await wxControl.settle();
    expect(api.calls('GET /api/v1/news')).toHaveLength(2);
  });
});

describe('news form (admins)', () => {
  beforeEach(() => loggedIn(SCHOOL));

  test('publishes a written item after confirming, then goes back to the list', async () => {
    const api = useApi({ 'POST /api/v1/news': (req) => ({ status: 201, body: newsItem(10, req.body) }) });
    wxControl.openPage('pages/admin/news/index');
    wxControl.state.stack.push({ route: 'pages/admin/news-edit/index', options: {} });
    const p = await mountPage('pages/admin/news-edit/index');
    expect(p.querySelector('#body-field')).toBeTruthy();
    expect(p.querySelector('#link-field')).toBeFalsy();

    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请填写标题');
    expect(textOf(p.querySelector('#error-title'))).toBe('请填写标题');
    await input(p, '#title', '  春季招聘月  ');
    expect(p.querySelector('#error-title')).toBeFalsy();
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请填写正文');
    await input(p, '#body', '3月1日起举办春季招聘月。\n请转告毕业生。\n\n');
    await input(p, '#cover', ' https://img.example.cn/c.png ');

    wxControl.answerModal(false);
    await tap(p, '#submit');
    expect(api.calls('POST /api/v1/news')).toHaveLength(0);

    await tap(p, '#submit');
    expect(wxControl.state.modals[1].content).toContain('发布「春季招聘月」？本单位及下级单位的所有账号都能看到。');
    expect(api.calls('POST /api/v1/news')[0].body).toEqual({
      title: '春季招聘月',
      cover_url: 'https://img.example.cn/c.png',
      body: '3月1日起举办春季招聘月。\n请转告毕业生。',
    });
    expect(wxControl.lastToast()).toBe('已发布');
    expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  });

  test('a link item: the switch asks for the link instead of the text', async () => {
    const api = useApi({ 'POST /api/v1/news': (req) => ({ status: 201, body: newsItem(11, req.body) }) });
    const p = await mountPage('pages/admin/news-edit/index');
    await input(p, '#title', '就业政策解读');
    await change(p, '#mode', true);
    expect(p.querySelector('#link-field')).toBeTruthy();
    expect(p.querySelector('#body-field')).toBeFalsy();
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('请填写文章链接');
    await input(p, '#link', 'https://www.ncss.cn/article/1');
    await input(p, '#summary', '政策要点');
    await tap(p, '#submit');
    expect(api.calls('POST /api/v1/news')[0].body).toEqual({
      title: '就业政策解读',
      summary: '政策要点',
      link_url: 'https://www.ncss.cn/article/1',
    });
    // Opened on its own: on to the managed list.
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/news/index' });
  });

  test("the API's refusal is shown under the field it names", async () => {
    useApi({
      'POST /api/v1/news': fail(422, 'invalid_input', '封面图片须为 https:// 开头的图片地址，不超过 512 个字符', 'cover_url'),
    });
    const p = await mountPage('pages/admin/news-edit/index');
    await input(p, '#title', '标题');
    await input(p, '#body', '正文');
    await input(p, '#cover', 'http://img.example.cn/c.png');
    await tap(p, '#submit');
    expect(wxControl.lastToast()).toBe('封面图片须为 https:// 开头的图片地址，不超过 512 个字符');
    expect(textOf(p.querySelector('#error-cover_url'))).toBe('封面图片须为 https:// 开头的图片地址，不超过 512 个字符');
    expect(wxControl.lastNavigation()).toBeNull();
    await input(p, '#cover', 'https://img.example.cn/c.png');
    expect(p.querySelector('#error-cover_url')).toBeFalsy();
  });

  test('editing loads the item and saves it with PUT, without asking', async () => {
    const item = newsItem(12, LINKED);
    const api = useApi({
      'GET /api/v1/news/12': ok(item),
      'PUT /api/v1/news/12': (req) => ok(Object.assign({}, item, req.body)),
    });
    const p = await mountPage('pages/admin/news-edit/index', { id: '12' });
    expect(p.instance.data).toMatchObject({ title: '资讯12', isLink: true, linkUrl: 'https://www.ncss.cn/article/1', summary: LINKED.summary });
    expect(textOf(p.querySelector('#submit'))).toBe('保存修改');
    await change(p, '#mode', false);
    await input(p, '#body', '改为正文');
    await tap(p, '#submit');
    expect(wxControl.state.modals).toHaveLength(0);
    expect(api.calls('PUT /api/v1/news/12')[0].body).toEqual({ title: '资讯12', summary: LINKED.summary, body: '改为正文' });
    expect(wxControl.lastToast()).toBe('已保存');
  });
});
