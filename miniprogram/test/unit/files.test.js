const fs = require('fs');
const http = require('../../src/api/request');
const config = require('../../src/config');
const files = require('../../src/services/files');
const { useApi, loggedIn, ok, fail } = require('../support/stub');

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(id, filename, contentType, size = 45) {
  return { id, filename, content_type: contentType, size, sha256: 'x', created_at: '2030-01-01T00:00:00Z', url: `/api/v1/tasks/7/attachments/${id}` };
}

describe('uploads (wx.uploadFile)', () => {
  test('multipart with the token and the query; a JSON answer is parsed', async () => {
    const api = useApi({ 'POST /api/v1/tasks/7/attachments': (req) => ({ status: 201, body: attachment(3, req.query.filename, 'application/pdf') }) });
    loggedIn();
    const path = wxControl.writeFile('招聘简章.pdf', PDF);
    const result = await http.upload({ path: '/api/v1/tasks/7/attachments', query: { filename: '招聘简章.pdf' }, filePath: path, name: 'file' });
    expect(result).toMatchObject({ id: 3, filename: '招聘简章.pdf' });
    const [call] = api.calls('POST /api/v1/tasks/7/attachments');
    expect(call.kind).toBe('upload');
    expect(call.header.authorization).toBe('Bearer token-1');
    expect(call.upload).toMatchObject({ filePath: path, name: 'file' });
    expect(call.upload.content.equals(PDF)).toBe(true);
    const [upload] = wxControl.state.uploads;
    expect(upload.url).toBe(`${config.apiBaseUrl}/api/v1/tasks/7/attachments?filename=${encodeURIComponent('招聘简章.pdf')}`);
  });

  test('HTTP errors do not fail wx.uploadFile: the status and body are checked', async () => {
    useApi({ 'POST /api/v1/tasks/7/attachments': fail(422, 'invalid_input', '只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件', 'file') });
    loggedIn();
    const path = wxControl.writeFile('a.txt', 'hello');
    const error = await http.upload({ path: '/api/v1/tasks/7/attachments', filePath: path }).catch((e) => e);
    expect(error).toBeInstanceOf(http.ApiError);
    expect(error).toMatchObject({ statusCode: 422, code: 'invalid_input', field: 'file', handled: true });
    expect(wxControl.lastToast()).toBe('只能上传 PDF、Word、Excel 或图片（PNG、JPEG、GIF）文件');
  });

  test('an expired session logs in silently and uploads again', async () => {
    let first = true;
    const api = useApi({
      'POST /api/v1/employment/imports': () => {
        if (first) {
          first = false;
          return fail(401, 'unauthenticated', '请先登录');
        }
        return ok({ rows: 1 });
      },
      'POST /api/v1/auth/wx-login': ok({ token: 'fresh' }),
    });
    loggedIn();
    wxControl.setLoginCode(() => Promise.resolve('c'));
    const path = wxControl.writeFile('a.csv', 'x');
    await expect(http.upload({ path: '/api/v1/employment/imports', filePath: path })).resolves.toEqual({ rows: 1 });
    expect(api.calls('POST /api/v1/employment/imports').map((c) => c.header.authorization)).toEqual(['Bearer token-1', 'Bearer fresh']);
  });

  test('a network failure is told in Chinese', async () => {
    wxControl.setTransport(() => Promise.reject(new Error('ECONNRESET')));
    loggedIn();
    const path = wxControl.writeFile('a.csv', 'x');
    await expect(http.upload({ path: '/api/v1/employment/imports', filePath: path })).rejects.toMatchObject({ code: 'network_error' });
    expect(wxControl.lastToast()).toBe('网络连接失败，请检查网络后重试');
  });
});

describe('downloads (wx.downloadFile)', () => {
  test('saves the file with the token; auth: false sends none', async () => {
    const api = useApi({
      'GET /api/v1/tasks/7/attachments/3': { status: 200, body: PDF },
      'GET /api/v1/share/tok/attachments/3': { status: 200, body: PDF },
    });
    loggedIn();
    const { tempFilePath } = await http.download({ path: '/api/v1/tasks/7/attachments/3' });
    expect(fs.readFileSync(tempFilePath).equals(PDF)).toBe(true);
    expect(api.calls('GET /api/v1/tasks/7/attachments/3')[0].header.authorization).toBe('Bearer token-1');
    await http.download({ path: '/api/v1/share/tok/attachments/3', auth: false });
    expect(api.calls('GET /api/v1/share/tok/attachments/3')[0].header.authorization).toBeUndefined();
  });

  test("an HTTP error is read from the downloaded body: the API's message", async () => {
    useApi({ 'GET /api/v1/tasks/7/attachments/9': fail(404, 'not_found', '附件不存在或无权查看') });
    loggedIn();
    const error = await http.download({ path: '/api/v1/tasks/7/attachments/9', toast: false }).catch((e) => e);
    expect(error).toMatchObject({ statusCode: 404, code: 'not_found', message: '附件不存在或无权查看', handled: false });
    expect(wxControl.state.toasts).toEqual([]);
  });
});

