// The flow tests' side of the real server started by global-setup.js: wx.request goes to it
// through Node's fetch (wx.uploadFile as a multipart POST of the file on disk, wx.downloadFile
// as a GET whose bytes the fake saves), wx.login codes are registered at its WeChat API mock,
// and a few direct API calls prepare data (an admin publishing, a counselor's first password
// change, a school importing its employment data report). Flows whose writes other flows
// would count (imports) work in a university of their own (isolatedSchool), with admins
// created by `fudao admin create` as an operator would.
const { execFile } = require('child_process');
const fs = require('fs');
const path = require('path');

const NEW_PASSWORD = 'Fudao2026pass';

function info() {
  const file = process.env.FUDAO_MP_SERVER_INFO;
  if (!file) throw new Error('FUDAO_MP_SERVER_INFO is not set: run the tests through jest (global-setup.js)');
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// The multipart/form-data body wx.uploadFile sends: the extra form fields, then the file in
// the part `name`, with the temporary file's name as its filename (as WeChat does).
function multipart(req) {
  const boundary = `----WeChatUploadBoundary${Math.random().toString(16).slice(2)}`;
  const chunks = [];
  Object.keys(req.formData || {}).forEach((key) => {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${req.formData[key]}\r\n`, 'utf8'));
  });
  chunks.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${req.name}"; filename="${path.basename(req.filePath)}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
      'utf8',
    ),
  );
  chunks.push(fs.readFileSync(req.filePath));
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function fetchTransport(req) {
  const init = { method: req.method, headers: Object.assign({}, req.header) };
  if (req.kind === 'upload') {
    const form = multipart(req);
    init.body = form.body;
    init.headers['content-type'] = form.contentType;
  } else if (req.method !== 'GET' && req.data !== undefined) {
    init.body = JSON.stringify(req.data);
  }
  const res = await fetch(req.url, init);
  const header = Object.fromEntries(res.headers.entries());
  // A download keeps the bytes as they came (the fake writes them to a file).
  if (req.kind === 'download') return { statusCode: res.status, data: Buffer.from(await res.arrayBuffer()), header };
  const text = await res.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : '';
  } catch (error) {
    // Not JSON: handed over as text, like wx.request does.
  }
  return { statusCode: res.status, data, header };
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

// `fudao admin create` on the test server's database: a new admin, logged in, the one-time
// password changed. Resolves {token, me}.
async function createAdmin({ role, unitId, username, name }) {
  const { cli } = info();
  const args = ['admin', 'create', '--role', role, '--username', username, '--name', name];
  if (unitId) args.push('--unit', String(unitId));
  const stdout = await new Promise((resolve, reject) => {
    execFile(cli.bin, args, { env: Object.assign({}, process.env, cli.env) }, (error, out, err) => {
      if (error) reject(new Error(`fudao ${args.join(' ')}: ${error.message}\n${err}`));
      else resolve(out);
    });
  });
  const match = stdout.match(/one-time password:\s*(\S+)/);
  if (!match) throw new Error(`fudao admin create printed no password:\n${stdout}`);
  const first = await api('POST', '/api/v1/auth/login', { body: { username, password: match[1] } });
  const changed = await api('POST', '/api/v1/me/password', {
    token: first.token,
    body: { old_password: match[1], new_password: NEW_PASSWORD },
  });
  const me = await api('GET', '/api/v1/me', { token: changed.token });
  return { token: changed.token, me };
}

// A message to the official account's callback as `openid`, signed and encrypted as WeChat
// would (`fudao wechat simulate`); resolves the reply as the tool prints it.
async function chat(openid, text) {
  const { cli, baseUrl } = info();
  // The test server has no EncodingAESKey: plain mode, signed with its token.
  const args = ['wechat', 'simulate', '--url', `${baseUrl}/wechat/callback`, '--openid', openid, '--text', text, '--mode', 'plain'];
  return new Promise((resolve, reject) => {
    execFile(cli.bin, args, { env: Object.assign({}, process.env, cli.env) }, (error, out, err) => {
      if (error) reject(new Error(`fudao ${args.join(' ')}: ${error.message}\n${err}`));
      else resolve(out);
    });
  });
}

// A university of its own under the demo province (code: 5 digits, unique per flow), with
// the given colleges and a school admin: {university, colleges, token, me}.
async function isolatedSchool({ tag, code, name, colleges = [] }) {
  const ministry = await createAdmin({ role: 'ministry_admin', username: `mp_${tag}_ministry`, name: `${name}测试部` });
  const provinces = await api('GET', '/api/v1/org/units?kind=province&per_page=100', { token: ministry.token });
  const province = provinces.items.find((unit) => unit.name === '江苏省');
  const university = await api('POST', '/api/v1/org/units', {
    token: ministry.token,
    body: { kind: 'university', name, code, parent_id: province.id },
  });
  const created = [];
  for (let i = 0; i < colleges.length; i += 1) {
    created.push(
      await api('POST', '/api/v1/org/units', {
        token: ministry.token,
        body: { kind: 'college', name: colleges[i], code: `c${i + 1}`, parent_id: university.id },
      }),
    );
  }
  const school = await createAdmin({ role: 'school_admin', unitId: university.id, username: `mp_${tag}_school`, name: `${name}就业处` });
  return { university, colleges: created, token: school.token, me: school.me, ministry };
}

function future(days) {
  return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
}

module.exports = {
  chat,
  info,
  useRealServer,
  wxIdentity,
  api,
  demoUser,
  readyToken,
  publishTask,
  importEmployment,
  createAdmin,
  isolatedSchool,
  future,
  NEW_PASSWORD,
};
