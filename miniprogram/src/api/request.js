// The only caller of wx.request (and of wx.uploadFile and wx.downloadFile). It adds the API
// base URL and the bearer token, logs in silently with wx.login when there is no valid
// session, sends the user to the password page when the API demands a password change and
// to the login page when the session is gone (with the way back), and shows the API's
// Chinese error message as a toast.
//
// Every error of the API is JSON {code, message, field}; failed calls reject with an
// ApiError carrying those fields and the HTTP status. `handled` is true when the request
// layer already told the user (toast or navigation), so pages need not say it again.
// Uploads and downloads go through the same session handling: wx.uploadFile and
// wx.downloadFile do not fail on HTTP errors, so their status and body are checked here.

const config = require('../config');
const session = require('./session');
const nav = require('../nav');

const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';
const LOGIN_MESSAGE = '请先登录';

class ApiError extends Error {
  constructor(statusCode, body) {
    const data = body && typeof body === 'object' ? body : {};
    super(data.message || `请求失败（${statusCode}）`);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = data.code || (statusCode ? 'http_error' : 'network_error');
    this.field = data.field || '';
    this.handled = false;
  }
}

function queryString(params) {
  if (!params) return '';
  const parts = Object.keys(params)
    .filter((key) => params[key] !== undefined && params[key] !== null && params[key] !== '')
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

// One HTTP exchange; resolves with {statusCode, data} or rejects on a network failure.
function send({ path, method, query, data, token }) {
  return new Promise((resolve, reject) => {
    const header = { 'content-type': 'application/json' };
    if (token) header.authorization = `Bearer ${token}`;
    const options = {
      url: `${config.apiBaseUrl}${path}${queryString(query)}`,
      method,
      header,
      timeout: config.requestTimeoutMs,
      dataType: 'json',
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: (err) => reject(networkError(err)),
    };
    if (data !== undefined && method !== 'GET') options.data = data;
    wx.request(options);
  });
}

function networkError(err) {
  const error = new ApiError(0, { code: 'network_error', message: NETWORK_MESSAGE });
  error.detail = err && err.errMsg;
  return error;
}

function authHeader(token) {
  return token ? { authorization: `Bearer ${token}` } : {};
}

// wx.uploadFile answers the body as a string: JSON when the API sent JSON.
function parseBody(text) {
  if (typeof text !== 'string') return text;
  if (!text) return '';
  try {
    return JSON.parse(text);
  } catch (error) {
    return text;
  }
}

// One multipart upload (the file in the form part `name`); resolves {statusCode, data}.
function sendUpload({ path, query, filePath, name, formData, token }) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: `${config.apiBaseUrl}${path}${queryString(query)}`,
      filePath,
      name: name || 'file',
      formData: formData || {},
      header: authHeader(token),
      timeout: config.transferTimeoutMs,
      success: (res) => resolve({ statusCode: res.statusCode, data: parseBody(res.data) }),
      fail: (err) => reject(networkError(err)),
    });
  });
}

// What a failed download wrote to its temporary file: the API's JSON error, if readable.
function errorBodyOf(tempFilePath) {
  if (!tempFilePath || typeof wx.getFileSystemManager !== 'function') return null;
  try {
    return parseBody(wx.getFileSystemManager().readFileSync(tempFilePath, 'utf8'));
  } catch (error) {
    return null;
  }
}

// One download to a temporary file; resolves {statusCode, data: {tempFilePath}} on success,
// {statusCode, data: <the error body>} otherwise.
function sendDownload({ path, query, token }) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: `${config.apiBaseUrl}${path}${queryString(query)}`,
      header: authHeader(token),
      timeout: config.transferTimeoutMs,
      success: (res) => {
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        resolve({
          statusCode: res.statusCode,
          data: ok ? { tempFilePath: res.tempFilePath } : errorBodyOf(res.tempFilePath),
        });
      },
      fail: (err) => reject(networkError(err)),
    });
  });
}

// wx.login as a promise; resolves with '' when WeChat gives no code.
function wxLoginCode() {
  return new Promise((resolve) => {
    if (!wx.login) {
      resolve('');
      return;
    }
    wx.login({
      success: (res) => resolve((res && res.code) || ''),
      fail: () => resolve(''),
    });
  });
}

