// Task attachments on every page that shows a task: the counselor's detail, the students'
// share view (no token), the admin's progress page (add, remove) and the create page (files
// uploaded to the draft before it is published).
const fs = require('fs');
const { mountPage, tap, input, textOf } = require('../support/mount');
const { useApi, loggedIn, ok, fail, page, COUNSELOR, admin, inDays, myTask, unit, taskProgress } = require('../support/stub');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SCHOOL = admin('school_admin', { id: 3, kind: 'university', name: '江南示范大学' });

function attachment(id, filename, contentType, extra) {
  return Object.assign(
    { id, filename, content_type: contentType, size: 2048, sha256: 'ab', created_at: '2030-01-01T00:00:00Z', url: `/api/v1/tasks/7/attachments/${id}` },
    extra,
  );
}

const BROCHURE = attachment(3, '招聘简章.pdf', 'application/pdf', { size: 1536 });
const POSTER = attachment(4, '海报.png', 'image/png', { size: 3 * 1024 * 1024 });

describe('counselor task detail', () => {
  beforeEach(() => loggedIn(COUNSELOR));

  test('lists the attachments and opens a document and an image', async () => {
    const api = useApi({
      'GET /api/v1/my/tasks/7': ok(myTask(7)),
      'GET /api/v1/tasks/7/attachments': ok([BROCHURE, POSTER]),
      'GET /api/v1/tasks/7/attachments/3': { status: 200, body: PDF },
      'GET /api/v1/tasks/7/attachments/4': { status: 200, body: PNG },
    });
    const p = await mountPage('pages/task/detail', { id: '7' });
    const card = p.querySelector('#attachments');
    expect(textOf(card)).toContain('附件（2）');
    const list = p.querySelector('#attachment-list');
    expect(textOf(list.querySelector('#attachment-3'))).toBe('PDF招聘简章.pdf1.5 KB');
    expect(textOf(list.querySelector('#attachment-4'))).toBe('图片海报.png3 MB');
    expect(list.querySelector('#remove-3')).toBeFalsy();

    await tap(list, '#attachment-3');
    expect(api.calls('GET /api/v1/tasks/7/attachments/3')[0].header.authorization).toBe('Bearer token-1');
    const [doc] = wxControl.state.documents;
    expect(doc).toMatchObject({ fileType: 'pdf', showMenu: true });
    expect(fs.readFileSync(doc.filePath).equals(PDF)).toBe(true);

    await tap(list, '#attachment-4');
    expect(wxControl.state.previews).toHaveLength(1);
    expect(fs.readFileSync(wxControl.state.previews[0].urls[0]).equals(PNG)).toBe(true);
  });

  test('a file that cannot be downloaded is a toast with the API message', async () => {
    useApi({
      'GET /api/v1/my/tasks/7': ok(myTask(7)),
      'GET /api/v1/tasks/7/attachments': ok([BROCHURE]),
      'GET /api/v1/tasks/7/attachments/3': fail(404, 'not_found', '附件不存在或无权查看'),
    });
    const p = await mountPage('pages/task/detail', { id: '7' });
    await tap(p.querySelector('#attachment-list'), '#attachment-3');
    expect(wxControl.lastToast()).toBe('附件不存在或无权查看');
    expect(wxControl.state.documents).toEqual([]);
  });

  test('no attachments, no card; a failed list can be retried', async () => {
    let broken = true;
    const api = useApi({
      'GET /api/v1/my/tasks/7': ok(myTask(7)),
      'GET /api/v1/tasks/7/attachments': () => (broken ? fail(503, 'database_unavailable', '服务暂时不可用') : ok([])),
    });
    const p = await mountPage('pages/task/detail', { id: '7' });
    expect(p.querySelector('#attachments')).toBeFalsy();
    expect(textOf(p.querySelector('#attachments-failed'))).toContain('附件加载失败');
    expect(wxControl.state.toasts).toEqual([]);
    broken = false;
    await tap(p, '#retry-attachments');
    expect(api.calls('GET /api/v1/tasks/7/attachments')).toHaveLength(2);
    expect(p.querySelector('#attachments-failed')).toBeFalsy();
    expect(p.querySelector('#attachments')).toBeFalsy();
  });
});

