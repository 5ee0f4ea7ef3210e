// The flow tests' side of the real server started by global-setup.js: wx.request goes to it
// through Node's fetch, wx.login codes are registered at its WeChat API mock, and a few
// direct API calls prepare data (an admin publishing, a counselor's first password change,
// a school importing its employment data report).
const fs = require('fs');

const NEW_PASSWORD = 'Fudao2026pass';

function info() {
  const file = process.env.FUDAO_MP_SERVER_INFO;
  if (!file) throw new Error('FUDAO_MP_SERVER_INFO is not set: run the tests through jest (global-setup.js)');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function fetchTransport(req) {
  const init = { method: req.method, headers: req.header };
  if (req.method !== 'GET' && req.data !== undefined) init.body = JSON.stringify(req.data);
  const res = await fetch(req.url, init);
  const text = await res.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : '';
  } catch (error) {
    // Not JSON: handed over as text, like wx.request does.
  }
  return { statusCode: res.status, data, header: Object.fromEntries(res.headers.entries()) };
}

// Point the mini program's config and the fake wx at the real server.
function useRealServer() {
  const server = info();
  require('../../src/config').apiBaseUrl = server.baseUrl;
  wxControl.setTransport(fetchTransport);
  return server;
}

async function mockPost(path, body) {
  const res = await fetch(`${info().mockUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`mock ${path} answered ${res.status}`);
}

let codeSeq = 0;

// wx.login on this phone yields fresh codes that the mock maps to this mini-program OpenID.
function wxIdentity(openid) {
  wxControl.setLoginCode(async () => {
    codeSeq += 1;
    const code = `code-${process.pid}-${codeSeq}-${Math.random().toString(36).slice(2, 8)}`;
    await mockPost('/mock/codes', { code, openid });
    return code;
  });
}

async function api(method, path, { token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${info().baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return data;
}

function demoUser(username) {
  const user = info().demo.find((u) => u.username === username);
  if (!user) throw new Error(`no demo login ${username}`);
  return user;
}

// Log a demo user in through the API, changing the initial password; returns a token. A user
// whose password an earlier test already changed logs in with the new one.
async function readyToken(username) {
  const user = demoUser(username);
  let first;
  try {
    first = await api('POST', '/api/v1/auth/login', { body: { username, password: user.password } });
  } catch (error) {
    const again = await api('POST', '/api/v1/auth/login', { body: { username, password: NEW_PASSWORD } });
    return again.token;
  }
  if (!first.must_change_password) return first.token;
  const changed = await api('POST', '/api/v1/me/password', {
    token: first.token,
    body: { old_password: user.password, new_password: NEW_PASSWORD },
  });
  return changed.token;
}

async function publishTask(token, task) {
  const draft = await api('POST', '/api/v1/tasks', {
    token,
    body: Object.assign({ kind: 'job_fair', content: '时间：3月15日 9:00\n地点：体育馆\n\n欢迎毕业生参加', deadline: future(7) }, task),
  });
  const published = await api('POST', `/api/v1/tasks/${draft.id}/publish`, { token });
  return Object.assign({ id: draft.id }, published);
}

// POST the raw bytes of an employment data report (CSV) and return the import report.
async function importEmployment(token, csv, { dryRun = false, filename = 'report.csv' } = {}) {
  const query = `dry_run=${dryRun}&filename=${encodeURIComponent(filename)}`;
  const res = await fetch(`${info().baseUrl}/api/v1/employment/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: Buffer.from(csv, 'utf8'),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`employment import → ${res.status} ${text}`);
  return JSON.parse(text);
}

function future(days) {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
}

module.exports = { info, useRealServer, wxIdentity, api, demoUser, readyToken, publishTask, importEmployment, future, NEW_PASSWORD };
