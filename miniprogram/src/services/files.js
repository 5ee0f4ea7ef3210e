// Files on the phone, for every page: opening a file of the API (a task attachment, a
// template) — downloaded with the session (or without, for students' share links), then
// shown by WeChat's document viewer (PDF, Word, Excel) or image preview — choosing a file
// from a chat with wx.chooseMessageFile, and sizes people can read. A mini program cannot
// open arbitrary web pages: links are copied instead (copyLink).
const http = require('../api/request');

// What wx.openDocument opens, by the type the API read from the content.
const DOCUMENT_CONTENT_TYPES = {
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};
const DOCUMENT_EXTENSIONS = ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx'];
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

const OPEN_FAILED = '文件打开失败，请稍后重试';
const UNSUPPORTED = '小程序内无法打开此类文件';

function toast(title) {
  wx.showToast({ title, icon: 'none', duration: 2500 });
}

function extensionOf(filename) {
  const match = /\.([a-z0-9]+)$/i.exec(String(filename || ''));
  return match ? match[1].toLowerCase() : '';
}

// How a file opens: 'image', a wx.openDocument fileType ('pdf', 'docx', …) or '' when the
// mini program cannot show it. The content type (read from the content by the API) decides;
// the name's extension is the fallback.
function openKind(file) {
  const type = String((file && file.content_type) || '').toLowerCase().split(';')[0].trim();
  if (type.indexOf('image/') === 0) return 'image';
  if (DOCUMENT_CONTENT_TYPES[type]) return DOCUMENT_CONTENT_TYPES[type];
  const ext = extensionOf(file && file.filename);
  if (IMAGE_EXTENSIONS.indexOf(ext) >= 0) return 'image';
  if (DOCUMENT_EXTENSIONS.indexOf(ext) >= 0) return ext;
  return '';
}

function round1(value) {
  return Math.round(value * 10) / 10;
}

// 512 → "512 B", 1536 → "1.5 KB", 3 MiB → "3 MB".
function sizeText(bytes) {
  const n = Math.max(0, Number(bytes) || 0);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${round1(n / 1024)} KB`;
  return `${round1(n / (1024 * 1024))} MB`;
}

// An attachment of the API as a list row.
function attachmentItem(attachment) {
  const kind = openKind(attachment);
  return {
    id: attachment.id,
    filename: attachment.filename,
    sizeText: sizeText(attachment.size),
    kind,
    kindLabel: kind === 'image' ? '图片' : (kind || extensionOf(attachment.filename) || '文件').toUpperCase(),
    url: attachment.url,
    content_type: attachment.content_type,
  };
}

// A wx API with success/fail callbacks as a promise of true (success) or false (fail).
function call(name, options) {
  return new Promise((resolve) => {
    wx[name](
      Object.assign({}, options, {
        success: () => resolve(true),
        fail: () => resolve(false),
      }),
    );
  });
}

// Download {url, filename, content_type} (url relative to the API host) and show it.
// auth: false for students' share links. Resolves true when WeChat showed the file; every
// failure is told with a toast (the API's message when it sent one).
async function openFile(file, { auth = true } = {}) {
  const kind = openKind(file);
  if (!kind) {
    toast(UNSUPPORTED);
    return false;
  }
  wx.showLoading({ title: '正在打开…', mask: true });
  let downloaded;
  try {
    downloaded = await http.download({ path: file.url, auth, toast: false });
  } catch (error) {
    wx.hideLoading();
    // Login and password pages are the request layer's answer; nothing to add.
    if (!error.handled) toast(error.message || OPEN_FAILED);
    return false;
  }
  wx.hideLoading();
  const filePath = downloaded.tempFilePath;
  const shown =
    kind === 'image'
      ? await call('previewImage', { urls: [filePath], current: filePath })
      : await call('openDocument', { filePath, fileType: kind, showMenu: true });
  if (!shown) toast(OPEN_FAILED);
  return shown;
}

// One file from a chat: {path, name, size} or null when the user cancelled. extensions
// (with type 'file') limits what can be picked; type 'all' also offers images.
function chooseFile({ type = 'file', extensions } = {}) {
  return new Promise((resolve) => {
    const options = {
      count: 1,
      type,
      success: (res) => {
        const file = res && res.tempFiles && res.tempFiles[0];
        resolve(file ? { path: file.path, name: file.name, size: file.size } : null);
      },
      fail: (err) => {
        if (err && err.errMsg && err.errMsg.indexOf('cancel') < 0) toast('无法选择文件，请重试');
        resolve(null);
      },
    };
    if (extensions) options.extension = extensions;
    wx.chooseMessageFile(options);
  });
}

// A link the mini program cannot open: on the clipboard, with what to do next.
function copyLink(link) {
  return new Promise((resolve) => {
    wx.setClipboardData({
      data: link,
      success: () => {
        toast('链接已复制，请在浏览器中打开');
        resolve(true);
      },
      fail: () => {
        toast('复制失败，请长按链接手动复制');
        resolve(false);
      },
    });
  });
}

module.exports = { openKind, sizeText, attachmentItem, openFile, chooseFile, copyLink, extensionOf };