describe('share view (students)', () => {
  test('the attachments of the share link open without a token', async () => {
    const shared = attachment(3, '招聘简章.pdf', 'application/pdf', { url: '/api/v1/share/tok-1/attachments/3' });
    const api = useApi({
      'GET /api/v1/share/tok-1': ok({
        kind_label: '招聘会',
        title: '春季双选会',
        content: '欢迎参加',
        link: null,
        deadline: inDays(3),
        starts_at: null,
        ends_at: null,
        publisher: '江南示范大学就业处',
        attachments: [shared],
      }),
      'GET /api/v1/share/tok-1/attachments/3': { status: 200, body: PDF },
    });
    const p = await mountPage('pages/share/index', { token: 'tok-1' });
    expect(textOf(p.querySelector('#attachments'))).toContain('附件（1）');
    await tap(p.querySelector('#attachment-list'), '#attachment-3');
    expect(api.calls('GET /api/v1/share/tok-1/attachments/3')[0].header.authorization).toBeUndefined();
    expect(wxControl.state.documents[0]).toMatchObject({ fileType: 'pdf', showMenu: true });
    expect(wxControl.state.logins).toBe(0);
    expect(wxControl.lastNavigation()).toBeNull();
  });

  test('a download refused through the share link says why', async () => {
    const shared = attachment(3, '招聘简章.pdf', 'application/pdf', { url: '/api/v1/share/tok-1/attachments/3' });
    useApi({
      'GET /api/v1/share/tok-1': ok({ kind_label: '招聘会', title: 't', content: 'c', deadline: inDays(3), publisher: 'p', attachments: [shared] }),
      'GET /api/v1/share/tok-1/attachments/3': fail(404, 'share_unavailable', '分享链接无效，或该任务不可转发'),
    });
    const p = await mountPage('pages/share/index', { token: 'tok-1' });
    await tap(p.querySelector('#attachment-list'), '#attachment-3');
    expect(wxControl.lastToast()).toBe('分享链接无效，或该任务不可转发');
    expect(wxControl.lastNavigation()).toBeNull();
  });
});

