// A fake `wx` for tests: storage, navigation with a page stack (and getCurrentPages),
// toasts, modals, action sheets and the clipboard are recorded; wx.request goes to a
// pluggable transport (a stub route table, or the real server through fetch) and
// wx.login asks a pluggable code source. settle() waits until every request is answered.
//
// Files: the phone's files are real files in a temporary folder (writeFile() puts one
// there). wx.chooseMessageFile hands over the files a test offered with chooseFile() or
// offerFile();
// wx.uploadFile and wx.downloadFile go to the same transport as wx.request (records with
// kind 'upload' / 'download'), answer like WeChat (uploadFile: {statusCode, data: string};
// downloadFile: {statusCode, tempFilePath} of a file holding the body, whatever the status)
// and never fail on an HTTP error. openDocument and previewImage are recorded;
// failNext(name) makes the next call of an API fail.
const fs = require('fs');
const os = require('os');
const path = require('path');

function parseUrl(url) {
  const [pathPart, queryPart] = String(url).split('?');
  const route = pathPart.replace(/^\//, '');
  const options = {};
  (queryPart || '')
    .split('&')
    .filter(Boolean)
    .forEach((pair) => {
      const at = pair.indexOf('=');
      // Like WeChat, onLoad gets the values as written in the URL (still encoded).
      if (at < 0) options[pair] = '';
      else options[pair.slice(0, at)] = pair.slice(at + 1);
    });
  return { route, options };
}

function appendQuery(url, data) {
  if (!data || typeof data !== 'object') return url;
  const parts = Object.keys(data).map(
    (key) => `${encodeURIComponent(key)}=${encodeURIComponent(data[key])}`,
  );
  if (!parts.length) return url;
  return url + (url.indexOf('?') >= 0 ? '&' : '?') + parts.join('&');
}

function later(fn) {
  setTimeout(fn, 0);
}

// A response body as the bytes WeChat would write to a downloaded file.
function bytesOf(data) {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data === undefined || data === null) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(data), 'utf8');
}

// wx.uploadFile answers the body as a string.
function textOf(data) {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (data === undefined || data === null) return '';
  return JSON.stringify(data);
}