let silentInFlight = null;

// Log in with a fresh wx.login code. Works once this WeChat has logged in with a password
// (the API remembers its mini-program OpenID). Resolves true when a session was obtained.
function silentLogin() {
  if (silentInFlight) return silentInFlight;
  silentInFlight = wxLoginCode()
    .then((code) => {
      if (!code) return false;
      return send({ path: '/api/v1/auth/wx-login', method: 'POST', data: { code } }).then(
        (res) => {
          if (res.statusCode !== 200 || !res.data || !res.data.token) return false;
          session.setToken(res.data.token);
          return true;
        },
      );
    })
    .catch(() => false)
    .then((ok) => {
      silentInFlight = null;
      return ok;
    });
  return silentInFlight;
}

function toast(message) {
  wx.showToast({ title: message, icon: 'none', duration: 2500 });
}

// request({path, method, query, data, auth, toast}) → the response body.
// auth: false sends no token (or only options.token) and never redirects (login, share view).
// toast: false leaves telling the user to the caller.
function request(options) {
  const method = (options.method || 'GET').toUpperCase();
  return perform(options, (token) =>
    send({ path: options.path, method, query: options.query, data: options.data, token }),
  );
}

// upload({path, query, filePath, name, formData, auth, toast}) → the response body: the
// file at filePath (a temporary path from wx.chooseMessageFile) as the multipart part
// `name` (default `file`).
function upload(options) {
  return perform(options, (token) =>
    sendUpload({
      path: options.path,
      query: options.query,
      filePath: options.filePath,
      name: options.name,
      formData: options.formData,
      token,
    }),
  );
}

// download({path, query, auth, toast}) → {tempFilePath}: the response saved to a temporary
// file. The path is relative to the API host (as the API's `url` fields are).
function download(options) {
  return perform(options, (token) => sendDownload({ path: options.path, query: options.query, token }));
}

// One exchange with the session rules: a token (after a silent login when there is none),
// one retry after a silent login on 401, the password page, toasts.
async function perform(options, exchange) {
  const auth = options.auth !== false;
  const showToast = options.toast !== false;
  const retried = Boolean(options.retried);

  let token = auth ? '' : options.token || '';
  if (auth) {
    token = session.getToken();
    if (!token && !retried) {
      if (await silentLogin()) {
        token = session.getToken();
      } else {
        const error = new ApiError(401, { code: 'unauthenticated', message: LOGIN_MESSAGE });
        error.handled = true;
        nav.toLogin();
        throw error;
      }
    }
  }

  let res;
  try {
    res = await exchange(token);
  } catch (error) {
    if (showToast) {
      toast(error.message);
      error.handled = true;
    }
    throw error;
  }

  if (res.statusCode >= 200 && res.statusCode < 300) {
    return res.statusCode === 204 ? null : res.data;
  }

  const error = new ApiError(res.statusCode, res.data);
  if (auth && res.statusCode === 401 && error.code === 'unauthenticated') {
    session.clearToken();
    if (!retried && (await silentLogin())) {
      return perform(Object.assign({}, options, { retried: true }), exchange);
    }
    error.handled = true;
    nav.toLogin();
    throw error;
  }
  if (auth && error.code === 'password_change_required') {
    error.handled = true;
    nav.toChangePassword();
    throw error;
  }
  if (showToast) {
    toast(error.message);
    error.handled = true;
  }
  throw error;
}

function get(path, query, extra) {
  return request(Object.assign({ path, method: 'GET', query }, extra));
}

function post(path, data, extra) {
  return request(Object.assign({ path, method: 'POST', data: data === undefined ? {} : data }, extra));
}

function patch(path, data, extra) {
  return request(Object.assign({ path, method: 'PATCH', data }, extra));
}

function put(path, data, extra) {
  return request(Object.assign({ path, method: 'PUT', data }, extra));
}

function del(path, extra) {
  return request(Object.assign({ path, method: 'DELETE' }, extra));
}

module.exports = {
  request,
  get,
  post,
  patch,
  put,
  del,
  upload,
  download,
  silentLogin,
  wxLoginCode,
  ApiError,
  queryString,
};
