// 就业资讯 against the real server: a ministry admin (created for this flow) publishes a
// written item and a link through the form (the API's refusal shown under its field), a
// counselor reads both, the admin corrects one and withdraws the other, which the counselor
// no longer sees.
const { input, tap, change, textOf } = require('../support/mount');
const { coldStart, follow } = require('../support/driver');
const real = require('../support/real');

const WRITTEN = '2030届高校毕业生就业创业工作通知';
const LINKED = '“国聘行动”校园招聘专场';

let ministry;
let counselorToken;

beforeAll(async () => {
  ministry = await real.createAdmin({ role: 'ministry_admin', username: 'mp_news_ministry', name: '教育部学生司' });
  counselorToken = await real.readyToken('13900010011');
});

beforeEach(() => real.useRealServer());

function asMinistry() {
  wx.setStorageSync('fudao_token', ministry.token);
  wx.setStorageSync('fudao_profile', ministry.me);
}

function itemNamed(page, title) {
  const item = page.instance.data.items.find((entry) => entry.title === title);
  if (!item) throw new Error(`no item ${title} in ${JSON.stringify(page.instance.data.items.map((i) => i.title))}`);
  return item;
}

test('publish, read, correct and withdraw', async () => {
  asMinistry();
  const form = await coldStart('pages/admin/news-edit/index');
  await input(form, '#title', WRITTEN);
  await input(form, '#body', '各地各高校要把促进毕业生就业作为头等大事。\n做好离校未就业毕业生帮扶。');
  await input(form, '#cover', 'http://img.example.cn/cover.png');
  await tap(form, '#submit');
  expect(wxControl.state.modals.pop().title).toBe('发布资讯');
  expect(wxControl.state.requests.pop()).toMatchObject({ statusCode: 422, response: { code: 'invalid_input', field: 'cover_url' } });
  expect(textOf(form.querySelector('#error-cover_url'))).toContain('https://');
  await input(form, '#cover', 'https://img.example.cn/cover.png');
  await tap(form, '#submit');
  expect(wxControl.lastToast()).toBe('已发布');
  expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/news/index' });

  let managed = await follow();
  const written = itemNamed(managed, WRITTEN);
  expect(textOf(managed.querySelector(`#news-${written.id}`))).toContain('展示中');
  await tap(managed, '#create');
  const linkForm = await follow();
  await input(linkForm, '#title', LINKED);
  await change(linkForm, '#mode', true);
  await input(linkForm, '#link', 'https://www.ncss.cn/guopin');
  await input(linkForm, '#summary', '央企校园招聘专场，11月起陆续开展');
  await tap(linkForm, '#submit');
  expect(wxControl.lastToast()).toBe('已发布');
  expect(wxControl.lastNavigation()).toEqual({ type: 'navigateBack', delta: 1 });
  managed = await follow();
  const linked = itemNamed(managed, LINKED);
  expect(managed.instance.data.items.map((i) => i.id).indexOf(linked.id)).toBeLessThan(
    managed.instance.data.items.map((i) => i.id).indexOf(written.id),
  );

  // A counselor reads both, newest first.
  wx.setStorageSync('fudao_token', counselorToken);
  wx.removeStorageSync('fudao_profile');
  const list = await coldStart('pages/news/index');
  const ids = list.instance.data.items.map((i) => i.id);
  expect(ids.indexOf(linked.id)).toBeGreaterThanOrEqual(0);
  expect(ids.indexOf(linked.id)).toBeLessThan(ids.indexOf(written.id));
  expect(textOf(list.querySelector(`#news-${linked.id}`))).toContain('外部文章');
  await tap(list, `#news-${written.id}`);
  const detail = await follow();
  expect(textOf(detail.querySelector('#title'))).toBe(WRITTEN);
  expect(detail.instance.data.paragraphs).toEqual(['各地各高校要把促进毕业生就业作为头等大事。', '做好离校未就业毕业生帮扶。']);
  expect(detail.querySelector('#cover')).toBeTruthy();

  const linkDetail = await coldStart('pages/news/detail', { id: String(linked.id) });
  expect(textOf(linkDetail.querySelector('#summary'))).toBe('央企校园招聘专场，11月起陆续开展');
  await tap(linkDetail, '#copy-link');
  expect(wxControl.state.clipboard).toEqual(['https://www.ncss.cn/guopin']);

  // The admin corrects the written one and withdraws the link.
  asMinistry();
  managed = await coldStart('pages/admin/news/index');
  wxControl.answerSheet(1);
  await tap(managed, `#news-${written.id}`);
  const edit = await follow();
  expect(edit.instance.data).toMatchObject({ title: WRITTEN, isLink: false, coverUrl: 'https://img.example.cn/cover.png' });
  await input(edit, '#title', `${WRITTEN}（更正）`);
  await tap(edit, '#submit');
  expect(wxControl.lastToast()).toBe('已保存');

  managed = await coldStart('pages/admin/news/index');
  wxControl.answerSheet(2);
  await tap(managed, `#news-${linked.id}`);
  expect(wxControl.state.modals.pop().title).toBe('撤回资讯');
  expect(textOf(managed.querySelector(`#news-${linked.id}`))).toContain('已撤回');

  wx.setStorageSync('fudao_token', counselorToken);
  wx.removeStorageSync('fudao_profile');
  const after = await coldStart('pages/news/index');
  expect(after.instance.data.items.map((i) => i.id)).not.toContain(linked.id);
  expect(itemNamed(after, `${WRITTEN}（更正）`).id).toBe(written.id);
  const gone = await coldStart('pages/news/detail', { id: String(linked.id) });
  expect(textOf(gone.querySelector('#failed'))).toContain('该资讯不存在或已撤回');
});

test('counselors cannot publish: the API refuses with its message', async () => {
  wx.setStorageSync('fudao_token', counselorToken);
  const form = await coldStart('pages/admin/news-edit/index');
  await input(form, '#title', '辅导员不能发布');
  await input(form, '#body', '正文');
  await tap(form, '#submit');
  expect(wxControl.state.requests.pop()).toMatchObject({ statusCode: 403, response: { code: 'forbidden' } });
  expect(wxControl.lastToast()).toMatch(/[\u4e00-\u9fa5]/);
  expect(wxControl.lastNavigation()).toBeNull();
});