function createWx({ transport, loginCode, tmpDir } = {}) {
  const storage = new Map();
  const state = {
    pending: 0,
    stack: [],
    toasts: [],
    modals: [],
    sheets: [],
    navigations: [],
    clipboard: [],
    phoneCalls: [],
    requests: [],
    logins: 0,
    modalAnswers: [],
    sheetAnswers: [],
    shareMenu: 'shown',
    pullDownStopped: 0,
    chooseAnswers: [],
    chosen: [],
    uploads: [],
    downloads: [],
    documents: [],
    previews: [],
    failures: {},
    loading: [],
  };
  let fileSeq = 0;
  let dir = tmpDir || '';

  function folder() {
    if (!dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fudao-wx-'));
    return dir;
  }

  // A path in the fake's temporary folder, like WeChat's wxfile:// paths (unique, with the
  // extension kept).
  function tempPath(ext) {
    fileSeq += 1;
    return path.join(folder(), `tmp_${process.pid}_${fileSeq}${ext || ''}`);
  }

  // The failure a test asked for with failNext(name), once.
  function takeFailure(name) {
    const errMsg = state.failures[name];
    if (errMsg === undefined) return null;
    delete state.failures[name];
    return { errMsg: `${name}:fail ${errMsg}` };
  }
  let send = transport || (() => Promise.resolve({ statusCode: 404, data: { code: 'not_found', message: '未配置' } }));
  let codes = loginCode || (() => Promise.resolve(''));

  function track(promise) {
    state.pending += 1;
    return promise.finally(() => {
      state.pending -= 1;
    });
  }

  // wx.uploadFile and wx.downloadFile: the record goes to the transport (an upload only when
  // its file exists), answered like WeChat: success with answerOf(response) whatever the HTTP
  // status, fail when the transport failed; complete after either.
  function transfer(name, record, options, answerOf) {
    state.requests.push(record);
    track(
      Promise.resolve()
        .then(() => {
          if (record.kind === 'upload' && (!options.filePath || !fs.existsSync(options.filePath))) {
            throw new Error(`file not found: ${options.filePath}`);
          }
          return send(record);
        })
        .then(
          (res) => {
            record.statusCode = res.statusCode;
            const answer = answerOf(res);
            options.success && options.success(answer);
            options.complete && options.complete(answer);
          },
          (err) => {
            record.statusCode = 0;
            const answer = { errMsg: `${name}:fail ${err && err.message}` };
            options.fail && options.fail(answer);
            options.complete && options.complete(answer);
          },
        ),
    );
    return { abort() {}, onProgressUpdate() {} };
  }

  // A wx API answering on the next turn: fail with the failure a test asked for, else success.
  function answerLater(name, options, failure) {
    later(() => {
      const res = failure || { errMsg: `${name}:ok` };
      if (failure) options.fail && options.fail(res);
      else options.success && options.success(res);
      options.complete && options.complete(res);
    });
  }

  function navigate(type, url) {
    state.navigations.push({ type, url });
    const entry = parseUrl(url);
    if (type === 'navigateTo') state.stack.push(entry);
    else if (type === 'redirectTo') state.stack.splice(state.stack.length - 1, 1, entry);
    else state.stack = [entry];
  }

  const wx = {
    request(options) {
      const method = (options.method || 'GET').toUpperCase();
      const url = method === 'GET' ? appendQuery(options.url, options.data) : options.url;
      const record = { method, url, header: Object.assign({}, options.header), data: options.data };
      state.requests.push(record);
      track(
        Promise.resolve()
          .then(() => send(record))
          .then(
            (res) => {
              record.statusCode = res.statusCode;
              record.response = res.data;
              options.success && options.success({ statusCode: res.statusCode, data: res.data, header: res.header || {} });
            },
            (err) => {
              record.statusCode = 0;
              options.fail && options.fail({ errMsg: `request:fail ${err && err.message}` });
            },
          )
          .then(() => options.complete && options.complete()),
      );
      return { abort() {} };
    },
    uploadFile(options) {
      const record = {
        kind: 'upload',
        method: 'POST',
        url: options.url,
        header: Object.assign({}, options.header),
        filePath: options.filePath,
        name: options.name,
        formData: Object.assign({}, options.formData),
        data: Object.assign({}, options.formData),
      };
      state.uploads.push(record);
      return transfer('uploadFile', record, options, (res) => {
        record.response = res.data;
        return { statusCode: res.statusCode, data: textOf(res.data), errMsg: 'uploadFile:ok' };
      });
    },
    downloadFile(options) {
      const record = { kind: 'download', method: 'GET', url: options.url, header: Object.assign({}, options.header) };
      state.downloads.push(record);
      return transfer('downloadFile', record, options, (res) => {
        const target = options.filePath || tempPath('');
        fs.writeFileSync(target, bytesOf(res.data));
        record.file = target;
        return options.filePath
          ? { statusCode: res.statusCode, filePath: target, errMsg: 'downloadFile:ok' }
          : { statusCode: res.statusCode, tempFilePath: target, errMsg: 'downloadFile:ok' };
      });
    },
    chooseMessageFile(options) {
      const answer = state.chooseAnswers.length ? state.chooseAnswers.shift() : null;
      state.chosen.push({ count: options.count, type: options.type, extension: options.extension, answer });
      later(() => {
        if (!answer) {
          const res = { errMsg: 'chooseMessageFile:fail cancel' };
          options.fail && options.fail(res);
          options.complete && options.complete(res);
          return;
        }
        const tempFiles = [].concat(answer).map((file) => ({
          path: file.path,
          size: file.size === undefined ? fs.statSync(file.path).size : file.size,
          name: file.name,
          type: file.type || 'file',
          time: Math.floor(Date.now() / 1000),
        }));
        const res = { tempFiles, errMsg: 'chooseMessageFile:ok' };
        options.success && options.success(res);
        options.complete && options.complete(res);
      });
    },
    openDocument(options) {
      const failure = takeFailure('openDocument');
      state.documents.push({ filePath: options.filePath, fileType: options.fileType, showMenu: options.showMenu, failed: Boolean(failure) });
      answerLater('openDocument', options, failure);
    },
    previewImage(options) {
      const failure = takeFailure('previewImage');
      state.previews.push({ urls: options.urls.slice(), current: options.current, failed: Boolean(failure) });
      answerLater('previewImage', options, failure);
    },
    getFileSystemManager() {
      return {
        readFileSync(filePath, encoding) {
          if (encoding) return fs.readFileSync(filePath, encoding);
          const bytes = fs.readFileSync(filePath);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        },
      };
    },
    login(options) {
      state.logins += 1;
      track(
        Promise.resolve()
          .then(() => codes())
          .then(
            (code) => {
              if (code) options.success && options.success({ code, errMsg: 'login:ok' });
              else options.fail && options.fail({ errMsg: 'login:fail' });
            },
            () => options.fail && options.fail({ errMsg: 'login:fail' }),
          ),
      );
    },
    getStorageSync(key) {
      return storage.has(key) ? storage.get(key) : '';
    },
    setStorageSync(key, value) {
      storage.set(key, JSON.parse(JSON.stringify(value)));
    },
    removeStorageSync(key) {
      storage.delete(key);
    },
    clearStorageSync() {
      storage.clear();
    },
    showToast(options) {
      state.toasts.push(options.title);
    },
    hideToast() {},
    showLoading(options) {
      state.loading.push(options.title);
    },
    hideLoading() {
      state.loading.push(null);
    },
    showModal(options) {
      const answer = state.modalAnswers.length ? state.modalAnswers.shift() : true;
      state.modals.push({ title: options.title, content: options.content, answer });
      later(() => {
        const res = { confirm: answer, cancel: !answer };
        options.success && options.success(res);
        options.complete && options.complete(res);
      });
    },
    showActionSheet(options) {
      const answer = state.sheetAnswers.length ? state.sheetAnswers.shift() : -1;
      state.sheets.push({ itemList: options.itemList, answer });
      later(() => {
        if (answer >= 0) options.success && options.success({ tapIndex: answer });
        else options.fail && options.fail({ errMsg: 'showActionSheet:fail cancel' });
      });
    },
    makePhoneCall(options) {
      state.phoneCalls.push(options.phoneNumber);
      later(() => {
        options.success && options.success({ errMsg: 'makePhoneCall:ok' });
        options.complete && options.complete({ errMsg: 'makePhoneCall:ok' });
      });
    },
    setClipboardData(options) {
      const failure = takeFailure('setClipboardData');
      if (!failure) state.clipboard.push(options.data);
      later(() => {
        if (failure) options.fail && options.fail(failure);
        else options.success && options.success({ errMsg: 'setClipboardData:ok' });
        options.complete && options.complete(failure || { errMsg: 'setClipboardData:ok' });
      });
    },
    stopPullDownRefresh() {
      state.pullDownStopped += 1;
    },
    hideShareMenu() {
      state.shareMenu = 'hidden';
    },
    showShareMenu() {
      state.shareMenu = 'shown';
    },
    setNavigationBarTitle() {},
    navigateTo(options) {
      navigate('navigateTo', options.url);
    },
    redirectTo(options) {
      navigate('redirectTo', options.url);
    },
    reLaunch(options) {
      navigate('reLaunch', options.url);
    },
    switchTab(options) {
      navigate('switchTab', options.url);
    },
    navigateBack(options) {
      const delta = (options && options.delta) || 1;
      state.navigations.push({ type: 'navigateBack', delta });
      state.stack.splice(Math.max(1, state.stack.length - delta));
    },
  };

  // Test controls, kept apart from the wx API.
  const control = {
    state,
    storage,
    setTransport(fn) {
      send = fn;
    },
    setLoginCode(fn) {
      codes = fn;
    },
    answerModal(...answers) {
      state.modalAnswers.push(...answers);
    },
    answerSheet(...answers) {
      state.sheetAnswers.push(...answers);
    },
    // What the next wx.chooseMessageFile picks: {path, name[, size, type]} (or a list of
    // them), or null for a cancelled choice.
    chooseFile(...answers) {
      state.chooseAnswers.push(...answers);
    },
    // A file on the "phone": a real file in the fake's temporary folder, with a temporary
    // name (as WeChat gives) keeping the extension of `name`.
    writeFile(name, content) {
      const target = tempPath(path.extname(name || ''));
      fs.writeFileSync(target, bytesOf(content));
      return target;
    },
    // A file on the "phone" (writeFile) that the next wx.chooseMessageFile picks, named
    // `name`; its path.
    offerFile(name, content) {
      const target = this.writeFile(name, content);
      state.chooseAnswers.push({ path: target, name });
      return target;
    },
    // The next call of the named wx API (openDocument, previewImage, setClipboardData)
    // fails with this errMsg.
    failNext(name, errMsg = 'test') {
      state.failures[name] = errMsg;
    },
    // Remove the temporary folder (files written and downloaded).
    cleanup() {
      if (dir && !tmpDir) fs.rmSync(dir, { recursive: true, force: true });
    },
    // Pretend the given page is open (as after a launch or a tap on a template message).
    openPage(route, options) {
      state.stack = [{ route: route.replace(/^\//, ''), options: options || {} }];
    },
    top() {
      return state.stack[state.stack.length - 1] || null;
    },
    lastNavigation() {
      return state.navigations[state.navigations.length - 1] || null;
    },
    lastToast() {
      return state.toasts[state.toasts.length - 1];
    },
    async settle(timeoutMs = 10000) {
      const until = Date.now() + timeoutMs;
      let quiet = 0;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        quiet = state.pending === 0 ? quiet + 1 : 0;
        if (quiet >= 3) return;
      }
      throw new Error('wx requests still pending after settle()');
    },
  };

  return { wx, control, getCurrentPages: () => state.stack.slice() };
}

module.exports = { createWx, parseUrl };