describe('admin progress page', () => {
  beforeEach(() => loggedIn(SCHOOL));

  function progressApi(list, extra) {
    return useApi(
      Object.assign(
        {
          'GET /api/v1/tasks/7/progress': ok(taskProgress()),
          'GET /api/v1/tasks/7/progress/pending': ok(page([])),
          'GET /api/v1/tasks/7/attachments': ok(list),
        },
        extra,
      ),
    );
  }

  test('adds a file chosen from a chat: its real name goes in the query', async () => {
    const api = progressApi([BROCHURE], {
      'POST /api/v1/tasks/7/attachments': (req) => ({ status: 201, body: attachment(5, req.query.filename, 'application/vnd.ms-excel', { size: req.upload.content.length }) }),
    });
    const p = await mountPage('pages/admin/progress/index', { id: '7' });
    expect(textOf(p.querySelector('#attachments'))).toContain('附件（1）');
    expect(p.querySelector('#no-attachments')).toBeFalsy();

    const path = wxControl.offerFile('报名表.xls', 'excel bytes');
    await tap(p, '#add-attachment');
    expect(wxControl.state.chosen[0]).toMatchObject({ count: 1, type: 'all' });
    const [call] = api.calls('POST /api/v1/tasks/7/attachments');
    expect(call.query).toEqual({ filename: '报名表.xls' });
    expect(call.upload).toMatchObject({ filePath: path, name: 'file' });
    expect(call.upload.content.toString()).toBe('excel bytes');
    expect(call.header.authorization).toBe('Bearer token-1');
    expect(textOf(p.querySelector('#attachment-list').querySelector('#attachment-5'))).toBe('XLS报名表.xls11 B删除');
    expect(wxControl.lastToast()).toBe('已添加附件');
  });

  test('a cancelled choice uploads nothing; a refused file shows the API message', async () => {
    const api = progressApi([], {
      'POST /api/v1/tasks/7/attachments': fail(422, 'invalid_input', '只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件', 'file'),
    });
    const p = await mountPage('pages/admin/progress/index', { id: '7' });
    expect(textOf(p.querySelector('#no-attachments'))).toContain('没有附件');
    await tap(p, '#add-attachment');
    expect(api.calls('POST /api/v1/tasks/7/attachments')).toHaveLength(0);

    wxControl.offerFile('说明.txt', 'text');
    await tap(p, '#add-attachment');
    expect(wxControl.lastToast()).toBe('只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件');
    expect(p.instance.data.attachments).toEqual([]);
    expect(p.instance.data.uploading).toBe(false);
  });

  test('removing asks first', async () => {
    const api = progressApi([BROCHURE, POSTER], { 'DELETE /api/v1/tasks/7/attachments/3': { status: 204, body: '' } });
    const p = await mountPage('pages/admin/progress/index', { id: '7' });
    const list = p.querySelector('#attachment-list');

    wxControl.answerModal(false);
    await tap(list, '#remove-3');
    expect(wxControl.state.modals[0]).toMatchObject({ title: '删除附件', answer: false });
    expect(wxControl.state.modals[0].content).toContain('删除「招聘简章.pdf」？辅导员和学生将不能再查看它。');
    expect(api.calls('DELETE /api/v1/tasks/7/attachments/3')).toHaveLength(0);
    // Removing is not opening.
    expect(wxControl.state.downloads).toHaveLength(0);

    await tap(list, '#remove-3');
    expect(api.calls('DELETE /api/v1/tasks/7/attachments/3')).toHaveLength(1);
    expect(p.instance.data.attachments.map((a) => a.id)).toEqual([4]);
    expect(textOf(p.querySelector('#attachments'))).toContain('附件（1）');
    expect(wxControl.lastToast()).toBe('已删除');
  });

  test('a withdrawn task: attachments can be opened, not changed', async () => {
    progressApi([BROCHURE], { 'GET /api/v1/tasks/7/progress': ok(taskProgress({ status: 'withdrawn' })) });
    const p = await mountPage('pages/admin/progress/index', { id: '7' });
    expect(p.querySelector('#add-attachment')).toBeFalsy();
    expect(p.querySelector('#attachment-list').querySelector('#remove-3')).toBeFalsy();
  });

  test('a failed list says so next to the attachments, with a retry', async () => {
    let broken = true;
    progressApi([], {
      'GET /api/v1/tasks/7/attachments': () => (broken ? fail(503, 'database_unavailable', '服务暂时不可用') : ok([BROCHURE])),
    });
    const p = await mountPage('pages/admin/progress/index', { id: '7' });
    expect(textOf(p.querySelector('#attachments-failed'))).toContain('附件加载失败');
    expect(p.querySelector('#add-attachment')).toBeFalsy();
    broken = false;
    await tap(p, '#retry-attachments');
    expect(p.querySelector('#attachments-failed')).toBeFalsy();
    expect(p.querySelector('#add-attachment')).toBeTruthy();
    expect(p.instance.data.attachments).toHaveLength(1);
  });
});