describe('files helper', () => {
  test('how a file opens: by the content type, else the extension', () => {
    expect(files.openKind({ filename: 'a.bin', content_type: 'application/pdf' })).toBe('pdf');
    expect(files.openKind({ filename: 'x', content_type: XLSX })).toBe('xlsx');
    expect(files.openKind({ filename: 'x', content_type: 'application/msword' })).toBe('doc');
    expect(files.openKind({ filename: 'x', content_type: 'image/png' })).toBe('image');
    expect(files.openKind({ filename: '报名表.DOCX', content_type: 'application/octet-stream' })).toBe('docx');
    expect(files.openKind({ filename: '照片.jpeg' })).toBe('image');
    expect(files.openKind({ filename: 'notes.txt', content_type: 'text/plain' })).toBe('');
  });

  test('sizes people can read', () => {
    expect(files.sizeText(0)).toBe('0 B');
    expect(files.sizeText(512)).toBe('512 B');
    expect(files.sizeText(1536)).toBe('1.5 KB');
    expect(files.sizeText(3 * 1024 * 1024)).toBe('3 MB');
    expect(files.sizeText(1234567)).toBe('1.2 MB');
  });

  test('attachment rows', () => {
    expect(files.attachmentItem(attachment(3, '招聘简章.pdf', 'application/pdf', 2048))).toMatchObject({
      id: 3,
      filename: '招聘简章.pdf',
      sizeText: '2 KB',
      kind: 'pdf',
      kindLabel: 'PDF',
      url: '/api/v1/tasks/7/attachments/3',
    });
    expect(files.attachmentItem(attachment(4, '海报.png', 'image/png')).kindLabel).toBe('图片');
    expect(files.attachmentItem({ id: 'new-1', filename: '说明', size: 1 }).kindLabel).toBe('文件');
  });

  test('a document opens in the document viewer with its menu', async () => {
    useApi({ 'GET /api/v1/tasks/7/attachments/3': { status: 200, body: PDF } });
    loggedIn();
    await expect(files.openFile(attachment(3, '招聘简章.pdf', 'application/pdf'))).resolves.toBe(true);
    const [doc] = wxControl.state.documents;
    expect(doc).toMatchObject({ fileType: 'pdf', showMenu: true, failed: false });
    expect(fs.readFileSync(doc.filePath).equals(PDF)).toBe(true);
    expect(wxControl.state.loading).toEqual(['正在打开…', null]);
    expect(wxControl.state.previews).toEqual([]);
  });

  test('an image opens in the image preview', async () => {
    useApi({ 'GET /api/v1/tasks/7/attachments/4': { status: 200, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) } });
    loggedIn();
    await files.openFile(attachment(4, '海报.png', 'image/png'));
    const [preview] = wxControl.state.previews;
    expect(preview.urls).toHaveLength(1);
    expect(preview.current).toBe(preview.urls[0]);
    expect(wxControl.state.documents).toEqual([]);
  });

  test('failures are toasts: the API message, the viewer, an unknown type', async () => {
    useApi({
      'GET /api/v1/tasks/7/attachments/9': fail(404, 'not_found', '附件不存在或无权查看'),
      'GET /api/v1/tasks/7/attachments/3': { status: 200, body: PDF },
    });
    loggedIn();
    await expect(files.openFile(attachment(9, 'gone.pdf', 'application/pdf'))).resolves.toBe(false);
    expect(wxControl.lastToast()).toBe('附件不存在或无权查看');
    expect(wxControl.state.loading).toEqual(['正在打开…', null]);

    wxControl.failNext('openDocument', 'filetype not supported');
    await expect(files.openFile(attachment(3, '招聘简章.pdf', 'application/pdf'))).resolves.toBe(false);
    expect(wxControl.lastToast()).toBe('文件打开失败，请稍后重试');

    await expect(files.openFile(attachment(5, 'notes.txt', 'text/plain'))).resolves.toBe(false);
    expect(wxControl.lastToast()).toBe('小程序内无法打开此类文件');
    expect(wxControl.state.downloads).toHaveLength(2);

    wxControl.setTransport(() => Promise.reject(new Error('offline')));
    await files.openFile(attachment(3, '招聘简章.pdf', 'application/pdf'));
    expect(wxControl.lastToast()).toBe('网络连接失败，请检查网络后重试');
  });

  test('choosing a file: the pick, or null when cancelled', async () => {
    const path = wxControl.writeFile('2026届.xlsx', 'xlsx bytes');
    wxControl.chooseFile({ path, name: '2026届.xlsx' }, null);
    await expect(files.chooseFile({ extensions: ['xlsx', 'csv'] })).resolves.toEqual({ path, name: '2026届.xlsx', size: 10 });
    expect(wxControl.state.chosen[0]).toMatchObject({ count: 1, type: 'file', extension: ['xlsx', 'csv'] });
    await expect(files.chooseFile({ type: 'all' })).resolves.toBeNull();
    expect(wxControl.state.chosen[1]).toMatchObject({ count: 1, type: 'all', extension: undefined });
    expect(wxControl.state.toasts).toEqual([]);
  });
});
