// A fake `wx` for tests: storage, navigation with a page stack (and getCurrentPages),
// toasts, modals, action sheets and the clipboard are recorded; wx.request goes to a
// pluggable transport (a stub route table, or the real server through fetch) and
// wx.login asks a pluggable code source. settle() waits until every request is answered.

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

function createWx({ transport, loginCode } = {}) {
  const storage = new Map();
  const state = {
    pending: 0,
    stack: [],
    toasts: [],
    modals: [],
    sheets: [],
    navigations: [],
    clipboard: [],
    requests: [],
    logins: 0,
    modalAnswers: [],
    sheetAnswers: [],
    shareMenu: 'shown',
    pullDownStopped: 0,
  };
  let send = transport || (() => Promise.resolve({ statusCode: 404, data: { code: 'not_found', message: '未配置' } }));
  let codes = loginCode || (() => Promise.resolve(''));

  function track(promise) {
    state.pending += 1;
    return promise.finally(() => {
      state.pending -= 1;
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
    showLoading() {},
    hideLoading() {},
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
    setClipboardData(options) {
      state.clipboard.push(options.data);
      later(() => options.success && options.success({}));
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