describe('create task page', () => {
  beforeEach(() => loggedIn(SCHOOL));

  function createApi(extra) {
    return useApi(
      Object.assign(
        {
          'GET /api/v1/org/units': ok(page([unit(4, '计算机科学与技术学院', 'college', 3)])),
          'POST /api/v1/tasks/preview': ok({ matched: 8, bound: 2, not_bound: 6 }),
          'POST /api/v1/tasks': ok({ id: 77 }),
          'POST /api/v1/tasks/77/publish': ok({ assigned: 8, queued: 2 }),
        },
        extra,
      ),
    );
  }

  async function filledForm() {
    const p = await mountPage('pages/admin/task-new/index');
    await input(p, '#title', '春季双选会');
    await input(p, '#content', '欢迎参加');
    return p;
  }

  // Uploads to the draft refuse the file named `refused` with `message`; any other becomes
  // attachment 31, which can be deleted.
  function refusingApi(refused, message) {
    return createApi({
      'POST /api/v1/tasks/77/attachments': (req) =>
        req.query.filename === refused
          ? fail(422, 'invalid_input', message, 'file')
          : { status: 201, body: attachment(31, req.query.filename, 'application/pdf') },
      'DELETE /api/v1/tasks/77/attachments/31': { status: 204, body: '' },
    });
  }

  // A file from a chat, picked with 添加附件.
  async function addFile(p, name, content) {
    wxControl.offerFile(name, content);
    await tap(p, '#add-file');
  }

  test('picked files are uploaded to the draft before it is published', async () => {
    const order = [];
    const api = createApi({
      'POST /api/v1/tasks': () => {
        order.push('create');
        return ok({ id: 77 });
      },
      'POST /api/v1/tasks/77/attachments': (req) => {
        order.push(`upload ${req.query.filename}`);
        return { status: 201, body: attachment(order.length, req.query.filename, 'application/pdf') };
      },
      'POST /api/v1/tasks/77/publish': () => {
        order.push('publish');
        return ok({ assigned: 8, queued: 2 });
      },
    });
    const p = await filledForm();
    await addFile(p, '简章.pdf', PDF);
    await addFile(p, '报名表.docx', 'docx');
    wxControl.chooseFile(null);
    await tap(p, '#add-file');
    expect(wxControl.state.chosen.map((c) => c.type)).toEqual(['all', 'all', 'all']);
    const list = p.querySelector('#file-list');
    expect(textOf(list.querySelector('#attachment-new-1'))).toBe(`PDF简章.pdf${PDF.length} B删除`);
    expect(textOf(list.querySelector('#attachment-new-2'))).toBe('DOCX报名表.docx4 B删除');
    expect(p.instance.data.files).toHaveLength(2);

    await tap(p, '#publish');
    expect(wxControl.state.modals[0].content).toContain('附件 2 个。');
    expect(order).toEqual(['create', 'upload 简章.pdf', 'upload 报名表.docx', 'publish']);
    expect(api.calls('POST /api/v1/tasks/77/attachments')[0].upload.content.equals(PDF)).toBe(true);
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/progress/index?id=77' });
  });

  test('a picked file can be dropped before publishing', async () => {
    const api = createApi();
    const p = await filledForm();
    await addFile(p, '错的.pdf', PDF);
    await tap(p.querySelector('#file-list'), '#remove-new-1');
    expect(p.instance.data.files).toEqual([]);
    await tap(p, '#publish');
    expect(wxControl.state.modals[0].content).not.toContain('附件');
    expect(api.calls('POST /api/v1/tasks/77/attachments')).toHaveLength(0);
    expect(api.calls('POST /api/v1/tasks/77/publish')).toHaveLength(1);
  });

  test('a refused file stops the publish; without it the same draft is published', async () => {
    const api = refusingApi('视频.mp4', '只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件');
    const p = await filledForm();
    await addFile(p, '简章.pdf', PDF);
    await addFile(p, '视频.mp4', 'mp4');

    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件');
    expect(api.calls('POST /api/v1/tasks/77/publish')).toHaveLength(0);
    expect(textOf(p.querySelector('#file-list').querySelector('#attachment-new-2'))).toContain('上传失败：只能上传 PDF');
    expect(wxControl.lastNavigation()).toBeNull();
    expect(p.instance.data.submitting).toBe(false);

    await tap(p.querySelector('#file-list'), '#remove-new-2');
    await tap(p, '#publish');
    expect(api.calls('POST /api/v1/tasks')).toHaveLength(1);
    // The file already on the draft is not sent twice.
    expect(api.calls('POST /api/v1/tasks/77/attachments').map((c) => c.query.filename)).toEqual(['简章.pdf', '视频.mp4']);
    expect(api.calls('POST /api/v1/tasks/77/publish')).toHaveLength(1);
    expect(wxControl.lastNavigation()).toEqual({ type: 'redirectTo', url: '/pages/admin/progress/index?id=77' });
  });

  test('dropping a file already on the draft removes it from the draft', async () => {
    const api = refusingApi('坏.pdf', '文件过大');
    const p = await filledForm();
    await addFile(p, '简章.pdf', PDF);
    await addFile(p, '坏.pdf', PDF);
    await tap(p, '#publish');
    expect(wxControl.lastToast()).toBe('文件过大');

    await tap(p.querySelector('#file-list'), '#remove-new-1');
    expect(api.calls('DELETE /api/v1/tasks/77/attachments/31')).toHaveLength(1);
    expect(p.instance.data.files.map((f) => f.filename)).toEqual(['坏.pdf']);
  });
});
